package dev.plasma.autoconfigure;

import java.time.Duration;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.PlatformTransactionManager;

import dev.plasma.clients.ClientGroupCleanupJob;
import dev.plasma.clients.ClientGroupCleanupListener;
import dev.plasma.clients.ClientGroupCleanupScheduler;
import dev.plasma.clients.ClientGroups;
import dev.plasma.compaction.LeaseLock;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.ledger.MutationLedger;

/**
 * Auto-configuration of client groups ({@code plasma.clients.*}): {@link ClientGroups}, which records
 * each group's owner and last-seen time, and the job that deletes groups unseen for the retention
 * period, on Plasma's own scheduler under the cluster-wide lease {@code client-cleanup}.
 */
@AutoConfiguration(after = PlasmaAutoConfiguration.class)
@ConditionalOnBean({ PlasmaDialect.class, MutationLedger.class })
@EnableConfigurationProperties(PlasmaProperties.class)
public final class PlasmaClientsAutoConfiguration {

	/**
	 * How long a cleanup lease lasts without renewal; renewed before every batch.
	 */
	private static final Duration LEASE = Duration.ofMinutes(5);

	@Bean
	@ConditionalOnMissingBean
	ClientGroups plasmaClientGroups(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, PlasmaProperties properties) {
		PlasmaProperties.Clients clients = properties.getClients();
		if (clients.getLastSeenInterval().multipliedBy(2).compareTo(clients.getRetention()) > 0) {
			throw new IllegalArgumentException("Plasma: plasma.clients.retention (" + clients.getRetention()
					+ ") must be at least twice plasma.clients.last-seen-interval (" + clients.getLastSeenInterval() + ")");
		}
		return new ClientGroups(PlasmaAutoConfiguration.plasmaDataSource(plasmaDataSource, dataSource),
				System::currentTimeMillis, clients.getLastSeenInterval().toMillis());
	}

	@Bean
	@ConditionalOnMissingBean
	ClientGroupCleanupJob plasmaClientGroupCleanupJob(ClientGroups groups, MutationLedger ledger,
			@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource, ObjectProvider<DataSource> dataSource,
			ObjectProvider<PlatformTransactionManager> transactionManager, PlasmaDialect dialect,
			PlasmaProperties properties, ObjectProvider<ClientGroupCleanupListener> listeners) {
		DataSource source = PlasmaAutoConfiguration.plasmaDataSource(plasmaDataSource, dataSource);
		PlasmaProperties.Clients clients = properties.getClients();
		return new ClientGroupCleanupJob(groups, ledger, new LeaseLock(source, dialect, "client-cleanup", LEASE),
				PlasmaAutoConfiguration.transactions(transactionManager, source), clients.getRetention(),
				clients.getCleanupBatchSize(), listeners.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	ClientGroupCleanupScheduler plasmaClientGroupCleanupScheduler(ClientGroupCleanupJob job,
			PlasmaProperties properties) {
		return new ClientGroupCleanupScheduler(job, properties.getClients().getCleanupCron());
	}

}

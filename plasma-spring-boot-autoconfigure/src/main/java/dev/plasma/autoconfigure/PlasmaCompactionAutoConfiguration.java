package dev.plasma.autoconfigure;

import java.time.Duration;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.plasma.changelog.ChangeLogStatusReader;
import dev.plasma.compaction.ChangeLogCompactor;
import dev.plasma.compaction.CompactionJob;
import dev.plasma.compaction.CompactionListener;
import dev.plasma.compaction.CompactionScheduler;
import dev.plasma.compaction.LeaseLock;
import dev.plasma.dialect.PlasmaDialect;

/**
 * Auto-configuration of change-log compaction: the {@link ChangeLogCompactor}, the job that runs it under
 * a cluster-wide lease up to the retention cutoff, and its cron schedule on Plasma's own scheduler
 * ({@code plasma.compaction.*}); plus the {@link ChangeLogStatusReader} that metrics, the endpoint and
 * the health indicator read.
 */
@AutoConfiguration(after = PlasmaAutoConfiguration.class)
@ConditionalOnBean(PlasmaDialect.class)
@EnableConfigurationProperties(PlasmaProperties.class)
public final class PlasmaCompactionAutoConfiguration {

	/**
	 * How old a status that metrics read may be.
	 */
	private static final Duration STATUS_MAX_AGE = Duration.ofSeconds(10);

	/**
	 * How long a compaction lease lasts without renewal; renewed before every batch.
	 */
	private static final Duration LEASE = Duration.ofMinutes(5);

	@Bean
	@ConditionalOnMissingBean
	ChangeLogStatusReader plasmaChangeLogStatusReader(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, PlasmaDialect dialect) {
		return new ChangeLogStatusReader(PlasmaAutoConfiguration.plasmaDataSource(plasmaDataSource, dataSource), dialect,
				STATUS_MAX_AGE);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "plasma.compaction.enabled", matchIfMissing = true)
	static class CompactionConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ChangeLogCompactor plasmaChangeLogCompactor(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
				ObjectProvider<DataSource> dataSource, PlasmaDialect dialect, PlasmaProperties properties,
				ObjectProvider<CompactionListener> listeners) {
			return new ChangeLogCompactor(PlasmaAutoConfiguration.plasmaDataSource(plasmaDataSource, dataSource), dialect,
					properties.getCompaction().getBatchSize(), properties.getCompaction().getBatchPause(),
					listeners.orderedStream().toList());
		}

		@Bean
		@ConditionalOnMissingBean
		LeaseLock plasmaCompactionLock(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
				ObjectProvider<DataSource> dataSource, PlasmaDialect dialect) {
			return new LeaseLock(PlasmaAutoConfiguration.plasmaDataSource(plasmaDataSource, dataSource), dialect,
					"compaction", LEASE);
		}

		@Bean
		@ConditionalOnMissingBean
		CompactionJob plasmaCompactionJob(ChangeLogCompactor compactor, LeaseLock lock,
				@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource, ObjectProvider<DataSource> dataSource,
				PlasmaDialect dialect, PlasmaProperties properties) {
			return new CompactionJob(compactor, lock, PlasmaAutoConfiguration.plasmaDataSource(plasmaDataSource, dataSource),
					dialect, properties.getCompaction().getRetention());
		}

		@Bean
		@ConditionalOnMissingBean
		CompactionScheduler plasmaCompactionScheduler(CompactionJob job, PlasmaProperties properties) {
			return new CompactionScheduler(job, properties.getCompaction().getCron());
		}

	}

}

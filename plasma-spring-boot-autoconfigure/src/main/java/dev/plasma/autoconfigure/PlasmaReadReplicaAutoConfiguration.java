package dev.plasma.autoconfigure;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.ledger.MutationLedger;
import dev.plasma.metrics.ReplicaMetrics;
import dev.plasma.replica.ReadReplica;
import dev.plasma.replica.ReplicaLag;
import dev.plasma.replica.ReplicaListener;
import dev.plasma.replica.ReplicaPullRouter;

/**
 * Auto-configuration of a read replica when {@code plasma.read-replica.url} is set (and
 * {@code plasma.read-replica.enabled} is not false): the replica's own HikariCP pool wrapped in a
 * {@link ReadReplica} (not a {@link DataSource} bean, so the application's data source and its health
 * check are untouched), the {@link ReplicaPullRouter} that the pull processor uses as its chooser, and
 * {@link ReplicaLag}, which the replica's gauges, the {@code plasma} health indicator and the actuator
 * endpoint read. Without a replica none of this exists and pulls run exactly as before.
 */
@AutoConfiguration(after = PlasmaAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(HikariDataSource.class)
@ConditionalOnBean({ DataSource.class, MutationLedger.class })
@ConditionalOnProperty(prefix = "plasma.read-replica", name = "url")
@ConditionalOnBooleanProperty(name = "plasma.read-replica.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PlasmaProperties.class)
public final class PlasmaReadReplicaAutoConfiguration {

	private static final Map<String, String> POOL_DEFAULTS = Map.of("poolName", "plasma-read-replica",
			"maximumPoolSize", "5", "connectionTimeout", "1000", "readOnly", "true", "initializationFailTimeout", "-1");

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ReadReplica plasmaReadReplica(PlasmaProperties properties, PlasmaDialect dialect) {
		return new ReadReplica(pool(properties.getReadReplica()), dialect);
	}

	/**
	 * How old a replica lag that gauges, health and the endpoint show may be.
	 */
	private static final Duration LAG_MAX_AGE = Duration.ofSeconds(1);

	@Bean
	@ConditionalOnMissingBean
	ReplicaLag plasmaReplicaLag(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, ReadReplica replica, PlasmaDialect dialect) {
		return new ReplicaLag(PlasmaAutoConfiguration.plasmaDataSource(plasmaDataSource, dataSource), replica, dialect,
				LAG_MAX_AGE);
	}

	@Bean
	@ConditionalOnMissingBean
	ReplicaPullRouter plasmaReplicaPullRouter(ReadReplica replica, MutationLedger ledger, PlasmaProperties properties,
			ObjectProvider<ReplicaListener> listeners) {
		return new ReplicaPullRouter(replica, ledger, properties.getReadReplica().getRetryAfter(),
				listeners.orderedStream().toList());
	}

	static HikariDataSource pool(PlasmaProperties.ReadReplica replica) {
		Properties settings = new Properties();
		settings.putAll(POOL_DEFAULTS);
		replica.getHikari().forEach((name, value) -> settings.setProperty(camelCase(name), value));
		HikariConfig config = new HikariConfig(settings);
		config.setJdbcUrl(replica.getUrl());
		config.setUsername(replica.getUsername());
		config.setPassword(replica.getPassword());
		if (replica.getDriverClassName() != null) {
			config.setDriverClassName(replica.getDriverClassName());
		}
		return new HikariDataSource(config);
	}

	private static String camelCase(String name) {
		StringBuilder camel = new StringBuilder();
		boolean upper = false;
		for (char c : name.toCharArray()) {
			if (c == '-' || c == '_') {
				upper = true;
			}
			else {
				camel.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return camel.toString().isEmpty() ? name : camel.substring(0, 1).toLowerCase(Locale.ROOT) + camel.substring(1);
	}

	/**
	 * The read-replica meters, with Micrometer and a {@link MeterRegistry}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class Metrics {

		@Bean
		@ConditionalOnMissingBean
		ReplicaMetrics plasmaReplicaMetrics(ReplicaLag lag) {
			return new ReplicaMetrics(lag);
		}

	}

}

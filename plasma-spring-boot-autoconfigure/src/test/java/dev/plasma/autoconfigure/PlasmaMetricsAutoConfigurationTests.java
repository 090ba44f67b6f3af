package dev.plasma.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.plasma.compaction.ChangeLogCompactor;
import dev.plasma.metrics.MicrometerSyncObserver;
import dev.plasma.metrics.PlasmaMetrics;
import dev.plasma.sequencer.Sequencer;
import dev.plasma.sync.PullProcessor;
import dev.plasma.sync.SyncObserver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plasma's metrics: every meter registered at zero when the application has a {@link MeterRegistry},
 * fed by pulls and compactions, absent without a registry or without Micrometer, and fed alongside an
 * application's own {@link SyncObserver}.
 */
class PlasmaMetricsAutoConfigurationTests {

	private static final AtomicInteger DATABASES = new AtomicInteger();

	private static final List<String> METERS = List.of("plasma.compaction.runs", "plasma.compaction.duration",
			"plasma.compaction.removed", "plasma.compaction.floor", "plasma.compaction.last.success",
			"plasma.changelog.entries", "plasma.changelog.head", "plasma.sequencer.pending", "plasma.push.mutations",
			"plasma.pull.requests", "plasma.push.duration", "plasma.pull.duration");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, LiquibaseAutoConfiguration.class,
				MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, PlasmaSchemaAutoConfiguration.class,
				PlasmaAutoConfiguration.class, PlasmaCompactionAutoConfiguration.class,
				PlasmaMetricsAutoConfiguration.class))
		.withPropertyValues("spring.liquibase.change-log=classpath:db/changelog/test-app.xml",
				"plasma.tables.todos.change-log-suppressed=false", "plasma.compaction.cron=-");

	private ApplicationContextRunner onFreshDatabase() {
		return this.runner.withPropertyValues(
				"spring.datasource.url=jdbc:h2:mem:metrics" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
	}

	@Test
	void aRegionCreatedAfterStartGetsItsGaugesOnceARegionGaugeIsRead() {
		onFreshDatabase().run((context) -> {
			javax.sql.DataSource dataSource = context.getBean(javax.sql.DataSource.class);
			dev.plasma.dialect.PlasmaDialect dialect = context.getBean(dev.plasma.dialect.PlasmaDialect.class);
			MeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
			new PlasmaMetrics(() -> new dev.plasma.changelog.ChangeLogStatusReader(dataSource, dialect, java.time.Duration.ZERO))
				.bindTo(registry);
			assertThat(registry.find("plasma.region.head").tag("region", "0").gauge()).isNotNull();
			assertThat(registry.find("plasma.region.head").tag("region", "1").gauge()).isNull();
			dev.plasma.sequencer.Sequencer region1 = new dev.plasma.sequencer.Sequencer(dataSource, dialect, 1000,
					List.of(), new dev.plasma.changelog.PendingScope("1", "1"));
			region1.registerRegion();
			new org.springframework.jdbc.core.JdbcTemplate(dataSource)
				.update("MERGE INTO todos (id, text) KEY (id) VALUES ('1', 'a')");
			region1.flush();
			registry.get("plasma.region.head").tag("region", "0").gauge().value();
			assertThat(registry.get("plasma.region.head").tag("region", "1").gauge().value()).isEqualTo(1.0);
			assertThat(registry.find("plasma.region.lag").tag("region", "1").gauge()).isNotNull();
			assertThat(registry.find("plasma.region.head").gauges()).hasSize(2);
		});
	}

	@Test
	void registersEveryMeterAtZero() {
		onFreshDatabase().run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(PlasmaMetrics.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			for (String name : METERS) {
				assertThat(registry.find(name).meters()).as(name).isNotEmpty();
			}
			assertThat(registry.get("plasma.compaction.runs").tag("outcome", "success").counter().count()).isZero();
			assertThat(registry.get("plasma.compaction.runs").tag("outcome", "failure").counter().count()).isZero();
			for (String outcome : List.of("applied", "duplicate", "failed", "gap")) {
				assertThat(registry.get("plasma.push.mutations").tag("outcome", outcome).counter().count()).isZero();
			}
			assertThat(registry.get("plasma.pull.requests").tag("kind", "incremental").counter().count()).isZero();
			assertThat(registry.get("plasma.pull.requests").tag("kind", "reset").counter().count()).isZero();
			assertThat(registry.get("plasma.changelog.head").gauge().value()).isZero();
			assertThat(registry.get("plasma.compaction.last.success").gauge().value()).isZero();
		});
	}

	@Test
	void pullsAndCompactionsMoveTheMeters() {
		onFreshDatabase().run((context) -> {
			assertThat(context.getBean(SyncObserver.class)).isInstanceOf(MicrometerSyncObserver.class);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
			for (int i = 0; i < 4; i++) {
				jdbc.update("MERGE INTO todos (id, text) KEY (id) VALUES ('t1', ?)", "v" + i);
			}
			context.getBean(Sequencer.class).flush();
			PullProcessor pull = context.getBean(PullProcessor.class);
			long cookie = pull.pull("g1", null).version();
			pull.pull("g1", cookie);
			context.getBean(ChangeLogCompactor.class).compactChangeLog(context.getBean(Sequencer.class).head());

			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("plasma.pull.requests").tag("kind", "reset").counter().count()).isEqualTo(1);
			assertThat(registry.get("plasma.pull.requests").tag("kind", "incremental").counter().count()).isEqualTo(1);
			assertThat(registry.get("plasma.pull.duration").timer().count()).isEqualTo(2);
			assertThat(registry.get("plasma.compaction.runs").tag("outcome", "success").counter().count()).isEqualTo(1);
			assertThat(registry.get("plasma.compaction.removed").counter().count()).isEqualTo(3);
			assertThat(registry.get("plasma.compaction.duration").timer().count()).isEqualTo(1);
			assertThat(registry.get("plasma.changelog.head").gauge().value()).isEqualTo(4);
			assertThat(registry.get("plasma.changelog.entries").gauge().value()).isEqualTo(1);
			assertThat(registry.get("plasma.compaction.floor").gauge().value()).isEqualTo(4);
			assertThat(registry.get("plasma.compaction.last.success").gauge().value())
				.isGreaterThan(System.currentTimeMillis() / 1000.0 - 60);
		});
	}

	@Test
	void isAbsentWithoutAMeterRegistry() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PlasmaSchemaAutoConfiguration.class,
					PlasmaAutoConfiguration.class, PlasmaCompactionAutoConfiguration.class,
					PlasmaMetricsAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:nometrics" + DATABASES.incrementAndGet()
					+ ";DB_CLOSE_DELAY=-1", "plasma.compaction.cron=-")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(PlasmaMetrics.class).doesNotHaveBean(SyncObserver.class);
				assertThat(context.getBean(PullProcessor.class).pull("g1", null)).isNotNull();
			});
	}

	@Test
	void isAbsentWithoutMicrometerOnTheClasspath() {
		onFreshDatabase().withClassLoader(new FilteredClassLoader(MeterBinder.class))
			.withUserConfiguration(RegistryConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(PlasmaMetrics.class)
				.doesNotHaveBean(MicrometerSyncObserver.class));
	}

	@Test
	void anApplicationsOwnSyncObserverIsToldAlongsidePlasmasMeters() {
		onFreshDatabase().withUserConfiguration(CustomObserverConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(MicrometerSyncObserver.class).hasSingleBean(PlasmaMetrics.class);
			PullProcessor pull = context.getBean(PullProcessor.class);
			long cookie = pull.pull("g1", null).version();
			pull.pull("g1", cookie);

			assertThat(context.getBean(CustomObserverConfiguration.class).pulls).hasValue(2);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("plasma.pull.requests").tag("kind", "reset").counter().count()).isEqualTo(1);
			assertThat(registry.get("plasma.pull.requests").tag("kind", "incremental").counter().count()).isEqualTo(1);
		});
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnBinder() {
		onFreshDatabase().withUserConfiguration(CustomMetricsConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(PlasmaMetrics.class);
			assertThat(context.getBean(PlasmaMetrics.class)).isSameAs(context.getBean("customMetrics"));
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class RegistryConfiguration {

		@Bean
		SimpleMeterRegistry registry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomObserverConfiguration {

		final AtomicInteger pulls = new AtomicInteger();

		@Bean
		SyncObserver customObserver() {
			return new SyncObserver() {
				@Override
				public void pullCompleted(boolean reset, Duration duration) {
					CustomObserverConfiguration.this.pulls.incrementAndGet();
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomMetricsConfiguration {

		@Bean
		PlasmaMetrics customMetrics() {
			return new PlasmaMetrics(() -> null);
		}

	}

}

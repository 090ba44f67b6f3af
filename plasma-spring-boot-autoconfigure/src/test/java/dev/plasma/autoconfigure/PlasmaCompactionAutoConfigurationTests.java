package dev.plasma.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.plasma.changelog.ChangeLogStatusReader;
import dev.plasma.compaction.ChangeLogCompactor;
import dev.plasma.compaction.CompactionJob;
import dev.plasma.compaction.CompactionScheduler;
import dev.plasma.compaction.LeaseLock;
import dev.plasma.dialect.PlasmaDialect;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compaction's auto-configuration: what it defines by default, each {@code plasma.compaction.*}
 * property, and backing off.
 */
class PlasmaCompactionAutoConfigurationTests {

	private static final AtomicInteger DATABASES = new AtomicInteger();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, LiquibaseAutoConfiguration.class,
				PlasmaSchemaAutoConfiguration.class, PlasmaAutoConfiguration.class,
				PlasmaCompactionAutoConfiguration.class))
		.withPropertyValues("spring.liquibase.change-log=classpath:db/changelog/test-app.xml",
				"plasma.tables.todos.change-log-suppressed=false");

	private ApplicationContextRunner onFreshDatabase() {
		return this.runner.withPropertyValues(
				"spring.datasource.url=jdbc:h2:mem:compaction" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
	}

	@Test
	void definesCompactionOnAScheduleByDefault() {
		onFreshDatabase().run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(ChangeLogCompactor.class)
				.hasSingleBean(LeaseLock.class)
				.hasSingleBean(CompactionJob.class)
				.hasSingleBean(CompactionScheduler.class)
				.hasSingleBean(ChangeLogStatusReader.class);
			CompactionScheduler scheduler = context.getBean(CompactionScheduler.class);
			assertThat(scheduler.isRunning()).isTrue();
			assertThat(scheduler.isScheduled()).isTrue();
			assertThat(context.getBean(ChangeLogCompactor.class).batchSize()).isEqualTo(10000);
			assertThat(context.getBean(ChangeLogCompactor.class).batchPause()).isEqualTo(Duration.ofMillis(40));
			assertThat(context.getBean(CompactionJob.class).retention()).isEqualTo(Duration.ofDays(7));
		});
	}

	@Test
	void bindsEachCompactionProperty() {
		onFreshDatabase()
			.withPropertyValues("plasma.compaction.cron=-", "plasma.compaction.retention=2h",
					"plasma.compaction.batch-size=250", "plasma.compaction.batch-pause=0")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(CompactionScheduler.class).isScheduled()).isFalse();
				assertThat(context.getBean(CompactionJob.class).retention()).isEqualTo(Duration.ofHours(2));
				assertThat(context.getBean(ChangeLogCompactor.class).batchSize()).isEqualTo(250);
				assertThat(context.getBean(ChangeLogCompactor.class).batchPause()).isZero();
				assertThat(context.getBean(CompactionJob.class).run(null)).isPresent();
			});
	}

	@Test
	void anInvalidCronExpressionStopsTheStartWithTheProperty() {
		onFreshDatabase().withPropertyValues("plasma.compaction.cron=every hour")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("plasma.compaction.cron 'every hour' is not a valid cron expression"));
	}

	@Test
	void compactionCanBeSwitchedOffWhileTheStatusStaysReadable() {
		onFreshDatabase().withPropertyValues("plasma.compaction.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(ChangeLogCompactor.class)
				.doesNotHaveBean(CompactionJob.class)
				.doesNotHaveBean(CompactionScheduler.class)
				.hasSingleBean(ChangeLogStatusReader.class);
			assertThat(context.getBean(ChangeLogStatusReader.class).read().head()).isZero();
		});
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnCompactorAndJob() {
		onFreshDatabase().withUserConfiguration(CustomCompactionConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(ChangeLogCompactor.class).hasSingleBean(CompactionJob.class);
			assertThat(context.getBean(ChangeLogCompactor.class)).isSameAs(context.getBean("customCompactor"));
			assertThat(context.getBean(CompactionJob.class)).isSameAs(context.getBean("customJob"));
			assertThat(context.getBean(CompactionJob.class).compactor()).isSameAs(context.getBean("customCompactor"));
		});
	}

	@Test
	void doesNothingWithoutPlasmasCore() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PlasmaCompactionAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ChangeLogCompactor.class)
				.doesNotHaveBean(ChangeLogStatusReader.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class CustomCompactionConfiguration {

		@Bean
		ChangeLogCompactor customCompactor(DataSource dataSource, PlasmaDialect dialect) {
			return new ChangeLogCompactor(dataSource, dialect, 5, List.of());
		}

		@Bean
		CompactionJob customJob(ChangeLogCompactor compactor, DataSource dataSource, PlasmaDialect dialect) {
			return new CompactionJob(compactor, new LeaseLock(dataSource, dialect, "custom", Duration.ofMinutes(1)),
					dataSource, dialect, Duration.ofDays(1));
		}

	}

}

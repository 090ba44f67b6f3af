package dev.plasma.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.plasma.actuate.PlasmaEndpoint;
import dev.plasma.actuate.PlasmaHealthIndicator;
import dev.plasma.changelog.ChangeLogStatusReader;
import dev.plasma.changelog.PendingScope;
import dev.plasma.changelog.RegionStatus;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.sequencer.Sequencer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The {@code plasma} actuator endpoint and health indicator: present only when exposed or enabled, what
 * they report, and the endpoint's compact operation.
 */
class PlasmaActuatorAutoConfigurationTests {

	private static final AtomicInteger DATABASES = new AtomicInteger();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, LiquibaseAutoConfiguration.class,
				PlasmaSchemaAutoConfiguration.class, PlasmaAutoConfiguration.class, PlasmaCompactionAutoConfiguration.class,
				PlasmaEndpointAutoConfiguration.class, PlasmaHealthAutoConfiguration.class))
		.withPropertyValues("spring.liquibase.change-log=classpath:db/changelog/test-app.xml",
				"plasma.tables.todos.change-log-suppressed=false", "plasma.compaction.cron=-");

	private ApplicationContextRunner onFreshDatabase() {
		return this.runner.withPropertyValues(
				"spring.datasource.url=jdbc:h2:mem:actuator" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
	}

	@Test
	void theEndpointIsAbsentWhenNotExposed() {
		onFreshDatabase().run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PlasmaEndpoint.class));
	}

	@Test
	void theExposedEndpointReadsTheChangeLogAndCompactsOnWrite() {
		onFreshDatabase().withPropertyValues("management.endpoints.web.exposure.include=health,plasma")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(PlasmaEndpoint.class);
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				for (int i = 0; i < 3; i++) {
					jdbc.update("MERGE INTO todos (id, text) KEY (id) VALUES ('1', ?)", "v" + i);
				}
				context.getBean(Sequencer.class).flush();
				PlasmaEndpoint endpoint = context.getBean(PlasmaEndpoint.class);

				PlasmaEndpoint.PlasmaDescriptor before = endpoint.plasma();
				assertThat(before.head()).isEqualTo(3);
				assertThat(before.entries()).isEqualTo(3);
				assertThat(before.floor()).isZero();
				assertThat(before.compaction().enabled()).isTrue();
				assertThat(before.compaction().lastCompletedAt()).isNull();

				PlasmaEndpoint.RunDescriptor run = endpoint.compact("2", null).getBody();
				assertThat(run.status()).isEqualTo("compacted");
				assertThat(run.result().upToVersion()).isEqualTo(2);
				assertThat(run.result().removed()).isEqualTo(1);

				PlasmaEndpoint.PlasmaDescriptor after = endpoint.plasma();
				assertThat(after.floor()).isEqualTo(2);
				assertThat(after.entries()).isEqualTo(2);
				assertThat(after.compaction().lastCompletedAt()).isNotNull();
				assertThat(after.compaction().lastResult().removed()).isEqualTo(1);
				assertThat(endpoint.compact(null, null).getBody().result().floor()).as("retention 7d: nothing is old enough")
					.isEqualTo(2);
			});
	}

	@Test
	void theEndpointCompactsANamedRegionInItsOwnVersionSpaceAndRejectsUnknownRegions() {
		onFreshDatabase().withPropertyValues("management.endpoints.web.exposure.include=plasma", "plasma.sequencer.enabled=false")
			.run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			Sequencer region1 = new Sequencer(dataSource, context.getBean(PlasmaDialect.class), 1000, List.of(),
					new PendingScope("1", "1"));
			region1.registerRegion();
			for (int i = 0; i < 3; i++) {
				jdbc.update("MERGE INTO todos (id, text) KEY (id) VALUES ('1', ?)", "v" + i);
				region1.flush();
			}
			PlasmaEndpoint endpoint = context.getBean(PlasmaEndpoint.class);

			WebEndpointResponse<PlasmaEndpoint.RunDescriptor> run = endpoint.compact("2", "1");
			assertThat(run.getStatus()).isEqualTo(200);
			assertThat(run.getBody().status()).isEqualTo("compacted");
			assertThat(run.getBody().result().removed()).isEqualTo(1);
			assertThat(endpoint.plasma().regions()).extracting(RegionStatus::region, RegionStatus::head, RegionStatus::floor)
				.containsExactlyInAnyOrder(tuple("0", 0L, 0L), tuple("1", 3L, 2L));

			assertThat(endpoint.compact("4", "1").getBody().reason()).contains("beyond the head (3)");
			assertThat(endpoint.compact(null, "9").getStatus()).isEqualTo(400);
			assertThat(endpoint.compact(null, "9").getBody().reason()).contains("no region '9'");
			assertThat(endpoint.compact(null, "x; DROP TABLE todos").getBody().status()).isEqualTo("rejected");
			assertThat(endpoint.compact("1", "0").getBody().reason()).as("region 0 is empty")
				.contains("beyond the head (0)");
		});
	}

	@Test
	void theEndpointSaysSoWhenCompactionIsDisabled() {
		onFreshDatabase()
			.withPropertyValues("management.endpoints.web.exposure.include=plasma", "plasma.compaction.enabled=false")
			.run((context) -> {
				PlasmaEndpoint endpoint = context.getBean(PlasmaEndpoint.class);
				assertThat(endpoint.compact(null, null).getBody().status()).isEqualTo("disabled");
				assertThat(endpoint.plasma().compaction().enabled()).isFalse();
			});
	}

	@Test
	void theHealthIndicatorIsUpWithCompactionDetailsByDefault() {
		onFreshDatabase().run((context) -> {
			assertThat(context).hasNotFailed().hasBean("plasmaHealthIndicator");
			Health health = context.getBean(PlasmaHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("compactionAge", "never")
				.containsEntry("pending", 0L)
				.containsKeys("head", "floor", "entries", "lastCompaction", "oldestPendingAge");
		});
	}

	@Test
	void theHealthIndicatorIsDownWhenAnEntryWaitsForTheSequencerTooLong() {
		onFreshDatabase()
			.withPropertyValues("plasma.sequencer.enabled=false", "plasma.health.sequencer-stuck-after=5s")
			.run((context) -> {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				long now = context.getBean(ChangeLogStatusReader.class).read().databaseNow();
				jdbc.update("INSERT INTO _plasma_pending_changes (table_name, row_id, op, created_at) VALUES ('x', '1', 'del', ?)",
						now - Duration.ofSeconds(2).toMillis());
				assertThat(context.getBean(PlasmaHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);

				jdbc.update("UPDATE _plasma_pending_changes SET created_at = ?", now - Duration.ofSeconds(30).toMillis());
				Health health = context.getBean(PlasmaHealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat((String) health.getDetails().get("reason")).startsWith("sequencer stuck");
			});
	}

	@Test
	void theHealthIndicatorCanBeSwitchedOff() {
		onFreshDatabase().withPropertyValues("management.health.plasma.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PlasmaHealthIndicator.class));
	}

	@Test
	void neitherIsDefinedWithoutActuatorOnTheClasspath() {
		onFreshDatabase()
			.withClassLoader(new FilteredClassLoader(AbstractHealthIndicator.class,
					org.springframework.boot.actuate.endpoint.annotation.Endpoint.class))
			.withPropertyValues("management.endpoints.web.exposure.include=plasma")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(PlasmaEndpoint.class)
				.doesNotHaveBean(PlasmaHealthIndicator.class)
				.hasSingleBean(ChangeLogStatusReader.class));
	}

}

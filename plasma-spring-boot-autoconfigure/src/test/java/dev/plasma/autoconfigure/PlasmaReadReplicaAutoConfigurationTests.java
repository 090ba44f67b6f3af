package dev.plasma.autoconfigure;

import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.plasma.actuate.PlasmaEndpoint;
import dev.plasma.actuate.PlasmaHealthIndicator;
import dev.plasma.mutation.MutatorRegistry;
import dev.plasma.replica.ReadReplica;
import dev.plasma.replica.ReplicaLag;
import dev.plasma.replica.ReplicaPullRouter;
import dev.plasma.replica.ReplicaStatus;
import dev.plasma.schema.PlasmaSchemaInitializer;
import dev.plasma.sequencer.Sequencer;
import dev.plasma.sync.Cookie;
import dev.plasma.sync.PullProcessor;
import dev.plasma.sync.PullResult;
import dev.plasma.sync.PushMutation;
import dev.plasma.sync.PushProcessor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read replica's auto-configuration on H2: nothing without {@code plasma.read-replica.url} (or with
 * {@code enabled=false}); with it, a pool of its own that is not a {@link DataSource} bean (the application's
 * data source stays Boot's), HikariCP settings applied, meters at zero, and pulls routed by what the replica
 * has reached; the replica's lag as gauges, a health detail (never DOWN) and in the actuator endpoint.
 * Invalid settings stop the start naming the property.
 */
class PlasmaReadReplicaAutoConfigurationTests {

	private static final AtomicInteger DATABASES = new AtomicInteger();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, LiquibaseAutoConfiguration.class,
				MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, PlasmaSchemaAutoConfiguration.class,
				PlasmaAutoConfiguration.class, PlasmaMetricsAutoConfiguration.class,
				PlasmaReadReplicaAutoConfiguration.class))
		.withPropertyValues("spring.liquibase.change-log=classpath:db/changelog/test-app.xml",
				"plasma.tables.todos.change-log-suppressed=false", "plasma.sequencer.enabled=false");

	private static String freshUrl() {
		return "jdbc:h2:mem:replica" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
	}

	/** The primary, and a replica that is the very same database (so always caught up). */
	private ApplicationContextRunner withSameDatabaseAsReplica() {
		String url = freshUrl();
		return this.runner.withPropertyValues("spring.datasource.url=" + url, "plasma.read-replica.url=" + url,
				"plasma.read-replica.username=sa");
	}

	private static void push(PushProcessor push, String group, long id) {
		push.push(group, List.of(new PushMutation("c1", id, "noop", JsonNodeFactory.instance.objectNode(), 1)));
	}

	@Test
	void withoutAUrlNothingChanges() {
		this.runner.withPropertyValues("spring.datasource.url=" + freshUrl()).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(ReadReplica.class).doesNotHaveBean(ReplicaPullRouter.class);
			assertThat(context.getBean(MeterRegistry.class).find("plasma.pull.source").meters()).isEmpty();
			assertThat(context.getBean(PullProcessor.class).pull("g", null).reset()).isTrue();
		});
	}

	@Test
	void disabledNothingChanges() {
		withSameDatabaseAsReplica().withPropertyValues("plasma.read-replica.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ReadReplica.class)
				.doesNotHaveBean(ReplicaPullRouter.class));
	}

	@Test
	void aReplicaHasItsOwnPoolAndLeavesTheApplicationsDataSourceAlone() {
		withSameDatabaseAsReplica().withPropertyValues("plasma.read-replica.hikari.maximum-pool-size=2").run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(ReadReplica.class).hasSingleBean(DataSource.class);
			HikariDataSource pool = (HikariDataSource) context.getBean(ReadReplica.class).dataSource();
			assertThat(pool).isNotSameAs(context.getBean(DataSource.class));
			assertThat(pool.getMaximumPoolSize()).isEqualTo(2);
			assertThat(pool.getPoolName()).isEqualTo("plasma-read-replica");
			assertThat(pool.isReadOnly()).isTrue();
			assertThat(pool.getConnectionTimeout()).isEqualTo(1000);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			for (String reason : List.of("behind", "error", "backoff")) {
				assertThat(meters.get("plasma.pull.replica.fallbacks").tag("reason", reason).counter().count()).isZero();
			}
			assertThat(meters.get("plasma.pull.source").tag("source", "primary").counter().count()).isZero();

			context.getBean(MutatorRegistry.class).register("noop", (args, mutation) -> {
			});
			push(context.getBean(PushProcessor.class), "g1", 1);
			PullResult pull = context.getBean(PullProcessor.class).pull("g1", null);
			assertThat(pull.lastMutationIds()).containsEntry("c1", 1L);
			assertThat(meters.get("plasma.pull.source").tag("source", "replica").counter().count()).isOne();
		});
	}

	@Test
	void aReplicaBehindTheCookieOrTheGroupsConfirmationsLeavesThePullToThePrimary() throws Exception {
		String replicaUrl = freshUrl();
		DriverManagerDataSource replica = new DriverManagerDataSource(replicaUrl, "sa", "");
		new PlasmaSchemaInitializer(replica).initialize();
		new JdbcTemplate(replica).execute("CREATE TABLE todos (id VARCHAR(64) PRIMARY KEY, text VARCHAR(1000))");
		this.runner.withPropertyValues("spring.datasource.url=" + freshUrl(), "plasma.read-replica.url=" + replicaUrl,
				"plasma.read-replica.username=sa").run((context) -> {
					assertThat(context).hasNotFailed();
					MeterRegistry meters = context.getBean(MeterRegistry.class);
					PullProcessor pulls = context.getBean(PullProcessor.class);
					context.getBean(MutatorRegistry.class).register("noop", (args, mutation) -> {
					});
					push(context.getBean(PushProcessor.class), "pushed", 1);

					PullResult confirmed = pulls.pull("pushed", null);
					assertThat(confirmed.lastMutationIds()).as("answered by the primary").containsEntry("c1", 1L);
					assertThat(meters.get("plasma.pull.replica.fallbacks").tag("reason", "behind").counter().count()).isOne();

					PullResult fresh = pulls.pull("fresh", null);
					assertThat(fresh.version()).as("the replica (head 0) answers a group needing nothing").isZero();
					assertThat(meters.get("plasma.pull.source").tag("source", "replica").counter().count()).isOne();

					PullResult withCookie = pulls.pull("fresh", confirmed.version());
					assertThat(withCookie.version()).as("never behind the cookie").isEqualTo(confirmed.version());
					assertThat(meters.get("plasma.pull.replica.fallbacks").tag("reason", "behind").counter().count())
						.isEqualTo(2);
				});
	}

	@Test
	void aPullWhoseGrantsChangedIsResetByThePrimaryOnly() {
		withSameDatabaseAsReplica().withPropertyValues("plasma.tables.todos.read.user-column=text").run((context) -> {
			assertThat(context).hasNotFailed();
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			PullProcessor pulls = context.getBean(PullProcessor.class);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			jdbc.update("INSERT INTO todos (id, text) VALUES ('t1', 'alice')");
			jdbc.update("INSERT INTO todos (id, text) VALUES ('t2', 'alice')");
			long head = context.getBean(dev.plasma.sequencer.Sequencer.class).flush();

			PullResult current = pulls.pull("g", "alice", new Cookie.Position(head - 1, null));
			assertThat(current.reset()).isTrue();
			assertThat(meters.get("plasma.pull.replica.fallbacks").tag("reason", "behind").counter().count())
				.as("grants differ from the cookie's: only the primary resets").isOne();
			assertThat(meters.get("plasma.pull.source").tag("source", "primary").counter().count()).isOne();

			pulls.pull("g", "alice", new Cookie.Position(head - 1, current.grants()));
			assertThat(meters.get("plasma.pull.source").tag("source", "replica").counter().count())
				.as("matching grants: the replica answers").isOne();
		});
	}

	/** With the health indicator and the endpoint, as an application with actuator has them. */
	private ApplicationContextRunner withActuator(ApplicationContextRunner runner) {
		return runner
			.withConfiguration(AutoConfigurations.of(PlasmaCompactionAutoConfiguration.class,
					PlasmaEndpointAutoConfiguration.class, PlasmaHealthAutoConfiguration.class))
			.withPropertyValues("plasma.compaction.cron=-", "management.endpoints.web.exposure.include=health,plasma");
	}

	private static DriverManagerDataSource separateReplica(String url) throws Exception {
		DriverManagerDataSource replica = new DriverManagerDataSource(url, "sa", "");
		new PlasmaSchemaInitializer(replica).initialize();
		return replica;
	}

	@Test
	void withoutAReplicaThereAreNoLagGaugesNorReplicaHealthDetail() {
		withActuator(this.runner).withPropertyValues("spring.datasource.url=" + freshUrl()).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(ReplicaLag.class).hasSingleBean(PlasmaHealthIndicator.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.find("plasma.replica.lag").meters()).isEmpty();
			assertThat(meters.find("plasma.replica.replay.delay").meters()).isEmpty();
			assertThat(meters.find("plasma.replica.available").meters()).isEmpty();
			Health health = context.getBean(PlasmaHealthIndicator.class).health();
			assertThat(health.getDetails()).containsKey("regions").doesNotContainKey("readReplica");
			assertThat(context.getBean(PlasmaEndpoint.class).plasma().readReplica()).isNull();
		});
	}

	@Test
	void aReplicaBehindThePrimaryShowsItsLagInVersionsWhileHealthStaysUp() throws Exception {
		String replicaUrl = freshUrl();
		DriverManagerDataSource replica = separateReplica(replicaUrl);
		withActuator(this.runner).withPropertyValues("spring.datasource.url=" + freshUrl(),
				"plasma.read-replica.url=" + replicaUrl, "plasma.read-replica.username=sa").run((context) -> {
					assertThat(context).hasNotFailed().hasSingleBean(ReplicaLag.class);
					MeterRegistry meters = context.getBean(MeterRegistry.class);
					JdbcTemplate primary = new JdbcTemplate(context.getBean(DataSource.class));
					primary.update("INSERT INTO todos (id, text) VALUES ('t1', 'a')");
					primary.update("INSERT INTO todos (id, text) VALUES ('t2', 'b')");
					long head = context.getBean(Sequencer.class).flush();
					assertThat(head).isEqualTo(2);
					ReplicaStatus status = context.getBean(ReplicaLag.class).read();

					assertThat(status.versionsBehind()).containsExactly(Map.entry("0", 2L));
					assertThat(meters.get("plasma.replica.lag").tag("region", "0").gauge().value()).isEqualTo(2);
					assertThat(meters.get("plasma.replica.available").gauge().value()).isOne();
					assertThat(meters.get("plasma.replica.replay.delay").gauge().value()).as("H2 cannot tell").isNaN();
					Health health = context.getBean(PlasmaHealthIndicator.class).health();
					assertThat(health.getStatus()).as("a lagging replica is reported, not DOWN").isEqualTo(Status.UP);
					assertThat(health.getDetails().get("readReplica")).isEqualTo(
							Map.of("answered", true, "versionsBehind", Map.of("0", 2L)));
					assertThat(context.getBean(PlasmaEndpoint.class).plasma().readReplica()).isEqualTo(status);

					new JdbcTemplate(replica).update("UPDATE _plasma_sequencer SET head = ? WHERE region = '0'", head);
					assertThat(context.getBean(ReplicaLag.class).read().versionsBehind()).containsEntry("0", 0L);
					assertThat(meters.get("plasma.replica.lag").tag("region", "0").gauge().value()).isZero();
				});
	}

	@Test
	void aReplicaThatDoesNotAnswerIsReportedWhileHealthStaysUp() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		withActuator(this.runner).withPropertyValues("spring.datasource.url=" + freshUrl(),
				"plasma.read-replica.url=jdbc:postgresql://127.0.0.1:" + closedPort + "/plasma",
				"plasma.read-replica.username=postgres", "plasma.read-replica.hikari.connection-timeout=250")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("plasma.replica.available").gauge().value()).isZero();
				assertThat(meters.get("plasma.replica.lag").tag("region", "0").gauge().value())
					.as("registered for the primary's regions, unknown while the replica is down")
					.isNaN();
				assertThat(meters.get("plasma.replica.replay.delay").gauge().value()).isNaN();
				Health health = context.getBean(PlasmaHealthIndicator.class).health();
				assertThat(health.getStatus()).as("pulls fall back to the primary").isEqualTo(Status.UP);
				@SuppressWarnings("unchecked")
				Map<String, Object> detail = (Map<String, Object>) health.getDetails().get("readReplica");
				assertThat(detail).containsEntry("answered", false).containsKey("error").doesNotContainKey("versionsBehind");
			});
	}

	@Test
	void invalidSettingsStopTheStartNamingTheProperty() {
		this.runner.withPropertyValues("spring.datasource.url=" + freshUrl(), "plasma.read-replica.url=postgres://x")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("plasma.read-replica")
				.hasStackTraceContaining("url must be a JDBC URL starting with 'jdbc:'"));
		withSameDatabaseAsReplica().withPropertyValues("plasma.read-replica.hikari.maximum-pool-sise=2")
			.run((context) -> assertThat(context).hasFailed().getFailure().hasStackTraceContaining("maximumPoolSise"));
	}

}

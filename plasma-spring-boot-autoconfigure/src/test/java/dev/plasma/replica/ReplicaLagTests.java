package dev.plasma.replica;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.plasma.changelog.SequencerStateRepository;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.dialect.PlasmaDialects;
import dev.plasma.schema.PlasmaSchemaInitializer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReplicaLag} on two H2 databases standing for a primary and its replica: versions behind per region
 * (a region the replica lacks counts from 0), no replay delay (H2 cannot tell), one read per cache period,
 * and a replica that fails reported as not answered rather than thrown.
 */
class ReplicaLagTests {

	private static final AtomicInteger DATABASES = new AtomicInteger();

	private final AtomicLong nanos = new AtomicLong();

	private static DataSource database() throws Exception {
		DataSource dataSource = new DriverManagerDataSource(
				"jdbc:h2:mem:replica_lag" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", "");
		new PlasmaSchemaInitializer(dataSource).initialize();
		return dataSource;
	}

	private static void setHead(DataSource dataSource, String region, long head) throws Exception {
		try (Connection connection = dataSource.getConnection()) {
			SequencerStateRepository.register(connection, region);
			SequencerStateRepository.updateHead(connection, region, head);
		}
	}

	private ReplicaLag lag(DataSource primary, DataSource replica) {
		PlasmaDialect dialect = PlasmaDialects.detect(primary);
		return new ReplicaLag(primary, new ReadReplica(replica, dialect), dialect, Duration.ofSeconds(1), this.nanos::get);
	}

	@Test
	void reportsPerRegionHowManyVersionsTheReplicaIsBehindCountingAMissingRegionFromZero() throws Exception {
		DataSource primary = database();
		DataSource replica = database();
		setHead(primary, "0", 7);
		setHead(replica, "0", 4);
		setHead(primary, "eu", 3);

		ReplicaStatus status = lag(primary, replica).read();

		assertThat(status.answered()).isTrue();
		assertThat(status.error()).isNull();
		assertThat(status.regions()).containsExactly("0", "eu");
		assertThat(status.versionsBehind()).containsExactly(Map.entry("0", 3L), Map.entry("eu", 3L));
		assertThat(status.replayDelayMillis()).as("H2 cannot tell a replay delay").isNull();
	}

	@Test
	void aReplicaThatCaughtUpIsZeroVersionsBehind() throws Exception {
		DataSource primary = database();
		DataSource replica = database();
		setHead(primary, "0", 5);
		setHead(replica, "0", 5);

		assertThat(lag(primary, replica).read().versionsBehind()).containsEntry("0", 0L);
	}

	@Test
	void readsAtMostOncePerCachePeriod() throws Exception {
		DataSource primary = database();
		DataSource replica = database();
		setHead(primary, "0", 5);
		ReplicaLag lag = lag(primary, replica);
		assertThat(lag.status().versionsBehind()).containsEntry("0", 5L);

		setHead(replica, "0", 5);
		this.nanos.addAndGet(Duration.ofMillis(999).toNanos());
		assertThat(lag.status().versionsBehind()).as("cached").containsEntry("0", 5L);

		this.nanos.addAndGet(Duration.ofMillis(1).toNanos());
		assertThat(lag.status().versionsBehind()).as("read again").containsEntry("0", 0L);
	}

	@Test
	void aReplicaThatFailsIsReportedAsNotAnsweredNotThrown() throws Exception {
		DataSource primary = database();
		DataSource replica = new DriverManagerDataSource(
				"jdbc:h2:mem:replica_lag_empty" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1", "sa", "");
		new JdbcTemplate(replica).execute("SELECT 1");
		setHead(primary, "0", 2);

		ReplicaLag lag = lag(primary, replica);
		ReplicaStatus status = lag.status();

		assertThat(status.answered()).isFalse();
		assertThat(status.error()).as("no _plasma_sequencer on the replica").containsIgnoringCase("_plasma_sequencer");
		assertThat(status.versionsBehind()).isEmpty();
		assertThat(status.regions()).containsExactly("0");
		assertThat(lag.status()).as("the failure is cached too").isSameAs(status);
	}

}

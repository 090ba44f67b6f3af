package dev.plasma.sequencer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.plasma.autoconfigure.PlasmaAutoConfiguration;
import dev.plasma.autoconfigure.PlasmaSchemaAutoConfiguration;
import dev.plasma.changelog.ChangeEntry;
import dev.plasma.changelog.ChangeLog;
import dev.plasma.testsupport.ChangeLogTail;
import dev.plasma.testsupport.PlasmaFixture;
import dev.plasma.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 2 under fire: 8 writers with random pauses inside transactions, some rolled back, while a
 * reader tails the change log from its cursor. At the end the reader's replayed rows equal the table and
 * it has seen every version exactly once, in order.
 */
public abstract class AbstractSequencerFuzzTests {

	private static final int WRITERS = 8;

	private static final int KEYS = 16;

	private static final Duration WRITE_FOR = Duration.ofSeconds(3);

	private static final Duration MAX_WRITE_FOR = Duration.ofSeconds(15);

	private static final int MIN_COMMITS = 50;

	private static final int MIN_ROLLBACKS = 5;

	protected abstract TestDatabase database();

	/**
	 * Returns whether any writer may insert or delete any key. H2 2.4's MVStore can lose a committed
	 * insert when it races with another transaction's committing delete of the same key (seen here: a
	 * committed row vanished with no statement deleting it), so on H2 each key is inserted and deleted by
	 * one writer only, while updates still race on every key.
	 * @return whether inserts and deletes of one key may race
	 */
	protected boolean keyLifecycleMayRace() {
		return true;
	}


	private final java.util.Queue<String> journal = new java.util.concurrent.ConcurrentLinkedQueue<>();

	@Test
	void aTailingReaderEndsWithExactlyTheTableWhileEightWritersRace() throws Exception {
		try (HikariDataSource dataSource = database().create(WRITERS + 4)) {
			PlasmaFixture plasma = new PlasmaFixture(dataSource);
			createFuzzTable(plasma.jdbc);
			plasma.install(PlasmaFixture.synced("fuzz"));
			SequencerLoop loop = new SequencerLoop(plasma.sequencer, Duration.ofMillis(2));
			loop.start();
			try {
				FuzzOutcome outcome = fuzz(dataSource, plasma.changeLog, List.of(plasma.sequencer::flush));
				assertConverged(plasma.jdbc, outcome);
			}
			finally {
				loop.stop();
			}
		}
	}

	@Test
	void twoApplicationContextsOnOneDatabaseNeverDuplicateOrLoseAnEntry() throws Exception {
		String url = database().freshUrl();
		try (HikariDataSource setup = database().dataSource(url, 2)) {
			createFuzzTable(new JdbcTemplate(setup));
		}
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					PlasmaSchemaAutoConfiguration.class, PlasmaAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=" + database().user(),
					"spring.datasource.password=", "spring.datasource.hikari.maximum-pool-size=" + (WRITERS + 4),
					"plasma.tables.fuzz.change-log-suppressed=false", "plasma.sequencer.poll-interval=1ms",
					"plasma.sequencer.batch-size=7");
		runner.run((first) -> runner.run((second) -> {
			assertThat(first).hasNotFailed().hasSingleBean(SequencerLoop.class);
			assertThat(second).hasNotFailed().hasSingleBean(SequencerLoop.class);
			Sequencer firstSequencer = first.getBean(Sequencer.class);
			Sequencer secondSequencer = second.getBean(Sequencer.class);
			FuzzOutcome outcome = fuzz(first.getBean(DataSource.class), first.getBean(ChangeLog.class),
					List.of(firstSequencer::flush, secondSequencer::flush));
			assertConverged(new JdbcTemplate(second.getBean(DataSource.class)), outcome);
		}));
	}

	private void createFuzzTable(JdbcTemplate jdbc) {
		jdbc.execute("CREATE TABLE fuzz (id INT PRIMARY KEY, v INT NOT NULL)");
	}

	private FuzzOutcome fuzz(DataSource dataSource, ChangeLog changeLog, List<Supplier<Long>> flushers)
			throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
		AtomicBoolean writing = new AtomicBoolean(true);
		AtomicInteger commits = new AtomicInteger();
		AtomicInteger rollbacks = new AtomicInteger();
		ChangeLogTail tail = new ChangeLogTail(changeLog);
		try {
			List<Future<?>> writers = new ArrayList<>();
			for (int w = 0; w < WRITERS; w++) {
				int writer = w;
				writers.add(pool.submit(() -> {
					while (writing.get()) {
						writeOneTransaction(dataSource, writer, commits, rollbacks);
					}
					return null;
				}));
			}
			Future<?> reader = pool.submit(() -> {
				while (writing.get()) {
					if (ThreadLocalRandom.current().nextInt(4) == 0) {
						flushers.get(ThreadLocalRandom.current().nextInt(flushers.size())).get();
					}
					tail.poll();
					Thread.sleep(ThreadLocalRandom.current().nextInt(5));
				}
				return null;
			});
			Thread.sleep(WRITE_FOR.toMillis());
			// Writers deadlock now and then (on PostgreSQL each cycle takes deadlock_timeout, 1 s, to break), so a
			// run can be slow: write on until it has done enough to mean something, within a bound.
			long deadline = System.nanoTime() + MAX_WRITE_FOR.toNanos();
			while ((commits.get() <= MIN_COMMITS || rollbacks.get() <= MIN_ROLLBACKS) && System.nanoTime() < deadline) {
				Thread.sleep(50);
			}
			writing.set(false);
			for (Future<?> writer : writers) {
				writer.get();
			}
			reader.get();
		}
		finally {
			pool.shutdownNow();
		}
		for (Supplier<Long> flusher : flushers) {
			flusher.get();
		}
		tail.poll();
		assertThat(commits.get()).as("committed transactions").isGreaterThan(MIN_COMMITS);
		assertThat(rollbacks.get()).as("rolled back transactions").isGreaterThan(MIN_ROLLBACKS);
		return new FuzzOutcome(tail);
	}

	private void writeOneTransaction(DataSource dataSource, int writer, AtomicInteger commits, AtomicInteger rollbacks)
			throws Exception {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		try (Connection connection = dataSource.getConnection()) {
			connection.setAutoCommit(false);
			StringBuilder ops = new StringBuilder(Thread.currentThread().getName() + " " + System.currentTimeMillis());
			try {
				int statements = 1 + random.nextInt(3);
				for (int i = 0; i < statements; i++) {
					int key = random.nextInt(KEYS);
					boolean owner = keyLifecycleMayRace() || key % WRITERS == writer;
					if (random.nextInt(10) < 7 || !owner) {
						ops.append(" up").append(key).append('=').append(upsert(connection, key, owner));
					}
					else {
						ops.append(" del").append(key).append('=')
							.append(execute(connection, "DELETE FROM fuzz WHERE id = ?", key));
					}
					Thread.sleep(random.nextInt(4));
				}
				if (random.nextInt(100) < 15) {
					connection.rollback();
					rollbacks.incrementAndGet();
					ops.append(" ROLLBACK");
				}
				else {
					connection.commit();
					commits.incrementAndGet();
					ops.append(" COMMIT");
				}
			}
			catch (SQLException ex) {
				connection.rollback();
				rollbacks.incrementAndGet();
				ops.append(" FAILED ").append(ex.getMessage(), 0, Math.min(60, ex.getMessage().length()));
			}
			this.journal.add(ops.append(' ').append(System.currentTimeMillis()).toString());
		}
	}

	private String upsert(Connection connection, int key, boolean mayInsert) throws SQLException {
		if (execute(connection, "UPDATE fuzz SET v = v + 1 WHERE id = ?", key) == 0 && mayInsert) {
			return "ins" + execute(connection, "INSERT INTO fuzz (id, v) VALUES (?, 0)", key);
		}
		return "upd";
	}

	private int execute(Connection connection, String sql, int key) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setInt(1, key);
			return statement.executeUpdate();
		}
	}

	private void assertConverged(JdbcTemplate jdbc, FuzzOutcome outcome) {
		List<Long> versions = outcome.tail.seen().stream().map(ChangeEntry::rowVersion).toList();
		assertThat(versions).as("every version seen once, in order, without gaps")
			.isEqualTo(java.util.stream.LongStream.rangeClosed(1, versions.size()).boxed().toList());
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_changes", Long.class))
			.isEqualTo((long) versions.size());
		assertThat(jdbc.queryForObject("SELECT head FROM _plasma_sequencer", Long.class)).isEqualTo((long) versions.size());
		assertThat(jdbc.queryForList("SELECT table_name || '/' || row_id || ' ' || op FROM _plasma_pending_changes", String.class)).as("left pending").isEmpty();
		Map<String, String> expected = new TreeMap<>();
		jdbc.query("SELECT id, v FROM fuzz", (rs) -> {
			expected.put("fuzz/" + rs.getInt(1), "{\"id\":" + rs.getInt(1) + ",\"v\":" + rs.getInt(2) + "}");
		});
		StringBuilder history = new StringBuilder();
		java.util.Set<String> keys = new java.util.TreeSet<>(expected.keySet());
		keys.addAll(outcome.tail.rows().keySet());
		for (String key : keys) {
			if (!java.util.Objects.equals(expected.get(key), outcome.tail.rows().get(key))) {
				history.append("\n").append(key).append(" expected ").append(expected.get(key)).append(", entries:");
				outcome.tail.seen()
					.stream()
					.filter((entry) -> key.equals(entry.tableName() + "/" + entry.rowId()))
					.forEach((entry) -> history.append("\n  v").append(entry.rowVersion()).append(' ').append(entry.op())
						.append(' ').append(entry.value()).append(" created ").append(entry.createdAt()));
				String id = key.substring(key.indexOf('/') + 1);
				java.util.List<String> touching = this.journal.stream()
					.filter((line) -> java.util.regex.Pattern.compile("(up|del)" + id + "=").matcher(line).find())
					.toList();
				touching.subList(Math.max(0, touching.size() - 8), touching.size())
					.forEach((line) -> history.append("\n  tx ").append(line));
				history.append("\n  in the database: ")
					.append(jdbc.queryForList("SELECT row_version FROM _plasma_changes WHERE table_name || '/' || row_id = ? "
							+ "ORDER BY row_version", Long.class, key));
			}
		}
		assertThat(new TreeMap<>(outcome.tail.rows())).as(history.toString()).isEqualTo(expected);

	}

	private record FuzzOutcome(ChangeLogTail tail) {
	}

}

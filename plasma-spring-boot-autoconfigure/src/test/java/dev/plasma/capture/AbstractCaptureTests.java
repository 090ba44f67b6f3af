package dev.plasma.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.plasma.changelog.ChangeEntry;
import dev.plasma.sequencer.SequencerLoop;
import dev.plasma.testsupport.ChangeLogTail;
import dev.plasma.testsupport.PlasmaFixture;
import dev.plasma.testsupport.TestDatabase;

import static dev.plasma.testsupport.PlasmaFixture.suppressed;
import static dev.plasma.testsupport.PlasmaFixture.synced;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Change capture on one database: every write to a synced table, by anyone, becomes exactly one
 * change-log entry; nothing for suppressed tables; origin columns set only inside a mutation scope.
 */
public abstract class AbstractCaptureTests {

	protected abstract TestDatabase database();

	private HikariDataSource dataSource;

	private PlasmaFixture plasma;

	@BeforeEach
	void createTables() {
		this.dataSource = database().create(10);
		this.plasma = new PlasmaFixture(this.dataSource);
		String bool = database().booleanType();
		this.plasma.jdbc.execute("CREATE TABLE todos (id VARCHAR(64) PRIMARY KEY, text VARCHAR(1000) NOT NULL, done "
				+ bool + " NOT NULL)");
		this.plasma.jdbc.execute("CREATE TABLE drafts (id VARCHAR(64) PRIMARY KEY, text VARCHAR(1000))");
		this.plasma.jdbc.execute("CREATE TABLE pairs (a VARCHAR(20) NOT NULL, b INT NOT NULL, note VARCHAR(20), PRIMARY KEY (a, b))");
	}

	@AfterEach
	void closeDataSource() {
		this.dataSource.close();
	}

	private List<ChangeEntry> flushAndRead() {
		this.plasma.sequencer.flush();
		return this.plasma.changeLog.readAfter(0, 10_000);
	}

	@Test
	void insertUpdateAndDeleteThroughJdbcTemplateEachProduceOneEntry() {
		this.plasma.install(synced("todos"));
		this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('t1', 'Buy milk', FALSE)");
		this.plasma.jdbc.update("UPDATE todos SET done = TRUE WHERE id = 't1'");
		this.plasma.jdbc.update("DELETE FROM todos WHERE id = 't1'");

		List<ChangeEntry> entries = flushAndRead();

		assertThat(entries).extracting(ChangeEntry::op).containsExactly("put", "put", "del");
		assertThat(entries).extracting(ChangeEntry::rowVersion).containsExactly(1L, 2L, 3L);
		assertThat(entries).allSatisfy((entry) -> {
			assertThat(entry.tableName()).isEqualTo("todos");
			assertThat(entry.rowId()).isEqualTo("t1");
			assertThat(entry.clientGroupId()).isNull();
			assertThat(entry.clientId()).isNull();
			assertThat(entry.mutationId()).isNull();
			assertThat(entry.createdAt()).isGreaterThan(0);
		});
		assertThat(entries.get(0).value()).isEqualTo("{\"id\":\"t1\",\"text\":\"Buy milk\",\"done\":false}");
		assertThat(entries.get(1).value()).isEqualTo("{\"id\":\"t1\",\"text\":\"Buy milk\",\"done\":true}");
		assertThat(entries.get(2).value()).isNull();
	}

	@Test
	void writesOnARawJdbcConnectionOutsideSpringAreCaptured() throws Exception {
		this.plasma.install(synced("todos"));
		try (Connection connection = database().rawConnection(this.dataSource);
				Statement statement = connection.createStatement()) {
			statement.executeUpdate("INSERT INTO todos (id, text, done) VALUES ('r1', 'raw', TRUE)");
			statement.executeUpdate("INSERT INTO todos (id, text, done) VALUES ('r2', 'raw', FALSE)");
			statement.executeUpdate("UPDATE todos SET text = 'raw edited' WHERE id = 'r1'");
			statement.executeUpdate("DELETE FROM todos WHERE id = 'r2'");
		}

		List<ChangeEntry> entries = flushAndRead();

		assertThat(entries).extracting((entry) -> entry.op() + " " + entry.rowId())
			.containsExactly("put r1", "put r2", "put r1", "del r2");
		assertThat(entries.get(2).value()).isEqualTo("{\"id\":\"r1\",\"text\":\"raw edited\",\"done\":true}");
	}

	@Test
	void aMultiRowStatementProducesOneEntryPerRow() {
		this.plasma.install(synced("todos"));
		for (int i = 0; i < 5; i++) {
			this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES (?, 'x', FALSE)", "m" + i);
		}
		this.plasma.jdbc.update("UPDATE todos SET done = TRUE");
		this.plasma.jdbc.update("DELETE FROM todos");

		List<ChangeEntry> entries = flushAndRead();

		assertThat(entries).hasSize(15);
		assertThat(entries.subList(5, 10)).allSatisfy((entry) -> assertThat(entry.value()).contains("\"done\":true"));
		assertThat(entries.subList(10, 15)).allSatisfy((entry) -> assertThat(entry.op()).isEqualTo("del"));
	}

	@Test
	void writesToASuppressedTableAreNeverCaptured() {
		this.plasma.install(synced("todos"), suppressed("drafts"));
		this.plasma.jdbc.update("INSERT INTO drafts (id, text) VALUES ('d1', 'secret')");
		this.plasma.jdbc.update("UPDATE drafts SET text = 'still secret'");
		this.plasma.jdbc.update("DELETE FROM drafts");
		this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('t1', 'visible', FALSE)");

		List<ChangeEntry> entries = flushAndRead();

		assertThat(entries).extracting(ChangeEntry::tableName).containsExactly("todos");
	}

	@Test
	void writesInsideAMutationScopeCarryTheOriginAndWritesOutsideCarryNull() {
		this.plasma.install(synced("todos"));
		this.plasma.origin.runAs("group-1", "client-1", 7, () -> {
			this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('t1', 'from client', FALSE)");
			this.plasma.jdbc.update("UPDATE todos SET done = TRUE WHERE id = 't1'");
		});
		this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('t2', 'from server', FALSE)");

		List<ChangeEntry> entries = flushAndRead();

		assertThat(entries).hasSize(3);
		assertThat(entries.subList(0, 2)).allSatisfy((entry) -> {
			assertThat(entry.clientGroupId()).isEqualTo("group-1");
			assertThat(entry.clientId()).isEqualTo("client-1");
			assertThat(entry.mutationId()).isEqualTo(7L);
		});
		assertThat(entries.get(2).clientGroupId()).isNull();
		assertThat(entries.get(2).mutationId()).isNull();
		assertThat(this.plasma.jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_origin", Integer.class)).isZero();
	}

	@Test
	void aMutationScopeThatFailsLeavesNoEntriesAndNoOrigin() {
		this.plasma.install(synced("todos"));
		try {
			this.plasma.origin.runAs("g", "c", 1, () -> {
				this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('t1', 'doomed', FALSE)");
				throw new IllegalStateException("mutator failed");
			});
		}
		catch (IllegalStateException expected) {
			assertThat(expected).hasMessage("mutator failed");
		}
		this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('t2', 'later', FALSE)");

		List<ChangeEntry> entries = flushAndRead();

		assertThat(entries).extracting(ChangeEntry::rowId).containsExactly("t2");
		assertThat(entries.get(0).clientGroupId()).isNull();
	}

	@Test
	void concurrentMutationScopesEachCarryTheirOwnOrigin() throws Exception {
		this.plasma.install(synced("todos"));
		int threads = 8;
		int perThread = 20;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		try {
			List<Future<?>> futures = new java.util.ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				futures.add(pool.submit(() -> {
					start.await();
					for (int m = 1; m <= perThread; m++) {
						String id = "t" + thread + "-" + m;
						this.plasma.origin.runAs("group-" + thread, "client-" + thread, m, () -> {
							this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES (?, 'x', FALSE)", id);
						});
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			pool.shutdownNow();
		}

		List<ChangeEntry> entries = flushAndRead();

		assertThat(entries).hasSize(threads * perThread);
		assertThat(entries).allSatisfy((entry) -> {
			String[] parts = entry.rowId().substring(1).split("-");
			assertThat(entry.clientGroupId()).isEqualTo("group-" + parts[0]);
			assertThat(entry.clientId()).isEqualTo("client-" + parts[0]);
			assertThat(entry.mutationId()).isEqualTo(Long.parseLong(parts[1]));
		});
	}

	@Test
	void theSameRowRendersToTheSameJsonOnEveryDatabase() {
		TestDatabase db = database();
		this.plasma.jdbc.execute("CREATE TABLE typed_rows (id VARCHAR(20) PRIMARY KEY, label VARCHAR(100), qty INT, big BIGINT, flag "
				+ db.booleanType() + ", price DECIMAL(10,2), ratio " + db.doubleType() + ", on_day DATE, happened "
				+ db.timestampType() + ", data " + db.binaryType() + ", missing VARCHAR(10))");
		this.plasma.install(synced("typed_rows"));
		this.plasma.jdbc.update("INSERT INTO typed_rows (id, label, qty, big, flag, price, ratio, on_day, happened, data, missing) "
				+ "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "k1", "Quote \" back\\slash\nnew line, caf\u00e9 \u2713", -42,
				9007199254740993L, true, new java.math.BigDecimal("1234.50"), 2.5, java.sql.Date.valueOf("2024-02-29"),
				java.sql.Timestamp.valueOf("2024-05-01 10:15:30.123456"), new byte[] { 0, 1, 2, (byte) 250, (byte) 255 },
				null);

		List<ChangeEntry> entries = flushAndRead();

		assertThat(entries).hasSize(1);
		assertThat(entries.get(0).value()).isEqualTo("{\"id\":\"k1\",\"label\":\"Quote \\\" back\\\\slash\\nnew line, caf\u00e9 \u2713\","
				+ "\"qty\":-42,\"big\":9007199254740993,\"flag\":true,\"price\":\"1234.50\",\"ratio\":2.5,"
				+ "\"on_day\":\"2024-02-29\",\"happened\":\"2024-05-01T10:15:30.123456\",\"data\":\"AAEC+v8=\",\"missing\":null}");
	}

	@Test
	void rowsThatExistBeforeATableIsFirstSyncedAreCapturedOnceAsPuts() {
		this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('old1', 'before plasma', TRUE)");
		this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('old2', 'before plasma', FALSE)");
		this.plasma.install(synced("todos"));
		this.plasma.install(synced("todos"));

		List<ChangeEntry> entries = flushAndRead();

		assertThat(entries).extracting((entry) -> entry.op() + " " + entry.rowId())
			.containsExactlyInAnyOrder("put old1", "put old2");
		assertThat(entries).filteredOn((entry) -> entry.rowId().equals("old1"))
			.singleElement()
			.extracting(ChangeEntry::value)
			.isEqualTo("{\"id\":\"old1\",\"text\":\"before plasma\",\"done\":true}");
	}

	@Test
	void aTableWhoseColumnsChangedGetsItsTriggersRegenerated() {
		this.plasma.install(synced("todos"));
		this.plasma.jdbc.execute("ALTER TABLE todos ADD COLUMN priority INT");
		this.plasma.install(synced("todos"));
		this.plasma.jdbc.update("INSERT INTO todos (id, text, done, priority) VALUES ('t1', 'new column', FALSE, 3)");

		List<ChangeEntry> entries = flushAndRead();

		assertThat(entries).singleElement()
			.extracting(ChangeEntry::value)
			.isEqualTo("{\"id\":\"t1\",\"text\":\"new column\",\"done\":false,\"priority\":3}");
	}

	@Test
	void aTableThatBecomesSuppressedLosesItsTriggers() {
		this.plasma.install(synced("todos"));
		this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('t1', 'captured', FALSE)");
		this.plasma.install(suppressed("todos"));
		this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('t2', 'not captured', FALSE)");

		List<ChangeEntry> entries = flushAndRead();

		assertThat(entries).extracting(ChangeEntry::rowId).containsExactly("t1");
	}

	@Test
	void aTableNoLongerDeclaredLosesItsTriggers() {
		this.plasma.install(synced("todos"), synced("drafts"));
		this.plasma.install(synced("drafts"));
		this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('t1', 'no longer synced', FALSE)");
		this.plasma.jdbc.update("INSERT INTO drafts (id, text) VALUES ('d1', 'synced')");

		List<ChangeEntry> entries = flushAndRead();

		assertThat(entries).extracting(ChangeEntry::tableName).containsExactly("drafts");
	}

	@Test
	void aLeftoverKeyForTheSameTableNeverDropsTheTriggersItsDeclaredKeyNeeds() {
		this.plasma.install(synced("todos"));
		this.plasma.jdbc.update("""
				INSERT INTO _plasma_tables (table_name, physical_name, fingerprint, change_log_suppressed, installed_at)
				SELECT 'TODOS', physical_name, fingerprint, change_log_suppressed, installed_at
				FROM _plasma_tables WHERE table_name = 'todos'""");
		this.plasma.install(synced("todos"));
		this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('t1', 'still captured', FALSE)");

		assertThat(flushAndRead()).extracting((entry) -> entry.tableName() + "/" + entry.rowId())
			.containsExactly("todos/t1");
		assertThat(this.plasma.jdbc.queryForList("SELECT table_name FROM _plasma_tables", String.class))
			.containsExactly("todos");
	}

	@Test
	void aCompositeKeyBecomesEscapedPartsJoinedBySlash() {
		this.plasma.install(synced("pairs"));
		this.plasma.jdbc.update("INSERT INTO pairs (a, b, note) VALUES ('x/y%z', 5, 'n')");

		List<ChangeEntry> entries = flushAndRead();

		assertThat(entries).singleElement().satisfies((entry) -> {
			assertThat(entry.rowId()).isEqualTo("x%2Fy%25z/5");
			assertThat(entry.value()).isEqualTo("{\"a\":\"x/y%z\",\"b\":5,\"note\":\"n\"}");
		});
	}

	@Test
	void anUpdateThatChangesThePrimaryKeyDeletesTheOldKeyAndPutsTheNewOne() {
		this.plasma.install(synced("todos"));
		this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('before', 'moving', FALSE)");
		this.plasma.jdbc.update("UPDATE todos SET id = 'after' WHERE id = 'before'");

		List<ChangeEntry> entries = flushAndRead();

		assertThat(entries).extracting((entry) -> entry.op() + " " + entry.rowId())
			.containsExactly("put before", "del before", "put after");
	}

	@Test
	void aTransactionThatCommitsLateIsStillSeenByAReaderThatMovedOn() throws Exception {
		this.plasma.install(synced("todos"));
		ChangeLogTail reader = new ChangeLogTail(this.plasma.changeLog);
		try (Connection t1 = this.dataSource.getConnection(); Connection t2 = this.dataSource.getConnection()) {
			t1.setAutoCommit(false);
			t2.setAutoCommit(false);
			insert(t1, "from-t1");
			insert(t2, "from-t2");
			t2.commit();
			this.plasma.sequencer.flush();
			assertThat(reader.poll()).extracting(ChangeEntry::rowId).containsExactly("from-t2");
			t1.commit();
		}
		this.plasma.sequencer.flush();
		assertThat(reader.poll()).extracting(ChangeEntry::rowId).containsExactly("from-t1");
		assertThat(reader.rows()).containsOnlyKeys("todos/from-t1", "todos/from-t2");
	}

	@Test
	void concurrentFlushesEachSequenceEverythingCommittedBeforeTheyWereCalled() throws Exception {
		this.plasma.install(synced("todos"));
		int threads = 8;
		int writesPerThread = 20;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<List<String>>> results = new java.util.ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				results.add(pool.submit(() -> {
					List<String> unsequenced = new java.util.ArrayList<>();
					for (int i = 0; i < writesPerThread; i++) {
						String id = "w" + thread + "-" + i;
						this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES (?, 'x', FALSE)", id);
						long head = this.plasma.sequencer.flush();
						Long version = this.plasma.jdbc.query("SELECT row_version FROM _plasma_changes WHERE row_id = ?",
								(rs) -> rs.next() ? rs.getLong(1) : null, id);
						if (version == null || version > head) {
							unsequenced.add(id + " (version " + version + ", flush returned head " + head + ")");
						}
					}
					return unsequenced;
				}));
			}
			for (Future<List<String>> result : results) {
				assertThat(result.get(60, java.util.concurrent.TimeUnit.SECONDS))
					.as("writes not sequenced when the flush called after their commit returned")
					.isEmpty();
			}
		}
		finally {
			pool.shutdownNow();
		}
		List<ChangeEntry> entries = this.plasma.changeLog.readAfter(0, 10_000);
		assertThat(entries).hasSize(threads * writesPerThread);
		assertThat(entries).extracting(ChangeEntry::rowVersion)
			.containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, threads * writesPerThread).boxed().toList());
	}

	@Test
	void anOpenTransactionsEntryBetweenCommittedOnesNeverStallsTheSequencer() throws Exception {
		this.plasma.install(synced("todos"));
		try (Connection open = this.dataSource.getConnection()) {
			this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('before', 'x', FALSE)");
			open.setAutoCommit(false);
			insert(open, "open");
			this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('after', 'x', FALSE)");
			ExecutorService flusher = Executors.newSingleThreadExecutor();
			try {
				Future<Long> flushed = flusher.submit(this.plasma.sequencer::flush);
				assertThat(flushed.get(5, java.util.concurrent.TimeUnit.SECONDS))
					.as("a flush while an entry between the committed ones is still open").isEqualTo(2L);
			}
			finally {
				flusher.shutdownNow();
			}
			assertThat(this.plasma.changeLog.readAfter(0, 10)).extracting(ChangeEntry::rowId)
				.containsExactly("before", "after");
			open.commit();
		}
		this.plasma.sequencer.flush();
		assertThat(this.plasma.changeLog.readAfter(0, 10)).extracting(ChangeEntry::rowId)
			.containsExactly("before", "after", "open");
	}

	@Test
	void aTransactionOpenForSecondsIsSeenAfterItCommitsWhileTheBackgroundSequencerRuns() throws Exception {
		this.plasma.install(synced("todos"));
		SequencerLoop loop = new SequencerLoop(this.plasma.sequencer, Duration.ofMillis(5));
		loop.start();
		try (Connection t1 = this.dataSource.getConnection()) {
			ChangeLogTail reader = new ChangeLogTail(this.plasma.changeLog);
			t1.setAutoCommit(false);
			insert(t1, "slow");
			for (int i = 0; i < 5; i++) {
				this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES (?, 'fast', FALSE)", "fast" + i);
			}
			long deadline = System.currentTimeMillis() + 5000;
			while (reader.rows().size() < 5 && System.currentTimeMillis() < deadline) {
				reader.poll();
				Thread.sleep(10);
			}
			assertThat(reader.rows()).hasSize(5);
			Thread.sleep(2000);
			reader.poll();
			assertThat(reader.rows()).doesNotContainKey("todos/slow");
			t1.commit();
			deadline = System.currentTimeMillis() + 5000;
			while (!reader.rows().containsKey("todos/slow") && System.currentTimeMillis() < deadline) {
				reader.poll();
				Thread.sleep(10);
			}
			assertThat(reader.rows()).containsKey("todos/slow");
			assertThat(reader.seen()).extracting(ChangeEntry::rowVersion).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
		}
		finally {
			loop.stop();
		}
	}

	private static void insert(Connection connection, String id) throws Exception {
		try (PreparedStatement statement = connection
			.prepareStatement("INSERT INTO todos (id, text, done) VALUES (?, 'x', FALSE)")) {
			statement.setString(1, id);
			statement.executeUpdate();
		}
	}

	protected PlasmaFixture plasma() {
		return this.plasma;
	}


}

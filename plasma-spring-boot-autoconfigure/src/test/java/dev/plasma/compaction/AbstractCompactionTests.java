package dev.plasma.compaction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plasma.changelog.ChangeEntry;
import dev.plasma.changelog.ChangeLog;
import dev.plasma.compaction.CompactionTestSupport.Client;
import dev.plasma.mutation.MutatorRegistry;
import dev.plasma.schema.SyncedTables;
import dev.plasma.sync.PullProcessor;
import dev.plasma.sync.PullResult;
import dev.plasma.sync.PushMutation;
import dev.plasma.sync.PushProcessor;
import dev.plasma.sync.SyncObserver;
import dev.plasma.testsupport.PlasmaFixture;
import dev.plasma.testsupport.TestDatabase;

import static dev.plasma.compaction.CompactionTestSupport.compacted;
import static dev.plasma.compaction.CompactionTestSupport.databaseState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What compaction does to the change log on one database: folding, cancelling, the floor, idempotence,
 * bounded batches, and interruption at every kind of point, each checked against a reference model and
 * against clients that pull before and after.
 */
public abstract class AbstractCompactionTests {

	protected abstract TestDatabase database();

	private HikariDataSource dataSource;

	private PlasmaFixture plasma;

	private SyncedTables tables;

	@BeforeEach
	void setUp() {
		this.dataSource = database().create(8);
		this.plasma = new PlasmaFixture(this.dataSource);
		this.plasma.jdbc.execute("CREATE TABLE items (id VARCHAR(64) PRIMARY KEY, v INT NOT NULL)");
		this.plasma.jdbc.execute("CREATE TABLE notes (id INT PRIMARY KEY, text VARCHAR(100))");
		this.tables = this.plasma.install(PlasmaFixture.synced("items"), PlasmaFixture.synced("notes"));
	}

	@AfterEach
	void tearDown() {
		this.dataSource.close();
	}

	private ChangeLogCompactor compactor(int batchSize) {
		return new ChangeLogCompactor(this.dataSource, this.plasma.dialect, batchSize, List.of());
	}

	private void put(String id, int v) {
		if (this.plasma.jdbc.update("UPDATE items SET v = ? WHERE id = ?", v, id) == 0) {
			this.plasma.jdbc.update("INSERT INTO items (id, v) VALUES (?, ?)", id, v);
		}
	}

	private void delete(String id) {
		this.plasma.jdbc.update("DELETE FROM items WHERE id = ?", id);
	}

	private long flush() {
		return this.plasma.sequencer.flush();
	}

	private List<ChangeEntry> log() {
		return this.plasma.changeLog.readAfter(0, 1_000_000);
	}

	private long[] sequencerRow() {
		return this.plasma.jdbc.queryForObject(
				"SELECT head, compaction_floor, compacted_to, compacted_entries, compacted_at FROM _plasma_sequencer",
				(rs, row) -> new long[] { rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5) });
	}

	private long countEntries() {
		return this.plasma.jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_changes", Long.class);
	}

	/**
	 * Writes a history with every shape compaction meets: rows updated many times, rows deleted, rows
	 * deleted and re-created, a row whose key changes, rows of a second table, untouched rows.
	 */
	private void writeHistory(int rounds) {
		for (int round = 0; round < rounds; round++) {
			for (int i = 0; i < 8; i++) {
				put("k" + i, round * 10 + i);
			}
			if (round % 3 == 1) {
				delete("k" + (round % 8));
			}
			this.plasma.jdbc.update("DELETE FROM notes WHERE id = ?", round % 4);
			this.plasma.jdbc.update("INSERT INTO notes (id, text) VALUES (?, ?)", round % 4, "round " + round);
		}
		delete("moved");
		put("moving", 1);
		this.plasma.jdbc.update("UPDATE items SET id = 'moved' WHERE id = 'moving'");
		put("gone", 1);
		put("gone", 2);
		delete("gone");
	}

	@Test
	void foldsEachRowDownToItsLatestEntryAndDropsDeletedRows() {
		writeHistory(6);
		long head = flush();
		List<ChangeEntry> before = log();

		CompactionResult result = compactor(1000).compactChangeLog(head);

		List<ChangeEntry> after = log();
		assertThat(after).containsExactlyElementsOf(compacted(before, head));
		assertThat(after).extracting(CompactionTestSupport::key).doesNotHaveDuplicates();
		assertThat(after).noneMatch(ChangeEntry::isDelete);
		assertThat(after).extracting(CompactionTestSupport::key)
			.doesNotContain("items/gone", "items/moving")
			.contains("items/moved", "items/k0", "notes/0");
		assertThat(result.examined()).isEqualTo(before.size());
		assertThat(result.removed()).isEqualTo(before.size() - after.size());
		assertThat(result.upToVersion()).isEqualTo(head);
		assertThat(result.floor()).isEqualTo(head);
	}

	@Test
	void aPutAndTheDeleteAfterItCancelButARecreatedRowKeepsItsLatestPut() {
		put("a", 1);
		put("a", 2);
		delete("a");
		put("b", 1);
		delete("b");
		put("b", 3);
		long head = flush();

		compactor(1000).compactChangeLog(head);

		assertThat(log()).extracting(ChangeEntry::rowId, ChangeEntry::op, ChangeEntry::value)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("b", "put", "{\"id\":\"b\",\"v\":3}"));
	}

	@Test
	void entriesAboveSafeUpToVersionAreNeverTouched() {
		writeHistory(4);
		long middle = flush();
		writeHistory(3);
		long head = flush();
		List<ChangeEntry> before = log();

		CompactionResult result = compactor(7).compactChangeLog(middle);

		List<ChangeEntry> after = log();
		assertThat(after).containsExactlyElementsOf(compacted(before, middle));
		assertThat(after.stream().filter((entry) -> entry.rowVersion() > middle).toList())
			.containsExactlyElementsOf(before.stream().filter((entry) -> entry.rowVersion() > middle).toList());
		assertThat(result.floor()).isEqualTo(middle);
		assertThat(sequencerRow()[0]).isEqualTo(head);
	}

	@Test
	void theFloorRisesToSafeUpToVersionNeverFallsAndNeverPassesTheHead() {
		writeHistory(3);
		long head = flush();
		ChangeLogCompactor compactor = compactor(1000);

		assertThat(compactor.compactChangeLog(head / 2).floor()).isEqualTo(head / 2);
		assertThat(compactor.compactChangeLog(3).floor()).isEqualTo(head / 2);
		CompactionResult beyond = compactor.compactChangeLog(head + 1000);

		assertThat(beyond.upToVersion()).isEqualTo(head);
		assertThat(beyond.floor()).isEqualTo(head);
		assertThat(sequencerRow()[1]).isEqualTo(head);
		assertThat(sequencerRow()[2]).isEqualTo(head);
		assertThat(sequencerRow()[4]).isPositive();
	}

	@Test
	void batchesArePausedApartButTheFirstStartsAtOnce() {
		writeHistory(2);
		long head = flush();
		ChangeLogCompactor paused = new ChangeLogCompactor(this.dataSource, this.plasma.dialect, 5,
				java.time.Duration.ofMillis(40), List.of());

		CompactionResult result = paused.compactChangeLog(head);

		assertThat(result.batches()).isGreaterThan(2);
		assertThat(result.duration()).isGreaterThanOrEqualTo(java.time.Duration.ofMillis(40L * (result.batches() - 1)));
	}

	@Test
	void aBatchThatTookLongerThanThePauseIsFollowedByAPauseAsLongAsItTook() {
		writeHistory(2);
		long head = flush();
		List<Long> statementStarts = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
		ChangeLogCompactor paused = new ChangeLogCompactor(slowStatements(this.dataSource, 40, statementStarts),
				this.plasma.dialect, 5, java.time.Duration.ofMillis(1), List.of());
		List<Long> batchStarts = new java.util.ArrayList<>();

		CompactionResult result = paused.compactChangeLog(head, () -> batchStarts.add(System.nanoTime()));

		assertThat(result.batches()).isGreaterThan(2);
		for (int i = 1; i < batchStarts.size(); i++) {
			long from = batchStarts.get(i - 1);
			long to = batchStarts.get(i);
			long statements = statementStarts.stream().filter((at) -> at > from && at < to).count();
			assertThat(statements).isPositive();
			assertThat(java.time.Duration.ofNanos(to - from))
				.as("batch %d: %d statements of at least 40 ms each, then a pause at least as long", i, statements)
				.isGreaterThanOrEqualTo(java.time.Duration.ofMillis(2 * 40 * statements - 5));
		}
	}

	/**
	 * A data source whose connections take {@code millis} longer to prepare or create each statement, and
	 * record when each such call began.
	 */
	private static javax.sql.DataSource slowStatements(javax.sql.DataSource dataSource, long millis,
			List<Long> statementStarts) {
		return new org.springframework.jdbc.datasource.DelegatingDataSource(dataSource) {

			@Override
			public java.sql.Connection getConnection() throws java.sql.SQLException {
				java.sql.Connection connection = super.getConnection();
				return (java.sql.Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
						new Class<?>[] { java.sql.Connection.class }, (proxy, method, args) -> {
							if (method.getName().equals("prepareStatement") || method.getName().equals("createStatement")) {
								statementStarts.add(System.nanoTime());
								Thread.sleep(millis);
							}
							try {
								return method.invoke(connection, args);
							}
							catch (java.lang.reflect.InvocationTargetException ex) {
								throw ex.getCause();
							}
						});
			}

		};
	}

	@Test
	void compactingAgainChangesNothing() {
		writeHistory(5);
		long head = flush();
		ChangeLogCompactor compactor = compactor(4);
		compactor.compactChangeLog(head);
		List<ChangeEntry> once = log();

		CompactionResult again = compactor.compactChangeLog(head);

		assertThat(log()).containsExactlyElementsOf(once);
		assertThat(again.removed()).isZero();
		assertThat(again.examined()).isZero();
	}

	@Test
	void aLaterPassFoldsWhatAnEarlierPassKept() {
		writeHistory(3);
		long first = flush();
		List<ChangeEntry> original = new ArrayList<>(log());
		ChangeLogCompactor compactor = compactor(5);
		compactor.compactChangeLog(first);
		writeHistory(3);
		long second = flush();
		original.addAll(this.plasma.changeLog.readAfter(first, 1_000_000));

		CompactionResult result = compactor.compactChangeLog(second);

		assertThat(log()).containsExactlyElementsOf(compacted(original, second));
		assertThat(result.examined()).isEqualTo(second - first);
		assertThat(log()).extracting(CompactionTestSupport::key).doesNotHaveDuplicates();
	}

	@Test
	void passesOverManySegmentsGiveTheSameLogAsOnePass() {
		writeHistory(8);
		long middle = flush();
		List<ChangeEntry> original = new ArrayList<>(log());
		compactor(2).compactChangeLog(middle);
		writeHistory(20);
		long head = flush();
		original.addAll(this.plasma.changeLog.readAfter(middle, 1_000_000));

		CompactionResult result = compactor(1).compactChangeLog(head);

		assertThat(head - middle).as("several segments of 100 versions").isGreaterThan(200);
		assertThat(log()).containsExactlyElementsOf(compacted(original, head));
		assertThat(result.examined()).isEqualTo(head - middle);
		assertThat(countEntries()).isEqualTo(head - sequencerRow()[3]);
	}

	@Test
	void aBatchThatKeepsMostOfItsEntriesDeletesTheOthersByList() {
		List<Object[]> rows = new ArrayList<>();
		for (int i = 0; i < 700; i++) {
			rows.add(new Object[] { "many" + i, i });
		}
		this.plasma.jdbc.batchUpdate("INSERT INTO items (id, v) VALUES (?, ?)", rows);
		for (int i = 0; i < 50; i++) {
			put("many" + i, -i);
		}
		delete("many699");
		long head = flush();
		List<ChangeEntry> before = log();

		CompactionResult result = compactor(2000).compactChangeLog(head);

		assertThat(log()).containsExactlyElementsOf(compacted(before, head)).hasSize(699);
		assertThat(result.removed()).isEqualTo(before.size() - 699);
		assertThat(result.examined()).isEqualTo(before.size());
	}

	@Test
	void smallBatchesGiveTheSameLogAsOneBigBatchAndKeepTheEntryCountExact() {
		writeHistory(12);
		long head = flush();
		List<ChangeEntry> before = log();

		CompactionResult result = compactor(3).compactChangeLog(head);

		assertThat(log()).containsExactlyElementsOf(compacted(before, head));
		assertThat(result.batches()).isEqualTo((int) Math.ceil(before.size() / 3.0));
		long[] row = sequencerRow();
		assertThat(countEntries()).isEqualTo(row[0] - row[3]);
		assertThat(row[3]).isEqualTo(result.removed());
	}

	@Test
	void aPassStoppedAfterSomeBatchesLeavesTheFloorRaisedAndARerunFinishesTheWork() {
		put("solo", 1);
		writeHistory(4);
		long middle = flush();
		Client client = new Client();
		pullUntilCurrent(this.plasma.pullProcessor(this.tables, 100), client);
		delete("solo");
		writeHistory(6);
		long head = flush();
		List<ChangeEntry> before = log();
		int batchesPastTheDelete = (int) ((middle + 1) / 3) + 2;
		AtomicInteger batches = new AtomicInteger();

		assertThatExceptionOfType(CompactionStoppedException.class).isThrownBy(() -> compactor(3)
			.compactChangeLog(head, () -> {
				if (batches.incrementAndGet() > batchesPastTheDelete) {
					throw new CompactionStoppedException("stop");
				}
			}));

		long[] row = sequencerRow();
		assertThat(row[1]).as("floor").isEqualTo(head);
		assertThat(row[2]).as("compacted_to").isZero();
		assertThat(log()).as("the cancelled delete is gone").noneMatch((entry) -> entry.rowId().equals("solo"));
		assertThat(countEntries()).isLessThan(before.size()).isEqualTo(row[0] - row[3]);
		assertThat(log()).containsAll(compacted(before, head));
		pullUntilCurrent(this.plasma.pullProcessor(this.tables, 100), client);
		assertThat(client.resets).as("a client between the old floor and the deleted delete starts over").isEqualTo(2);
		assertThat(client.rows).isEqualTo(databaseState(this.dataSource, this.plasma.dialect, this.tables))
			.doesNotContainKey("items/solo");
		CompactionResult rerun = compactor(3).compactChangeLog(head);
		assertThat(log()).containsExactlyElementsOf(compacted(before, head));
		assertThat(countEntries()).isEqualTo(head - sequencerRow()[3]);
		assertThat(rerun.examined()).isLessThan(before.size());
	}

	@Test
	void theFloorIsRaisedBeforeTheFirstEntryIsDeleted() {
		writeHistory(4);
		long head = flush();
		List<Long> floorsAtDeletes = new ArrayList<>();
		DataSource watched = CompactionTestSupport.onPrepare(this.dataSource,
				(sql) -> sql.startsWith("DELETE FROM _plasma_changes"), () -> floorsAtDeletes.add(this.plasma.jdbc
					.queryForObject("SELECT compaction_floor FROM _plasma_sequencer", Long.class)));

		new ChangeLogCompactor(watched, this.plasma.dialect, 3, List.of()).compactChangeLog(head);

		assertThat(floorsAtDeletes).isNotEmpty().allMatch((floor) -> floor == head);
	}

	@Test
	void aBatchThatFailsHalfwayRollsBackAsAWholeAndARerunWithAnotherBoundConverges() {
		writeHistory(10);
		long head = flush();
		List<ChangeEntry> before = log();
		AtomicInteger counterUpdates = new AtomicInteger();
		DataSource failing = CompactionTestSupport.onPrepare(this.dataSource,
				(sql) -> sql.contains("compacted_entries = compacted_entries +"), () -> {
					if (counterUpdates.incrementAndGet() == 3) {
						throw new IllegalStateException("injected failure after the batch's deletes");
					}
				});

		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> new ChangeLogCompactor(failing, this.plasma.dialect, 4, List.of()).compactChangeLog(head));

		long[] row = sequencerRow();
		assertThat(countEntries()).as("only the two committed batches removed entries").isEqualTo(row[0] - row[3]);
		assertThat(row[1]).isEqualTo(head);
		long lower = head - 5;
		compactor(4).compactChangeLog(lower);
		assertThat(log()).filteredOn((entry) -> entry.rowVersion() <= lower)
			.extracting(CompactionTestSupport::key)
			.as("every row left at or below the bound appears once")
			.doesNotHaveDuplicates();
		compactor(4).compactChangeLog(head);
		assertThat(log()).containsExactlyElementsOf(compacted(before, head));
		assertThat(countEntries()).isEqualTo(head - sequencerRow()[3]);
	}

	@Test
	void anInterruptedThreadStopsBetweenBatches() {
		writeHistory(4);
		long head = flush();

		Thread.currentThread().interrupt();
		try {
			assertThatExceptionOfType(CompactionStoppedException.class)
				.isThrownBy(() -> compactor(2).compactChangeLog(head));
		}
		finally {
			Thread.interrupted();
		}
		assertThat(sequencerRow()[2]).isZero();
	}

	@Test
	void ledgerMarkersFoldToTheLatestPerClientAndConfirmationsSurvive() {
		MutatorRegistry mutators = new MutatorRegistry();
		mutators.register("put", (args, context) -> put(args.get("id").asString(), args.get("v").asInt()));
		PushProcessor push = this.plasma.pushProcessor(mutators);
		JsonMapper json = JsonMapper.builder().build();
		for (int id = 1; id <= 5; id++) {
			push.push("g1", List.of(new PushMutation("c1", id, "put", json.readTree("{\"id\":\"m\",\"v\":" + id + "}"), 1),
					new PushMutation("c2", id, "put", json.readTree("{\"id\":\"n\",\"v\":" + id + "}"), 1)));
		}
		long head = flush();

		compactor(3).compactChangeLog(head);

		assertThat(log()).filteredOn((entry) -> entry.tableName().equals("_plasma_client_mutations"))
			.extracting(ChangeEntry::rowId, ChangeEntry::mutationId)
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("g1/c1", 5L),
					org.assertj.core.groups.Tuple.tuple("g1/c2", 5L));
		PullResult reset = this.plasma.pullProcessor(this.tables, 100).pull("g1", null);
		assertThat(reset.lastMutationIds()).containsEntry("c1", 5L).containsEntry("c2", 5L);
	}

	@Test
	void clientsAtOrAboveTheFloorPullIncrementallyAndClientsBelowItAreResetAndBothConverge() {
		PullProcessor pull = this.plasma.pullProcessor(this.tables, 4);
		Client early = new Client();
		pullUntilCurrent(pull, early);
		writeHistory(5);
		long middle = flush();
		Client atMiddle = new Client();
		pullUntilCurrent(pull, atMiddle);
		writeHistory(5);
		long head = flush();

		compactor(5).compactChangeLog(middle);
		pullUntilCurrent(pull, early);
		pullUntilCurrent(pull, atMiddle);

		Map<String, String> database = databaseState(this.dataSource, this.plasma.dialect, this.tables);
		assertThat(early.rows).isEqualTo(database);
		assertThat(early.resets).isEqualTo(2);
		assertThat(atMiddle.rows).isEqualTo(database);
		assertThat(atMiddle.resets).isEqualTo(1);
		assertThat(atMiddle.cookie).isEqualTo(head);
	}

	@Test
	void aPullThatReadTheFloorBeforeACompactionCommittedStillSeesEveryEntryItNeeds() {
		put("doomed", 1);
		Client client = new Client();
		PullProcessor plain = this.plasma.pullProcessor(this.tables, 100);
		pullUntilCurrent(plain, client);
		assertThat(client.rows).containsKey("items/doomed");
		delete("doomed");
		put("other", 1);
		long head = flush();
		AtomicBoolean compacted = new AtomicBoolean();
		DataSource racing = CompactionTestSupport.onPrepare(this.dataSource,
				(sql) -> sql.contains("FROM _plasma_changes WHERE region = ? AND row_version > ? AND row_version <= ?"), () -> {
					if (compacted.compareAndSet(false, true)) {
						compactor(100).compactChangeLog(head);
					}
				});
		PullProcessor pull = new PullProcessor(racing, this.plasma.dialect, new ChangeLog(racing, this.plasma.dialect),
				this.tables, new TransactionTemplate(new DataSourceTransactionManager(racing)), 100, 4L * 1024 * 1024,
				SyncObserver.NONE);

		client.apply(pull.pull("g1", client.cookie));

		assertThat(compacted).isTrue();
		assertThat(log()).extracting(ChangeEntry::rowId).doesNotContain("doomed");
		pullUntilCurrent(plain, client);
		assertThat(client.rows).isEqualTo(databaseState(this.dataSource, this.plasma.dialect, this.tables))
			.doesNotContainKey("items/doomed");
	}

	private static void pullUntilCurrent(PullProcessor pull, Client client) {
		PullResult result;
		do {
			result = pull.pull("g1", client.cookie);
			client.apply(result);
		}
		while (result.hasMore());
	}

}

package dev.plasma.sync;

import java.util.ArrayList;
import java.util.HashMap;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.plasma.mutation.MutatorRegistry;
import dev.plasma.schema.SyncedTables;
import dev.plasma.sequencer.Sequencer;
import dev.plasma.testsupport.PlasmaFixture;
import dev.plasma.testsupport.StatementRecorder;
import dev.plasma.testsupport.TestDatabase;

import static dev.plasma.testsupport.PlasmaFixture.suppressed;
import static dev.plasma.testsupport.PlasmaFixture.synced;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Push and pull on one database: exactly-once mutations, clients never wedged, read-your-writes, the
 * cookie moving whenever anything moves, resets, paging, isolation of groups and suppressed tables.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
public abstract class AbstractSyncTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	protected abstract TestDatabase database();

	private HikariDataSource dataSource;

	private PlasmaFixture plasma;

	private PushProcessor push;

	private MutatorRegistry mutators;

	private PullProcessor pull;

	private SyncedTables tables;

	private final java.util.concurrent.atomic.AtomicInteger kills = new java.util.concurrent.atomic.AtomicInteger();

	private final java.util.concurrent.atomic.AtomicInteger outages = new java.util.concurrent.atomic.AtomicInteger();

	@BeforeEach
	void setUp() {
		this.dataSource = database().create(12);
		this.plasma = new PlasmaFixture(this.dataSource);
		this.plasma.jdbc.execute("CREATE TABLE todos (id VARCHAR(64) PRIMARY KEY, text VARCHAR(1000) NOT NULL, done "
				+ database().booleanType() + " NOT NULL)");
		this.plasma.jdbc.execute("CREATE TABLE drafts (id VARCHAR(64) PRIMARY KEY, text VARCHAR(1000))");
		this.plasma.jdbc.execute("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL)");
		this.plasma.jdbc.update("INSERT INTO counters (id, n) VALUES (1, 0)");
		this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('existing', 'before plasma', FALSE)");
		this.tables = this.plasma.install(synced("todos"), synced("counters"), suppressed("drafts"));
		MutatorRegistry mutators = new MutatorRegistry();
		mutators.register("createTodo", (args, context) -> this.plasma.jdbc.update(
				"INSERT INTO todos (id, text, done) VALUES (?, ?, FALSE)", args.get("id").asString(),
				args.get("text").asString()));
		mutators.register("deleteTodo",
				(args, context) -> this.plasma.jdbc.update("DELETE FROM todos WHERE id = ?", args.get("id").asString()));
		mutators.register("increment",
				(args, context) -> this.plasma.jdbc.update("UPDATE counters SET n = n + 1 WHERE id = 1"));
		mutators.register("draft", (args, context) -> this.plasma.jdbc
			.update("INSERT INTO drafts (id, text) VALUES (?, 'private')", args.get("id").asString()));
		mutators.register("noop", (args, context) -> {
		});
		mutators.register("outage", (args, context) -> {
			this.plasma.jdbc.update("UPDATE counters SET n = n + 100 WHERE id = 1");
			if (this.outages.getAndDecrement() > 0) {
				throw new org.springframework.dao.DataAccessResourceFailureException("connection lost (simulated)");
			}
		});
		mutators.register("busy", (args, context) -> {
			this.plasma.jdbc.update("UPDATE counters SET n = n + 1000 WHERE id = 1");
			if (this.outages.getAndDecrement() > 0) {
				throw new org.springframework.dao.CannotAcquireLockException("lock wait timeout (simulated)");
			}
		});
		mutators.register("severed", (args, context) -> {
			if (this.kills.getAndDecrement() > 0) {
				killOwnConnection();
			}
			this.plasma.jdbc.update("UPDATE counters SET n = n + 100 WHERE id = 1");
		});
		mutators.register("explode", (args, context) -> {
			this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('half-done', 'x', FALSE)");
			throw new IllegalStateException("mutator exploded");
		});
		this.mutators = mutators;
		this.push = this.plasma.pushProcessor(mutators);
		this.pull = this.plasma.pullProcessor(this.tables, 1000);
		this.plasma.sequencer.flush();
	}

	@AfterEach
	void tearDown() {
		this.dataSource.close();
	}

	/**
	 * Runs one push per thread, all released at once, and returns how many mutations they applied in all.
	 */
	private long appliedByConcurrentPushes(int threads, java.util.function.IntFunction<String> group,
			java.util.function.IntFunction<List<PushMutation>> batch) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<List<MutationResult>>> futures = new ArrayList<>();
		try {
			for (int t = 0; t < threads; t++) {
				String clientGroupId = group.apply(t);
				List<PushMutation> mutations = batch.apply(t);
				futures.add(pool.submit(() -> {
					start.await();
					return this.push.push(clientGroupId, mutations);
				}));
			}
			start.countDown();
			long applied = 0;
			for (Future<List<MutationResult>> future : futures) {
				applied += future.get(60, java.util.concurrent.TimeUnit.SECONDS)
					.stream()
					.filter((r) -> r.outcome() == MutationOutcome.APPLIED)
					.count();
			}
			return applied;
		}
		finally {
			pool.shutdownNow();
		}
	}

	private Long lastMutationId(String clientGroupId, String clientId) {
		List<Long> last = this.plasma.jdbc.queryForList(
				"SELECT last_mutation_id FROM _plasma_client_mutations WHERE client_group_id = ? AND client_id = ?",
				Long.class, clientGroupId, clientId);
		return last.isEmpty() ? null : last.get(0);
	}

	private PullProcessor recordingPull(StatementRecorder recorder) {
		return new PullProcessor(recorder.dataSource(), this.plasma.dialect,
				new dev.plasma.changelog.ChangeLog(recorder.dataSource(), this.plasma.dialect), this.tables,
				new org.springframework.transaction.support.TransactionTemplate(
						new org.springframework.jdbc.datasource.DataSourceTransactionManager(recorder.dataSource())),
				1000, 4L * 1024 * 1024, SyncObserver.NONE);
	}

	/**
	 * Kills the database session of the current transaction from another connection, as a failing
	 * network or an administrator would.
	 */
	private void killOwnConnection() {
		long session = this.plasma.jdbc.queryForObject("SELECT " + this.plasma.dialect.sessionIdExpression(),
				Long.class);
		if (database() == TestDatabase.H2) {
			closePhysicalConnection();
			return;
		}
		String kill = switch (database()) {
			case H2 -> throw new IllegalStateException();
			case POSTGRESQL -> "SELECT pg_terminate_backend(" + session + ", 5000)";
			case MARIADB -> "KILL CONNECTION " + session;
		};
		try (java.sql.Connection other = database().rawConnection(this.dataSource);
				java.sql.Statement statement = other.createStatement()) {
			statement.execute(kill);
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void closePhysicalConnection() {
		java.sql.Connection connection = org.springframework.jdbc.datasource.DataSourceUtils.getConnection(this.dataSource);
		try {
			this.dataSource.evictConnection(connection);
			connection.unwrap(java.sql.Connection.class).close();
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static PushMutation mutation(String clientId, long id, String name, String argsJson) {
		return new PushMutation(clientId, id, name, JSON.readTree(argsJson), 1.5);
	}

	private static PushMutation create(String clientId, long id, String todoId) {
		return mutation(clientId, id, "createTodo", "{\"id\":\"" + todoId + "\",\"text\":\"todo " + todoId + "\"}");
	}

	private static Map<String, String> apply(Map<String, String> state, PullResult result) {
		for (PatchOperation operation : result.patch()) {
			switch (operation.op()) {
				case "clear" -> state.clear();
				case "put" -> state.put(operation.key(), operation.value());
				case "del" -> state.remove(operation.key());
				default -> throw new AssertionError(operation);
			}
		}
		return state;
	}

	@Test
	void aNewClientGetsClearThenEveryCurrentRowIncludingRowsFromBeforePlasma() {
		PullResult result = this.pull.pull("g1", null);

		assertThat(result.reset()).isTrue();
		assertThat(result.patch().get(0)).isEqualTo(PatchOperation.CLEAR);
		assertThat(apply(new HashMap<>(), result)).containsOnlyKeys("todos/existing", "counters/1")
			.containsEntry("todos/existing", "{\"id\":\"existing\",\"text\":\"before plasma\",\"done\":false}");
		assertThat(result.lastMutationIds()).isEmpty();
	}

	@Test
	void aPushedMutationIsConfirmedTogetherWithItsChanges() {
		long cookie = this.pull.pull("g1", null).version();
		List<MutationResult> results = this.push.push("g1", List.of(create("c1", 1, "t1")));

		PullResult result = this.pull.pull("g1", cookie);

		assertThat(results).extracting(MutationResult::outcome).containsExactly(MutationOutcome.APPLIED);
		assertThat(result.version()).isGreaterThan(cookie);
		assertThat(result.patch()).containsExactly(
				PatchOperation.put("todos/t1", "{\"id\":\"t1\",\"text\":\"todo t1\",\"done\":false}"));
		assertThat(result.lastMutationIds()).containsExactly(Map.entry("c1", 1L));
		assertThat(result.lastMutationIdChanges()).containsExactly(Map.entry("c1", 1L));
	}

	@Test
	void aPullWithNothingNewReturnsTheSameCookieAndNoChanges() {
		this.push.push("g1", List.of(create("c1", 1, "t1")));
		PullResult first = this.pull.pull("g1", null);

		PullResult second = this.pull.pull("g1", first.version());

		assertThat(second.version()).isEqualTo(first.version());
		assertThat(second.patch()).isEmpty();
		assertThat(second.lastMutationIdChanges()).isEmpty();
		assertThat(second.lastMutationIds()).containsExactly(Map.entry("c1", 1L));
	}

	@Test
	void anInfrastructureFailureRollsTheWholePushBackSoTheRetryRunsAllOfItOnce() {
		this.outages.set(1);
		assertThatExceptionOfType(org.springframework.dao.DataAccessResourceFailureException.class)
			.isThrownBy(() -> this.push.push("g1", List.of(mutation("c1", 1, "increment", "{}"),
					mutation("c1", 2, "outage", "{}"), mutation("c1", 3, "increment", "{}"))));
		PullResult afterFailure = this.pull.pull("g1", null);

		List<MutationResult> retried = this.push.push("g1", List.of(mutation("c1", 1, "increment", "{}"),
				mutation("c1", 2, "outage", "{}"), mutation("c1", 3, "increment", "{}")));

		assertThat(afterFailure.lastMutationIds()).as("nothing of the failed push stays").isEmpty();
		assertThat(retried).extracting(MutationResult::outcome)
			.containsExactly(MutationOutcome.APPLIED, MutationOutcome.APPLIED, MutationOutcome.APPLIED);
		assertThat(this.plasma.jdbc.queryForObject("SELECT n FROM counters WHERE id = 1", Integer.class))
			.as("the failed attempt rolled back whole, the retry ran 1, 2 and 3 once").isEqualTo(1 + 100 + 1);
	}

	@Test
	void aTransientFailureIsRetriedWithinThePushAndTheMutationRunsOnce() {
		this.outages.set(2);

		List<MutationResult> results = this.push.push("g1", List.of(mutation("c1", 1, "busy", "{}")));

		assertThat(results).extracting(MutationResult::outcome).containsExactly(MutationOutcome.APPLIED);
		assertThat(this.outages.get()).as("two failed attempts, then one that ran").isEqualTo(-1);
		assertThat(this.plasma.jdbc.queryForObject("SELECT n FROM counters WHERE id = 1", Integer.class)).isEqualTo(1000);
		assertThat(this.pull.pull("g1", null).lastMutationIds()).containsExactly(Map.entry("c1", 1L));
	}

	@Test
	void aRetriedPushRunsEachMutationOnce() {
		List<PushMutation> batch = List.of(mutation("c1", 1, "increment", "{}"), mutation("c1", 2, "increment", "{}"));
		this.push.push("g1", batch);
		List<MutationResult> retried = this.push.push("g1", batch);

		assertThat(retried).extracting(MutationResult::outcome)
			.containsExactly(MutationOutcome.DUPLICATE, MutationOutcome.DUPLICATE);
		assertThat(this.plasma.jdbc.queryForObject("SELECT n FROM counters WHERE id = 1", Integer.class)).isEqualTo(2);
	}

	@Test
	void concurrentPushesOfTheSameMutationsRunEachOnce() throws Exception {
		int mutations = 15;
		List<PushMutation> batch = new ArrayList<>();
		for (int id = 1; id <= mutations; id++) {
			batch.add(mutation("c1", id, "increment", "{}"));
		}
		long applied = appliedByConcurrentPushes(8, (thread) -> "g1", (thread) -> batch);

		assertThat(applied).isEqualTo(mutations);
		assertThat(this.plasma.jdbc.queryForObject("SELECT n FROM counters WHERE id = 1", Integer.class))
			.isEqualTo(mutations);
		assertThat(this.plasma.jdbc.queryForObject(
				"SELECT last_mutation_id FROM _plasma_client_mutations WHERE client_group_id = 'g1' AND client_id = 'c1'",
				Long.class))
			.isEqualTo((long) mutations);
	}

	@Test
	void aGapStopsThatClientsBatchButNotTheOtherClients() {
		this.push.push("g1", List.of(create("c1", 1, "a1")));

		List<MutationResult> results = this.push.push("g1",
				List.of(create("c1", 3, "a3"), create("c2", 1, "b1"), create("c1", 4, "a4")));

		assertThat(results).extracting(MutationResult::outcome)
			.containsExactly(MutationOutcome.GAP, MutationOutcome.APPLIED, MutationOutcome.GAP);
		assertThat(this.plasma.jdbc.queryForList("SELECT id FROM todos ORDER BY id", String.class))
			.containsExactly("a1", "b1", "existing");
		List<MutationResult> resent = this.push.push("g1", List.of(create("c1", 2, "a2"), create("c1", 3, "a3")));
		assertThat(resent).extracting(MutationResult::outcome)
			.containsExactly(MutationOutcome.APPLIED, MutationOutcome.APPLIED);
	}

	@Test
	void aFailingMutatorIsRolledBackButConfirmedSoTheClientIsNotWedged() {
		long cookie = this.pull.pull("g1", null).version();

		List<MutationResult> results = this.push.push("g1", List.of(mutation("c1", 1, "explode", "{}"),
				mutation("c1", 2, "doesNotExist", "{}"), create("c1", 3, "after")));
		PullResult result = this.pull.pull("g1", cookie);

		assertThat(results).extracting(MutationResult::outcome)
			.containsExactly(MutationOutcome.FAILED, MutationOutcome.FAILED, MutationOutcome.APPLIED);
		assertThat(this.plasma.jdbc.queryForObject("SELECT COUNT(*) FROM todos WHERE id = 'half-done'", Integer.class))
			.isZero();
		assertThat(result.patch()).extracting(PatchOperation::key).containsExactly("todos/after");
		assertThat(result.lastMutationIds()).containsExactly(Map.entry("c1", 3L));
	}

	@Test
	void aFailedMutationAloneStillMovesTheCookie() {
		long cookie = this.pull.pull("g1", null).version();
		this.push.push("g1", List.of(mutation("c1", 1, "explode", "{}")));

		PullResult result = this.pull.pull("g1", cookie);

		assertThat(result.version()).isGreaterThan(cookie);
		assertThat(result.patch()).isEmpty();
		assertThat(result.lastMutationIdChanges()).containsExactly(Map.entry("c1", 1L));
	}

	@Test
	void aMutationThatWritesNothingStillMovesTheCookie() {
		long cookie = this.pull.pull("g1", null).version();
		this.push.push("g1", List.of(mutation("c1", 1, "noop", "{}")));

		PullResult result = this.pull.pull("g1", cookie);

		assertThat(result.version()).isGreaterThan(cookie);
		assertThat(result.lastMutationIdChanges()).containsExactly(Map.entry("c1", 1L));
	}

	@Test
	void aPullReportsOnlyItsOwnGroupsMutationIds() {
		this.push.push("g1", List.of(create("c1", 1, "from-g1")));
		this.push.push("g2", List.of(create("c9", 1, "from-g2"), create("c9", 2, "from-g2-again")));

		PullResult g1 = this.pull.pull("g1", null);
		PullResult g2 = this.pull.pull("g2", 0L);

		assertThat(g1.lastMutationIds()).containsOnlyKeys("c1");
		assertThat(g2.lastMutationIds()).containsExactly(Map.entry("c9", 2L));
		assertThat(g2.lastMutationIdChanges()).containsExactly(Map.entry("c9", 2L));
	}

	@Test
	void suppressedTablesAndPlasmasOwnTablesNeverReachAPatch() {
		this.push.push("g1", List.of(mutation("c1", 1, "draft", "{\"id\":\"d1\"}"), create("c1", 2, "t1")));

		PullResult incremental = this.pull.pull("g1", 0L);
		PullResult reset = this.pull.pull("g1", null);

		assertThat(incremental.patch()).extracting(PatchOperation::key).contains("todos/t1");
		for (PullResult result : List.of(incremental, reset)) {
			assertThat(result.patch()).extracting(PatchOperation::key)
				.filteredOn(java.util.Objects::nonNull)
				.allSatisfy((key) -> assertThat(key).matches("(todos|counters)/.*"));
		}
	}

	@Test
	void rawSqlWritesBehindTheAppsBackReachClientsOnceTheSequencerLoopTookThem() {
		Map<String, String> client = apply(new HashMap<>(), this.pull.pull("g1", null));
		long cookie = this.pull.pull("g1", null).version();
		this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('raw', 'psql', TRUE)");
		this.plasma.jdbc.update("DELETE FROM todos WHERE id = 'existing'");
		this.plasma.sequencer.sequenceOnce();

		PullResult result = this.pull.pull("g1", cookie);

		apply(client, result);
		assertThat(client).containsOnlyKeys("todos/raw", "counters/1");
	}

	@Test
	void aPushOfFiftyMutationsWithAFailingOneInTheMiddleRollsBackOnlyThatOneAndTheLedgerReachesFifty() {
		List<PushMutation> batch = new ArrayList<>();
		for (int id = 1; id <= 50; id++) {
			batch.add((id == 25) ? mutation("c1", id, "explode", "{}") : mutation("c1", id, "increment", "{}"));
		}

		List<MutationResult> results = this.push.push("g1", batch);

		assertThat(results).extracting(MutationResult::outcome)
			.containsOnly(MutationOutcome.APPLIED, MutationOutcome.FAILED)
			.filteredOn((outcome) -> outcome == MutationOutcome.FAILED)
			.hasSize(1);
		assertThat(results.get(24).outcome()).isEqualTo(MutationOutcome.FAILED);
		assertThat(this.plasma.jdbc.queryForObject("SELECT n FROM counters WHERE id = 1", Integer.class)).isEqualTo(49);
		assertThat(this.plasma.jdbc.queryForObject("SELECT COUNT(*) FROM todos WHERE id = 'half-done'", Integer.class))
			.isZero();
		assertThat(lastMutationId("g1", "c1")).isEqualTo(50L);
		assertThat(this.pull.pull("g1", null).lastMutationIds()).containsExactly(Map.entry("c1", 50L));
	}

	@Test
	void aConnectionKilledInTheMiddleOfAPushLeavesNothingAppliedAndTheRetryAppliesAllOfItOnce() {
		this.kills.set(1);
		List<PushMutation> batch = List.of(mutation("c1", 1, "increment", "{}"), mutation("c1", 2, "increment", "{}"),
				mutation("c1", 3, "severed", "{}"), mutation("c1", 4, "increment", "{}"));

		Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> this.push.push("g1", batch));
		int afterKill = this.plasma.jdbc.queryForObject("SELECT n FROM counters WHERE id = 1", Integer.class);
		Long ledgerAfterKill = lastMutationId("g1", "c1");
		List<MutationResult> retried = this.push.push("g1", batch);

		assertThat(this.kills.get()).as("the connection was killed once").isLessThan(0);
		assertThat(failure).as("the push answered an error (503)").isNotNull();
		assertThat(afterKill).as("nothing of the killed push applied").isZero();
		assertThat(ledgerAfterKill).isNull();
		assertThat(retried).extracting(MutationResult::outcome).containsOnly(MutationOutcome.APPLIED);
		assertThat(this.plasma.jdbc.queryForObject("SELECT n FROM counters WHERE id = 1", Integer.class))
			.isEqualTo(1 + 1 + 100 + 1);
		assertThat(lastMutationId("g1", "c1")).isEqualTo(4L);
	}

	@Test
	void concurrentPushesOfSeveralClientsInOpposingOrdersNeverDeadlockAndRunEachMutationOnce() throws Exception {
		List<PushMutation> forward = new ArrayList<>();
		List<PushMutation> backward = new ArrayList<>();
		for (int id = 1; id <= 5; id++) {
			for (String clientId : List.of("a", "b", "c")) {
				forward.add(mutation(clientId, id, "increment", "{}"));
			}
			for (String clientId : List.of("c", "b", "a")) {
				backward.add(mutation(clientId, id, "noop", "{}"));
			}
		}
		long applied = appliedByConcurrentPushes(8, (thread) -> (thread % 4 < 2) ? "g1" : "g2",
				(thread) -> (thread % 2 == 0) ? forward : backward);

		assertThat(applied).as("15 mutations per group, each run once").isEqualTo(30);
		for (String group : List.of("g1", "g2")) {
			for (String clientId : List.of("a", "b", "c")) {
				assertThat(lastMutationId(group, clientId)).isEqualTo(5L);
			}
		}
	}

	@Test
	void aPullIssuedRightAfterAPushSeesThePushsChangesWithoutTheSequencerLoop() {
		long cookie = this.pull.pull("g1", null).version();

		this.push.push("g1", List.of(create("c1", 1, "fresh"), mutation("c1", 2, "increment", "{}")));
		PullResult result = this.pull.pull("g1", cookie);

		assertThat(this.plasma.sequencer.pendingCount()).isZero();
		assertThat(result.patch()).extracting(PatchOperation::key).containsExactlyInAnyOrder("todos/fresh", "counters/1");
		assertThat(result.lastMutationIdChanges()).containsExactly(Map.entry("c1", 2L));
	}

	@Test
	void aRetriedPushWhoseMutationsAreAllDuplicatesStillAnswersOnlyOnceTheyAreSequenced() {
		long cookie = this.pull.pull("g1", null).version();
		Sequencer failingFlush = new Sequencer(this.dataSource, this.plasma.dialect, 1000, List.of()) {
			@Override
			public long flush() {
				throw new org.springframework.dao.DataAccessResourceFailureException("flush lost (simulated)");
			}
		};
		PushProcessor committedButUnflushed = new PushProcessor(this.plasma.transactions,
				new dev.plasma.ledger.MutationLedger(this.dataSource, this.plasma.dialect), this.plasma.origin,
				this.mutators, failingFlush, SyncObserver.NONE);
		List<PushMutation> batch = List.of(create("c1", 1, "retried"));
		assertThatExceptionOfType(org.springframework.dao.DataAccessResourceFailureException.class)
			.isThrownBy(() -> committedButUnflushed.push("g1", batch));

		List<MutationResult> retried = this.push.push("g1", batch);
		PullResult result = this.pull.pull("g1", cookie);

		assertThat(retried).extracting(MutationResult::outcome).containsExactly(MutationOutcome.DUPLICATE);
		assertThat(result.patch()).extracting(PatchOperation::key).containsExactly("todos/retried");
		assertThat(result.lastMutationIdChanges()).containsExactly(Map.entry("c1", 1L));
	}

	@Test
	void aPullNeverWritesAndNeverWaitsForTheSequencer() {
		this.push.push("g1", List.of(create("c1", 1, "t1")));
		StatementRecorder recorder = new StatementRecorder(this.dataSource);
		PullProcessor recorded = recordingPull(recorder);
		long cookie = recorded.pull("g1", null).version();
		this.plasma.jdbc.update("INSERT INTO todos (id, text, done) VALUES ('raw', 'pending', FALSE)");
		long pending = this.plasma.sequencer.pendingCount();

		PullResult incremental = recorded.pull("g1", 0L);
		PullResult atHead = recorded.pull("g1", cookie);

		assertThat(incremental.version()).isEqualTo(cookie);
		assertThat(atHead.patch()).as("the raw write waits for the sequencer loop").isEmpty();
		assertThat(this.plasma.sequencer.pendingCount()).isEqualTo(pending).isPositive();
		assertThat(recorder.drain()).isNotEmpty()
			.allSatisfy((sql) -> assertThat(sql.strip()).matches("(?is)(SELECT|SET TRANSACTION ISOLATION LEVEL REPEATABLE READ).*"));
	}

	@Test
	void aPullWithNothingNewCostsOneQuery() {
		this.push.push("g1", List.of(create("c1", 1, "t1")));
		StatementRecorder recorder = new StatementRecorder(this.dataSource);
		PullProcessor recorded = recordingPull(recorder);
		long cookie = recorded.pull("g1", null).version();
		recorder.drain();

		PullResult result = recorded.pull("g1", cookie);

		assertThat(result.patch()).isEmpty();
		assertThat(result.lastMutationIds()).containsExactly(Map.entry("c1", 1L));
		assertThat(recorder.drain()).filteredOn((sql) -> !sql.startsWith("SET TRANSACTION")).hasSize(1);
	}

	@Test
	void aPushWhoseOnlyMutationIsAGapCreatesNoLedgerState() {
		long head = this.plasma.sequencer.flush();

		List<MutationResult> results = this.push.push("g1", List.of(create("newcomer", 5, "too-early")));

		assertThat(results).extracting(MutationResult::outcome).containsExactly(MutationOutcome.GAP);
		assertThat(this.plasma.jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_client_mutations", Integer.class)).isZero();
		assertThat(this.plasma.sequencer.flush()).as("no ledger marker").isEqualTo(head);
		assertThat(this.pull.pull("g1", null).lastMutationIds()).isEmpty();
	}

	@Test
	void aPageEndsAtTheSizeBudgetAndTheRestFollowsInLaterPages() {
		int pages = pullTwelveTodosInPages(this.plasma.pullProcessor(this.tables, 1000, 150), 4);

		assertThat(pages).as("about 50 bytes per change, pages of 150 bytes").isGreaterThan(3);
	}

	@Test
	void withDefaultSettingsAClientTwoThousandChangesBehindCatchesUpInOnePull() {
		long cookie = this.pull.pull("g1", null).version();
		for (int client = 0; client < 50; client++) {
			List<PushMutation> batch = new ArrayList<>();
			for (int id = 1; id <= 40; id++) {
				batch.add(create("c" + client, id, "t" + client + "-" + id));
			}
			this.push.push("g" + client, batch);
		}
		dev.plasma.autoconfigure.PlasmaProperties.Pull settings = new dev.plasma.autoconfigure.PlasmaProperties().getPull();
		PullProcessor defaults = this.plasma.pullProcessor(this.tables, settings.getMaxChanges(),
				settings.getMaxBytes().toBytes());

		PullResult result = defaults.pull("g1", cookie);

		assertThat(result.hasMore()).isFalse();
		assertThat(result.patch()).hasSize(2000);
	}

	@Test
	void clientSuppliedNamesCannotForgeALogLine(org.springframework.boot.test.system.CapturedOutput output) {
		this.push.push("g1\nFORGED group", List.of(mutation("c1\nFORGED client", 1, "no\rsuch\u2028mutator", "{}")));

		assertThat(output.getAll()).contains("failed and was skipped")
			.contains("clientID=\"c1\\nFORGED client\"")
			.doesNotContain("\nFORGED")
			.doesNotContain("\rsuch")
			.doesNotContain("\u2028");
	}

	@Test
	void aCookieBelowTheCompactionFloorGetsAReset() {
		this.push.push("g1", List.of(create("c1", 1, "t1")));
		long head = this.plasma.sequencer.flush();
		this.plasma.jdbc.update("UPDATE _plasma_sequencer SET compaction_floor = ?", head);

		PullResult below = this.pull.pull("g1", head - 1);
		PullResult atFloor = this.pull.pull("g1", head);

		assertThat(below.reset()).isTrue();
		assertThat(below.patch().get(0)).isEqualTo(PatchOperation.CLEAR);
		assertThat(below.lastMutationIds()).containsExactly(Map.entry("c1", 1L));
		assertThat(atFloor.reset()).isFalse();
	}

	@Test
	void aCookieFromTheFutureIsRefused() {
		long head = this.plasma.sequencer.flush();
		assertThatExceptionOfType(CookieFromFutureException.class).isThrownBy(() -> this.pull.pull("g1", head + 10))
			.withMessageContaining("cookie is from the future");
	}

	@Test
	void aLargeBacklogArrivesInBoundedPagesThatConverge() {
		int pages = pullTwelveTodosInPages(this.plasma.pullProcessor(this.tables, 5), 5);

		assertThat(pages).as("12 rows and one ledger marker in pages of 5").isEqualTo(3);
	}

	/**
	 * Pushes 12 todos and pulls them page by page, checking that each page stays within
	 * {@code maxPageSize} operations and moves the cookie, and that the client converges.
	 * @return the number of pages
	 */
	private int pullTwelveTodosInPages(PullProcessor paged, int maxPageSize) {
		PullResult first = paged.pull("g1", null);
		Map<String, String> client = apply(new HashMap<>(), first);
		List<PushMutation> batch = new ArrayList<>();
		for (int id = 1; id <= 12; id++) {
			batch.add(create("c1", id, "p" + id));
		}
		this.push.push("g1", batch);

		long cookie = first.version();
		int pages = 0;
		PullResult page;
		do {
			page = paged.pull("g1", cookie);
			assertThat(page.patch()).hasSizeLessThanOrEqualTo(maxPageSize);
			assertThat(page.version()).isGreaterThan(cookie);
			apply(client, page);
			cookie = page.version();
			pages++;
		}
		while (page.hasMore());
		assertThat(client).hasSize(2 + 12);
		assertThat(page.lastMutationIds()).containsExactly(Map.entry("c1", 12L));
		return pages;
	}

	@Test
	void confirmationsNeverRunAheadOfDataWhenPaging() {
		PullProcessor paged = this.plasma.pullProcessor(this.tables, 2);
		long cookie = paged.pull("g1", null).version();
		Map<String, String> client = new HashMap<>();
		this.push.push("g1", List.of(create("c1", 1, "x1"), create("c1", 2, "x2"), create("c1", 3, "x3")));
		PullResult page;
		do {
			page = paged.pull("g1", cookie);
			apply(client, page);
			for (Map.Entry<String, Long> confirmed : page.lastMutationIds().entrySet()) {
				for (long id = 1; id <= confirmed.getValue(); id++) {
					assertThat(client).containsKey("todos/x" + id);
				}
			}
			cookie = page.version();
		}
		while (page.hasMore());
		assertThat(page.lastMutationIds()).containsExactly(Map.entry("c1", 3L));
	}

	@Test
	void argsThatDoNotFitTheMutatorFailTheMutationWithoutWedging() {
		List<MutationResult> results = this.push.push("g1",
				List.of(mutation("c1", 1, "createTodo", "{\"id\":\"x\"}"), create("c1", 2, "fine")));

		assertThat(results).extracting(MutationResult::outcome)
			.containsExactly(MutationOutcome.FAILED, MutationOutcome.APPLIED);
	}

	@Test
	void aResetHandsItsRowsToTheSinkOneByOneInsideOneSnapshot() throws Exception {
		List<Object[]> rows = new ArrayList<>();
		for (int i = 0; i < 2500; i++) {
			rows.add(new Object[] { "bulk-" + i });
		}
		this.plasma.jdbc.batchUpdate("INSERT INTO todos (id, text, done) VALUES (?, 'bulk', FALSE)", rows);
		this.plasma.sequencer.flush();
		List<String> keys = new ArrayList<>();
		List<String> whileStreaming = new ArrayList<>();
		PullHeader header = this.pull.pull("g-stream", null, new PatchSink() {

			@Override
			public void begin(PullHeader begun) {
				assertThat(keys).isEmpty();
			}

			@Override
			public void operation(String op, String key, String value) {
				if (keys.size() == 1) {
					java.sql.Connection connection = org.springframework.jdbc.datasource.DataSourceUtils
						.getConnection(AbstractSyncTests.this.dataSource);
					try (java.sql.Connection other = AbstractSyncTests.this.dataSource.getConnection();
							java.sql.Statement insert = other.createStatement()) {
						whileStreaming.add("autocommit=" + connection.getAutoCommit());
						whileStreaming.addAll(streamingEvidence(connection));
						other.setAutoCommit(true);
						insert.executeUpdate("INSERT INTO todos (id, text, done) VALUES ('written-meanwhile', 'late', FALSE)");
					}
					catch (java.sql.SQLException ex) {
						throw new IllegalStateException(ex);
					}
				}
				keys.add((key != null) ? key : op);
			}

		});
		this.plasma.sequencer.flush();
		PullResult after = this.pull.pull("g-stream", header.version());

		assertThat(header.reset()).isTrue();
		assertThat(keys.get(0)).isEqualTo("clear");
		assertThat(keys).hasSize(1 + 2500 + 2).contains("todos/existing", "todos/bulk-0", "todos/bulk-2499", "counters/1")
			.doesNotContain("todos/written-meanwhile");
		assertThat(whileStreaming).first().isEqualTo("autocommit=false");
		assertThat(whileStreaming).containsAll(expectedStreamingEvidence());
		assertThat(after.patch()).containsExactly(PatchOperation.put("todos/written-meanwhile",
				after.patch().get(0).value()));
	}

	/**
	 * What the pull's connection shows while a reset's rows are being read, on this database.
	 * @param connection the pull's connection
	 * @return evidence that the rows are fetched in parts
	 * @throws java.sql.SQLException on database errors
	 */
	protected List<String> streamingEvidence(java.sql.Connection connection) throws java.sql.SQLException {
		return List.of();
	}

	/**
	 * The evidence {@link #streamingEvidence} must return on this database.
	 * @return the expected evidence
	 */
	protected List<String> expectedStreamingEvidence() {
		return List.of();
	}

	protected JsonNode json(String text) {
		return JSON.readTree(text);
	}

}

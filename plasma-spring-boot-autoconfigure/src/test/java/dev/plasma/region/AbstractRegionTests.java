package dev.plasma.region;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.plasma.capture.MutationOrigin;
import dev.plasma.changelog.ChangeEntry;
import dev.plasma.changelog.PendingScope;
import dev.plasma.changelog.SequencerStateRepository;
import dev.plasma.ledger.MutationLedger;
import dev.plasma.mutation.MutatorRegistry;
import dev.plasma.schema.SyncedTables;
import dev.plasma.sequencer.RegionTakeover;
import dev.plasma.sequencer.Sequencer;
import dev.plasma.sync.BadSyncRequestException;
import dev.plasma.sync.Cookie;
import dev.plasma.sync.MutationOutcome;
import dev.plasma.sync.PatchOperation;
import dev.plasma.sync.PullProcessor;
import dev.plasma.sync.PullResult;
import dev.plasma.sync.PushMutation;
import dev.plasma.sync.PushProcessor;
import dev.plasma.sync.SyncObserver;
import dev.plasma.testsupport.PlasmaFixture;
import dev.plasma.testsupport.TestDatabase;

import static dev.plasma.testsupport.PlasmaFixture.synced;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Two regions, {@code "0"} and {@code "1"}, on one database, as two application instances would run them:
 * own sequencers and version spaces, pushes to both, raw writes, the same rows written through both,
 * cookies with a cursor per region, and a region taking over a dead region's pending entries.
 */
public abstract class AbstractRegionTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	protected abstract TestDatabase database();

	private HikariDataSource dataSource;

	private PlasmaFixture plasma;

	private SyncedTables tables;

	private Sequencer sequencer0;

	private Sequencer sequencer1;

	private MutationOrigin origin1;

	private PushProcessor push0;

	private PushProcessor push1;

	private PullProcessor pull;

	@BeforeEach
	void setUp() {
		this.dataSource = database().create(16);
		this.plasma = new PlasmaFixture(this.dataSource);
		this.plasma.jdbc.execute("CREATE TABLE items (id VARCHAR(64) PRIMARY KEY, v VARCHAR(200) NOT NULL)");
		this.tables = this.plasma.install(synced("items"));
		MutatorRegistry mutators = new MutatorRegistry();
		mutators.register("put", (args, context) -> put(args.get("id").asString(), args.get("v").asString()));
		mutators.register("delete",
				(args, context) -> this.plasma.jdbc.update("DELETE FROM items WHERE id = ?", args.get("id").asString()));
		this.sequencer0 = this.plasma.sequencer;
		this.sequencer1 = regionSequencer("1");
		this.sequencer1.registerRegion();
		this.origin1 = new MutationOrigin(this.dataSource, this.plasma.dialect, this.plasma.transactions, "1");
		this.push0 = this.plasma.pushProcessor(mutators);
		this.push1 = new PushProcessor(this.plasma.transactions,
				new MutationLedger(this.dataSource, this.plasma.dialect, "1"), this.origin1, mutators, this.sequencer1,
				SyncObserver.NONE);
		this.pull = this.plasma.pullProcessor(this.tables, 1000);
	}

	@AfterEach
	void tearDown() {
		this.dataSource.close();
	}

	private Sequencer regionSequencer(String region) {
		return new Sequencer(this.dataSource, this.plasma.dialect, 1000, List.of(), new PendingScope(region, "0"));
	}

	private void put(String id, String value) {
		if (this.plasma.jdbc.update("UPDATE items SET v = ? WHERE id = ?", value, id) == 0) {
			this.plasma.jdbc.update("INSERT INTO items (id, v) VALUES (?, ?)", id, value);
		}
	}

	@Test
	void eachRegionSequencesItsOwnPushesInItsOwnVersionSpace() {
		push(this.push0, "g", "c0", 1, "put", "a", "from-0");
		push(this.push1, "g", "c1", 1, "put", "b", "from-1");
		push(this.push1, "g", "c1", 2, "put", "c", "from-1");
		assertThat(entries("0", "items")).containsExactly("a");
		assertThat(entries("1", "items")).containsExactly("b", "c");
		assertThat(this.plasma.jdbc.queryForList("SELECT row_version FROM _plasma_changes WHERE region = '1' ORDER BY row_version",
				Long.class)).containsExactly(1L, 2L, 3L, 4L);
		PullResult first = this.pull.pull("g", "u", null);
		assertThat(first.cursors()).containsEntry("0", this.sequencer0.head()).containsEntry("1", this.sequencer1.head());
		assertThat(first.lastMutationIds()).containsEntry("c0", 1L).containsEntry("c1", 2L);
		assertThat(Cookie.parse(Cookie.encode(first.cursors(), null)).cursors()).isEqualTo(first.cursors());
	}

	@Test
	void rawWritesAreSequencedByTheDefaultRegionForRawWrites() {
		this.plasma.jdbc.update("INSERT INTO items (id, v) VALUES ('raw', 'x')");
		this.sequencer1.flush();
		assertThat(entries("1", "items")).isEmpty();
		assertThat(this.sequencer1.pendingCount()).isZero();
		assertThat(this.sequencer0.pendingCount()).isEqualTo(1);
		this.sequencer0.flush();
		assertThat(entries("0", "items")).containsExactly("raw");
		Sequencer rawInRegion1 = new Sequencer(this.dataSource, this.plasma.dialect, 1000, List.of(),
				new PendingScope("1", "1"));
		this.plasma.jdbc.update("UPDATE items SET v = 'y' WHERE id = 'raw'");
		rawInRegion1.flush();
		assertThat(entries("1", "items")).containsExactly("raw");
	}

	@Test
	void aRowWrittenFirstThroughRegionZeroThenRegionOneEndsInItsLatestStateInOnePage() {
		sameRowThroughBothRegions(this.plasma.origin, this.sequencer0, this.push1, this.sequencer1);
	}

	@Test
	void aRowWrittenFirstThroughRegionOneThenRegionZeroEndsInItsLatestStateInOnePage() {
		sameRowThroughBothRegions(this.origin1, this.sequencer1, this.push0, this.sequencer0);
	}

	/**
	 * The earlier write waits in its region while the later one is pushed through the other: the later
	 * entry waits for the earlier one, and a pull of both in one page (and page by page) ends with the
	 * later state, whichever region names sort first and whichever version is higher.
	 */
	private void sameRowThroughBothRegions(MutationOrigin earlierOrigin, Sequencer earlierSequencer,
			PushProcessor laterPush, Sequencer laterSequencer) {
		for (int i = 0; i < 5; i++) {
			push(this.push0, "filler", "f0", i + 1, "put", "f0-" + i, "x");
			push(this.push1, "filler", "f1", i + 1, "put", "f1-" + i, "x");
		}
		PullResult before = this.pull.pull("g", "u", null);
		earlierOrigin.runAs("other", "o", 1, () -> put("row", "earlier"));
		push(laterPush, "g", "c", 1, "put", "row", "later");
		assertThat(laterSequencer.flush()).isNotNegative();
		assertThat(laterSequencer.pendingCount()).as("the later write waits for the earlier one").isEqualTo(1);
		earlierSequencer.flush();
		laterSequencer.flush();
		assertThat(laterSequencer.pendingCount()).isZero();
		Map<String, String> client = new TreeMap<>();
		apply(client, before);
		PullResult page = this.pull.pull("g", "u", before.cookie());
		apply(client, page);
		assertThat(page.hasMore()).isFalse();
		assertThat(client).isEqualTo(tableState());
		assertThat(client).containsEntry("items/row", "{\"id\":\"row\",\"v\":\"later\"}");
		Map<String, String> paged = new TreeMap<>();
		apply(paged, before);
		pullToEnd(pager(1), paged, before.cookie());
		assertThat(paged).isEqualTo(tableState());
	}

	@Test
	void aCookieOfRegionZeroOnlyStillWorksAndGetsTheOtherRegionsEntries() {
		push(this.push0, "g", "c0", 1, "put", "a", "1");
		long head0 = this.sequencer0.flush();
		push(this.push1, "g", "c1", 1, "put", "b", "1");
		PullResult result = this.pull.pull("g", "u", Cookie.parse(Cookie.encode(head0)));
		assertThat(result.reset()).isFalse();
		assertThat(result.patch()).extracting(PatchOperation::key).containsExactly("items/b");
		assertThat(result.cursors()).containsEntry("0", head0).containsEntry("1", this.sequencer1.head());
		assertThat(result.lastMutationIdChanges()).containsEntry("c1", 1L);
	}

	@Test
	void aCookieNamingAnUnknownRegionIsRefused() {
		String cookie = Cookie.encode(Map.of("0", 0L, "7", 3L), null);
		assertThatExceptionOfType(BadSyncRequestException.class)
			.isThrownBy(() -> this.pull.pull("g", "u", Cookie.parse(cookie)))
			.withMessageContaining("region '7'");
		assertThatExceptionOfType(BadSyncRequestException.class)
			.isThrownBy(() -> Cookie.parse("c1:" + java.util.Base64.getEncoder()
				.encodeToString("{\"0\":\"1\",\"a b\":\"2\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
	}

	@Test
	void twoRegionsSequenceConcurrentPushesWithoutLosingOrDuplicatingAnything() throws Exception {
		int threads = 8;
		int perThread = 25;
		for (int i = 0; i < 5; i++) {
			put("shared-" + i, "initial");
		}
		this.sequencer0.flush();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			PushProcessor push = (t % 2 == 0) ? this.push0 : this.push1;
			futures.add(pool.submit(() -> {
				start.await();
				for (int i = 0; i < perThread; i++) {
					push(push, "g", "c" + thread, i + 1, "put", "shared-" + (i % 5), "t" + thread + "-" + i);
				}
				return null;
			}));
		}
		start.countDown();
		for (Future<?> future : futures) {
			future.get(120, TimeUnit.SECONDS);
		}
		pool.shutdown();
		flushAll();
		assertThat(this.plasma.jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_pending_changes", Long.class)).isZero();
		long entries = this.plasma.jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_changes WHERE table_name = 'items'",
				Long.class);
		assertThat(entries).isEqualTo(5 + threads * perThread);
		assertThat(this.sequencer0.head() + this.sequencer1.head()).isEqualTo(5 + threads * perThread * 2L);
		Map<String, String> client = new TreeMap<>();
		pullToEnd(pager(7), client, null);
		assertThat(client).isEqualTo(tableState());
	}

	@Test
	void compactionFoldsOneRegionAndResetsOnlyCookiesBelowThatRegionsFloor() {
		push(this.push0, "g", "c0", 1, "put", "a", "1");
		push(this.push1, "g", "c1", 1, "put", "b", "1");
		PullResult early = this.pull.pull("g", "u", null);
		for (int i = 2; i <= 4; i++) {
			push(this.push0, "g", "c0", i, "put", "a", Integer.toString(i));
			push(this.push1, "g", "c1", i, "put", "b", Integer.toString(i));
		}
		PullResult late = this.pull.pull("g", "u", early.cookie());
		List<String> region0Before = entries("0", "items");
		new dev.plasma.compaction.ChangeLogCompactor(this.dataSource, this.plasma.dialect, 100, Duration.ZERO, List.of(),
				"1")
			.compactChangeLog(this.sequencer1.head());
		assertThat(entries("1", "items")).containsExactly("b");
		assertThat(entries("0", "items")).isEqualTo(region0Before).hasSize(4);
		assertThat(this.pull.pull("g", "u", early.cookie()).reset()).isTrue();
		Cookie.Position region1Current = new Cookie.Position(
				Map.of("0", early.cursors().get("0"), "1", late.cursors().get("1")), null);
		PullResult incremental = this.pull.pull("g", "u", region1Current);
		assertThat(incremental.reset()).isFalse();
		assertThat(incremental.patch()).extracting(PatchOperation::key).containsExactly("items/a");
	}

	@Test
	void aRegionWhoseLeaseExpiredIsTakenOverInItsOwnVersionSpace() throws Exception {
		RegionTakeover region1 = takeover("1");
		assertThat(region1.runOnce()).as("region 0 never renewed a lease").isEmpty();
		RegionTakeover region0 = takeover("0");
		assertThat(region0.runOnce()).as("region 1's lease is live").isEmpty();
		long head1 = this.sequencer1.head();
		this.origin1.runAs("g", "c1", 1, () -> put("orphan", "left by region 1"));
		Thread.sleep(400);
		assertThat(region0.runOnce()).containsExactly("1");
		assertThat(this.sequencer1.pendingCount()).isZero();
		assertThat(entries("1", "items")).containsExactly("orphan");
		assertThat(entries("0", "items")).isEmpty();
		assertThat(this.sequencer1.head()).isEqualTo(head1 + 1);
		assertThat(region1.runOnce()).as("back: the lease is renewed").isEmpty();
		assertThat(region0.runOnce()).isEmpty();
	}

	@Test
	void aTakeoverRacingTheReturningRegionNeverGivesAnEntryTwoVersions() throws Exception {
		RegionTakeover region0 = takeover("0");
		region0.runOnce();
		ExecutorService pool = Executors.newFixedThreadPool(3);
		try {
			Future<?> writer = pool.submit(() -> {
				for (int i = 0; i < 200; i++) {
					int n = i;
					this.origin1.runAs("g", "c1", n + 1, () -> put("r" + (n % 20), "v" + n));
				}
				return null;
			});
			Future<?> taker = pool.submit(() -> {
				while (!writer.isDone()) {
					region0.runOnce();
				}
				return null;
			});
			Future<?> owner = pool.submit(() -> {
				while (!writer.isDone()) {
					this.sequencer1.flush();
				}
				return null;
			});
			writer.get(120, TimeUnit.SECONDS);
			taker.get(120, TimeUnit.SECONDS);
			owner.get(120, TimeUnit.SECONDS);
		}
		finally {
			pool.shutdown();
		}
		this.sequencer1.flush();
		assertThat(this.plasma.jdbc.queryForObject(
				"SELECT COUNT(*) FROM _plasma_changes WHERE region = '1' AND table_name = 'items'", Long.class))
			.isEqualTo(200);
		assertThat(this.plasma.jdbc.queryForObject("SELECT COUNT(DISTINCT row_version) FROM _plasma_changes WHERE region = '1'",
				Long.class)).isEqualTo(this.sequencer1.head());
		Map<String, String> client = new TreeMap<>();
		pullToEnd(this.pull, client, null);
		assertThat(client).isEqualTo(tableState());
	}

	/**
	 * Random pushes through both regions, raw writes, sequencer flushes in random order and pulls of
	 * random page sizes by several clients: every client that pulls to the end holds exactly the table.
	 */
	@Test
	void fuzzAcrossTwoRegions() {
		Random random = new Random(13);
		int clients = 3;
		List<Map<String, String>> states = new ArrayList<>();
		List<Cookie.Position> cookies = new ArrayList<>();
		for (int c = 0; c < clients; c++) {
			states.add(new TreeMap<>());
			cookies.add(null);
		}
		Map<String, Long> mutationIds = new HashMap<>();
		for (int step = 0; step < 300; step++) {
			int action = random.nextInt(10);
			String row = "k" + random.nextInt(8);
			String value = "s" + step;
			if (action < 3) {
				pushUnsequenced(this.plasma.origin, mutationIds, "m0", row, value, random.nextInt(4) == 0);
			}
			else if (action < 6) {
				pushUnsequenced(this.origin1, mutationIds, "m1", row, value, random.nextInt(4) == 0);
			}
			else if (action == 6) {
				put(row, value);
			}
			else if (action == 7) {
				(random.nextBoolean() ? this.sequencer0 : this.sequencer1).flush();
			}
			else if (action == 8 && random.nextInt(4) == 0) {
				int c = random.nextInt(clients);
				flushAll();
				PullProcessor pager = pager(1 + random.nextInt(6));
				cookies.set(c, pullToEnd(pager, states.get(c), cookies.get(c)));
				assertThat(states.get(c)).as("client " + c + " at step " + step).isEqualTo(tableState());
			}
			else {
				int c = random.nextInt(clients);
				PullProcessor pager = pager(1 + random.nextInt(6));
				PullResult result = pager.pull("fuzz", "u", cookies.get(c));
				apply(states.get(c), result);
				cookies.set(c, result.cookie());
			}
		}
		flushAll();
		assertThat(this.plasma.jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_pending_changes", Long.class)).isZero();
		for (int c = 0; c < clients; c++) {
			Cookie.Position cookie = cookies.get(c);
			PullProcessor pager = pager(1 + c * 2);
			pullToEnd(pager, states.get(c), cookie);
			assertThat(states.get(c)).as("client " + c).isEqualTo(tableState());
		}
	}

	/**
	 * Flushes both regions until nothing is pending: writes of one row alternating between the regions are
	 * sequenced one region's turn after the other's.
	 */
	private void flushAll() {
		for (int round = 0; round < 1000; round++) {
			this.sequencer0.flush();
			this.sequencer1.flush();
			if (this.sequencer0.pendingCount() == 0 && this.sequencer1.pendingCount() == 0) {
				return;
			}
		}
		throw new AssertionError("entries stay pending");
	}

	private void pushUnsequenced(MutationOrigin origin, Map<String, Long> mutationIds, String client, String row,
			String value, boolean delete) {
		long id = mutationIds.merge(client, 1L, Long::sum);
		origin.runAs("fuzz", client, id, () -> {
			if (delete) {
				this.plasma.jdbc.update("DELETE FROM items WHERE id = ?", row);
			}
			else {
				put(row, value);
			}
		});
	}

	private PullProcessor pager(int maxChanges) {
		return this.plasma.pullProcessor(this.tables, maxChanges);
	}

	private RegionTakeover takeover(String region) {
		return new RegionTakeover(this.dataSource, this.plasma.dialect, region, "test-" + region, Duration.ofMillis(300),
				this::regionSequencer);
	}

	private Cookie.Position pullToEnd(PullProcessor processor, Map<String, String> client, Cookie.Position cookie) {
		Cookie.Position position = cookie;
		for (int i = 0; i < 10_000; i++) {
			PullResult result = processor.pull("g", "u", position);
			apply(client, result);
			position = result.cookie();
			if (!result.hasMore()) {
				return position;
			}
		}
		throw new AssertionError("pulls never reached the end");
	}

	private static void apply(Map<String, String> client, PullResult result) {
		for (PatchOperation operation : result.patch()) {
			switch (operation.op()) {
				case "clear" -> client.clear();
				case "put" -> client.put(operation.key(), operation.value());
				case "del" -> client.remove(operation.key());
				default -> throw new AssertionError(operation.op());
			}
		}
	}

	private Map<String, String> tableState() {
		Map<String, String> state = new TreeMap<>();
		apply(state, this.pull.pull("fresh", "u", null));
		return state;
	}

	@Test
	void readingAfterEveryRegionsCursorFollowsTheOrderOfTheWrites() throws Exception {
		push(this.push0, "g", "c0", 1, "put", "a", "first");
		push(this.push1, "g", "c1", 1, "put", "a", "second");
		push(this.push0, "g", "c0", 2, "put", "a", "third");
		List<ChangeEntry> merged = this.plasma.changeLog.readAfter(Map.of("0", 0L, "1", 0L), 100)
			.stream()
			.filter((entry) -> entry.tableName().equals("items"))
			.toList();
		assertThat(merged).extracting((entry) -> entry.region() + ":" + JSON.readTree(entry.value()).get("v").asString())
			.containsExactly("0:first", "1:second", "0:third");
		assertThat(this.plasma.changeLog.readAfter(Map.of("1", 0L), 100)).extracting((entry) -> entry.region())
			.containsOnly("1");
		try (Connection connection = this.dataSource.getConnection()) {
			assertThat(SequencerStateRepository.readHeads(connection))
				.containsEntry("0", this.sequencer0.head())
				.containsEntry("1", this.sequencer1.head());
		}
		Map<String, Long> confirmations = new MutationLedger(this.dataSource, this.plasma.dialect, "0")
			.lastConfirmationVersions("g");
		assertThat(confirmations.keySet()).containsExactlyInAnyOrder("0", "1");
		assertThat(confirmations.get("1")).isPositive().isLessThanOrEqualTo(this.sequencer1.head());
	}

	private List<String> entries(String region, String table) {
		return this.plasma.jdbc.queryForList(
				"SELECT row_id FROM _plasma_changes WHERE region = ? AND table_name = ? ORDER BY row_version", String.class,
				region, table);
	}

	private static void push(PushProcessor push, String group, String client, long id, String name, String rowId,
			String value) {
		PushMutation mutation = new PushMutation(client, id, name,
				JSON.readTree("{\"id\":\"" + rowId + "\",\"v\":\"" + value + "\"}"), 1.0);
		assertThat(push.push(group, List.of(mutation))).extracting((r) -> r.outcome())
			.containsExactly(MutationOutcome.APPLIED);
	}

}

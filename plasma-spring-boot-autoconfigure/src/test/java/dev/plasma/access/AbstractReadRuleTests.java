package dev.plasma.access;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
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

import dev.plasma.compaction.ChangeLogCompactor;
import dev.plasma.schema.PlasmaConfigurationException;
import dev.plasma.schema.SyncedTables;
import dev.plasma.schema.TableDeclaration;
import dev.plasma.sync.Cookie;
import dev.plasma.sync.PatchOperation;
import dev.plasma.sync.PullProcessor;
import dev.plasma.sync.PullResult;
import dev.plasma.sync.SyncObserver;
import dev.plasma.testsupport.PlasmaFixture;
import dev.plasma.testsupport.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Read rules on one database: a pull, full or incremental, delivers exactly the rows its user may read and
 * never a key of another row; rows that stop or start being readable (owner changed, moved to another
 * list, membership changed, by raw SQL) arrive as {@code del} and {@code put}; concurrent tabs, paging and
 * compaction keep working; bad rules stop the start.
 * <p>
 * The schema is the one of the documentation: lists owned by a user, list_members granting other users a
 * list, todos of a list (grant rule {@code lists}), notes with an owner (owner rule) and settings without a
 * rule (readable by everyone).
 */
public abstract class AbstractReadRuleTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final List<String> USERS = List.of("alice", "bob", "carol", "dave");

	protected abstract TestDatabase database();

	private HikariDataSource dataSource;

	private PlasmaFixture plasma;

	private SyncedTables tables;

	private ReadRules rules;

	private PullProcessor pull;

	@BeforeEach
	void setUp() {
		this.dataSource = database().create(8);
		this.plasma = new PlasmaFixture(this.dataSource);
		this.plasma.jdbc.execute("CREATE TABLE lists (id INT PRIMARY KEY, owner VARCHAR(64) NOT NULL, name VARCHAR(100))");
		this.plasma.jdbc.execute("CREATE TABLE list_members (list_id INT NOT NULL, user_name VARCHAR(64) NOT NULL, "
				+ "PRIMARY KEY (list_id, user_name))");
		this.plasma.jdbc.execute("CREATE TABLE todos (id VARCHAR(64) PRIMARY KEY, list_id INT NOT NULL, text VARCHAR(200))");
		this.plasma.jdbc.execute("CREATE TABLE notes (id INT PRIMARY KEY, owner VARCHAR(64), body VARCHAR(200))");
		this.plasma.jdbc.execute("CREATE TABLE settings (id INT PRIMARY KEY, v VARCHAR(50))");
		this.plasma.jdbc.execute("CREATE TABLE scratch (id INT PRIMARY KEY, owner VARCHAR(64))");
		this.plasma.jdbc.execute("CREATE INDEX ix_lists_owner ON lists (owner)");
		this.plasma.jdbc.execute("CREATE INDEX ix_list_members_user ON list_members (user_name)");
		this.plasma.jdbc.execute("CREATE INDEX ix_todos_list ON todos (list_id)");
		this.plasma.jdbc.execute("CREATE INDEX ix_notes_owner ON notes (owner)");
		sql("INSERT INTO lists (id, owner, name) VALUES (1, 'alice', 'groceries'), (2, 'bob', 'work'), (3, 'carol', 'garden')");
		sql("INSERT INTO list_members (list_id, user_name) VALUES (1, 'bob')");
		sql("INSERT INTO todos (id, list_id, text) VALUES ('t1', 1, 'milk'), ('t2', 2, 'report'), ('t3', 3, 'roses')");
		sql("INSERT INTO notes (id, owner, body) VALUES (1, 'alice', 'diary'), (2, 'bob', 'secrets')");
		sql("INSERT INTO settings (id, v) VALUES (1, 'public')");
		this.tables = this.plasma.install(new TableDeclaration("lists", false, "id"),
				new TableDeclaration("list_members", false, "list_id"), new TableDeclaration("todos", false, "list_id"),
				new TableDeclaration("notes", false, "owner"), new TableDeclaration("settings", false),
				new TableDeclaration("scratch", true));
		this.rules = resolve(List.of(rule("lists", "id", "lists"), rule("list_members", "list_id", "lists"),
				rule("todos", "list_id", "lists"), new ReadRuleDeclaration("notes", null, null, "owner")), grantSources());
		this.pull = pullProcessor(1000);
		this.plasma.sequencer.flush();
	}

	@AfterEach
	void tearDown() {
		this.dataSource.close();
	}

	private static ReadRuleDeclaration rule(String table, String column, String grant) {
		return new ReadRuleDeclaration(table, column, grant, null);
	}

	private static List<GrantSourceDeclaration> grantSources() {
		return List.of(new GrantSourceDeclaration("lists", "lists", "id", "owner"),
				new GrantSourceDeclaration("lists", "list_members", "list_id", "user_name"));
	}

	private ReadRules resolve(List<ReadRuleDeclaration> declarations, List<GrantSourceDeclaration> sources) {
		return new ReadRulesResolver(this.plasma.dialect).resolve(this.tables, declarations, sources, List.of());
	}

	private PullProcessor pullProcessor(int maxChanges) {
		return new PullProcessor(this.dataSource, this.plasma.dialect, this.plasma.changeLog, this.tables, this.rules,
				this.plasma.transactions, maxChanges, 4L * 1024 * 1024, SyncObserver.NONE);
	}

	private void sql(String statement, Object... args) {
		this.plasma.jdbc.update(statement, args);
	}

	/** A client of one user: its rows, its cookie, and every key it was ever sent. */
	private final class Client {

		final String user;

		final Map<String, String> rows = new TreeMap<>();

		final Set<String> keysSeen = new HashSet<>();

		Cookie.Position cookie;

		PullResult last;

		Client(String user) {
			this.user = user;
		}

		PullResult pull() {
			return pull(AbstractReadRuleTests.this.pull);
		}

		PullResult pull(PullProcessor processor) {
			this.last = processor.pull("group-" + this.user, this.user, this.cookie);
			apply(this.rows, this.last);
			this.last.patch().stream().filter((op) -> op.key() != null).forEach((op) -> this.keysSeen.add(op.key()));
			this.cookie = this.last.cookie();
			return this.last;
		}

		Client catchUp(PullProcessor processor) {
			do {
				pull(processor);
			}
			while (this.last.hasMore());
			return this;
		}

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

	/**
	 * Computes, independently of Plasma's pull, what a user may read now: every row of every synced table
	 * (read by a pull without rules) filtered by the rules evaluated on the row JSON.
	 */
	private Map<String, String> expectedView(String user) {
		Set<String> granted = new HashSet<>(this.plasma.jdbc.queryForList(
				"SELECT id FROM lists WHERE owner = ? UNION SELECT list_id FROM list_members WHERE user_name = ?",
				String.class, user, user));
		PullProcessor everything = new PullProcessor(this.dataSource, this.plasma.dialect, this.plasma.changeLog,
				this.tables, this.plasma.transactions, 1000, 4L * 1024 * 1024, SyncObserver.NONE);
		Map<String, String> all = apply(new TreeMap<>(), everything.pull("oracle", null));
		Map<String, String> expected = new TreeMap<>();
		all.forEach((key, value) -> {
			String table = key.substring(0, key.indexOf('/'));
			JsonNode row = JSON.readTree(value);
			boolean readable = switch (table) {
				case "lists" -> granted.contains(row.get("id").asString());
				case "list_members", "todos" -> granted.contains(row.get("list_id").asString());
				case "notes" -> user.equals(row.get("owner").asString(null));
				default -> true;
			};
			if (readable) {
				expected.put(key, value);
			}
		});
		return expected;
	}

	private Client synced(String user) {
		Client client = new Client(user).catchUp(this.pull);
		assertThat(client.rows).isEqualTo(expectedView(user));
		return client;
	}

	@Test
	void aFullStateHoldsExactlyTheRowsTheUserMayRead() {
		Client alice = new Client("alice");
		PullResult result = alice.pull();

		assertThat(result.reset()).isTrue();
		assertThat(result.patch().get(0)).isEqualTo(PatchOperation.CLEAR);
		assertThat(alice.rows).containsOnlyKeys("lists/1", "list_members/1/bob", "todos/t1", "notes/1", "settings/1");
		assertThat(new Client("bob").catchUp(this.pull).rows).containsOnlyKeys("lists/1", "lists/2", "list_members/1/bob",
				"todos/t1", "todos/t2", "notes/2", "settings/1");
		assertThat(new Client("mallory").catchUp(this.pull).rows).containsOnlyKeys("settings/1");
		assertThat(alice.rows).isEqualTo(expectedView("alice"));
		assertThat(result.grants()).isNotNull();
	}

	@Test
	void incrementalPullsNeverRevealAKeyOfARowTheUserCannotRead() {
		Client alice = synced("alice");
		sql("INSERT INTO todos (id, list_id, text) VALUES ('bobs-new', 2, 'hidden')");
		sql("UPDATE todos SET text = 'changed' WHERE id = 't2'");
		sql("DELETE FROM todos WHERE id = 't3'");
		sql("INSERT INTO notes (id, owner, body) VALUES (3, 'bob', 'more secrets')");
		sql("UPDATE notes SET body = 'edited' WHERE id = 2");
		sql("DELETE FROM notes WHERE id = 3");
		sql("INSERT INTO lists (id, owner, name) VALUES (4, 'carol', 'private')");
		sql("INSERT INTO list_members (list_id, user_name) VALUES (3, 'dave')");
		sql("UPDATE lists SET name = 'renamed' WHERE id = 2");
		sql("INSERT INTO scratch (id, owner) VALUES (1, 'alice')");
		this.plasma.sequencer.flush();
		long before = alice.cookie.version();

		PullResult result = alice.pull();

		assertThat(result.reset()).isFalse();
		assertThat(result.patch()).isEmpty();
		assertThat(result.version()).isGreaterThan(before);
		assertThat(alice.keysSeen).doesNotContain("todos/bobs-new", "todos/t2", "todos/t3", "notes/2", "notes/3",
				"lists/4", "list_members/3/dave", "lists/2", "scratch/1");
		assertThat(alice.rows).isEqualTo(expectedView("alice"));
	}

	@Test
	void incrementalPullsDeliverWritesToReadableRowsAndRowsWithoutRules() {
		Client bob = synced("bob");
		sql("INSERT INTO todos (id, list_id, text) VALUES ('t4', 1, 'eggs')");
		sql("UPDATE todos SET text = 'oat milk' WHERE id = 't1'");
		sql("DELETE FROM todos WHERE id = 't2'");
		sql("UPDATE settings SET v = 'changed' WHERE id = 1");
		this.plasma.sequencer.flush();

		PullResult result = bob.pull();

		assertThat(result.reset()).isFalse();
		assertThat(result.patch()).extracting(PatchOperation::op, PatchOperation::key)
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("put", "todos/t4"),
					org.assertj.core.groups.Tuple.tuple("put", "todos/t1"),
					org.assertj.core.groups.Tuple.tuple("del", "todos/t2"),
					org.assertj.core.groups.Tuple.tuple("put", "settings/1"));
		assertThat(bob.rows).isEqualTo(expectedView("bob"));
	}

	@Test
	void anOwnerChangeDeletesTheRowForTheOldOwnerAndPutsItForTheNewOne() {
		Client alice = synced("alice");
		Client bob = synced("bob");
		Client carol = synced("carol");
		sql("UPDATE notes SET owner = 'bob' WHERE id = 1");
		this.plasma.sequencer.flush();

		assertThat(alice.pull().patch()).containsExactly(PatchOperation.del("notes/1"));
		assertThat(bob.pull().patch()).extracting(PatchOperation::op, PatchOperation::key)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("put", "notes/1"));
		assertThat(carol.pull().patch()).isEmpty();
		assertThat(alice.rows).isEqualTo(expectedView("alice"));
		assertThat(bob.rows).isEqualTo(expectedView("bob"));
	}

	@Test
	void aRowMovedToAnotherListByRawSqlMovesFromTheOldListsUsersToTheNewOnes() {
		Client alice = synced("alice");
		Client bob = synced("bob");
		Client carol = synced("carol");
		sql("UPDATE todos SET list_id = 1 WHERE id = 't3'");
		sql("UPDATE todos SET list_id = 3 WHERE id = 't2'");
		this.plasma.sequencer.flush();

		assertThat(alice.pull().patch()).extracting(PatchOperation::op, PatchOperation::key)
			.containsExactly(org.assertj.core.groups.Tuple.tuple("put", "todos/t3"));
		assertThat(bob.pull().patch()).extracting(PatchOperation::op, PatchOperation::key)
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("put", "todos/t3"),
					org.assertj.core.groups.Tuple.tuple("del", "todos/t2"));
		assertThat(carol.pull().patch()).extracting(PatchOperation::op, PatchOperation::key)
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("del", "todos/t3"),
					org.assertj.core.groups.Tuple.tuple("put", "todos/t2"));
		for (Client client : List.of(alice, bob, carol)) {
			assertThat(client.rows).isEqualTo(expectedView(client.user));
		}
	}

	@Test
	void aRowWhoseKeyChangesWhileMovingAwayIsDeletedWithoutRevealingItsNewKey() {
		Client alice = synced("alice");
		sql("UPDATE todos SET id = 't1-moved', list_id = 2 WHERE id = 't1'");
		this.plasma.sequencer.flush();

		assertThat(alice.pull().patch()).containsExactly(PatchOperation.del("todos/t1"));
		assertThat(alice.keysSeen).doesNotContain("todos/t1-moved");
		assertThat(alice.rows).isEqualTo(expectedView("alice"));
	}

	@Test
	void removingAMembershipResetsTheUserToExactlyTheNewView() {
		Client bob = synced("bob");
		sql("DELETE FROM list_members WHERE list_id = 1 AND user_name = 'bob'");
		this.plasma.sequencer.flush();

		PullResult result = bob.pull();

		assertThat(result.reset()).isTrue();
		assertThat(bob.rows).isEqualTo(expectedView("bob")).doesNotContainKeys("lists/1", "todos/t1");
		assertThat(bob.pull().patch()).isEmpty();
	}

	@Test
	void addingAMembershipResetsTheUserToExactlyTheNewView() {
		Client carol = synced("carol");
		sql("INSERT INTO list_members (list_id, user_name) VALUES (2, 'carol')");
		this.plasma.sequencer.flush();

		PullResult result = carol.pull();

		assertThat(result.reset()).isTrue();
		assertThat(carol.rows).isEqualTo(expectedView("carol")).containsKeys("lists/2", "todos/t2", "list_members/2/carol");
	}

	@Test
	void aGrantChangeNotYetSequencedAnswersTheSameCookieUntilTheHeadMovesThenResets() {
		Client bob = synced("bob");
		Cookie.Position before = bob.cookie;
		sql("DELETE FROM list_members WHERE list_id = 1 AND user_name = 'bob'");

		PullResult unchanged = bob.pull();

		assertThat(unchanged.patch()).isEmpty();
		assertThat(unchanged.cookie()).isEqualTo(before);
		this.plasma.sequencer.flush();
		PullResult reset = bob.pull();
		assertThat(reset.reset()).isTrue();
		assertThat(reset.version()).isGreaterThan(before.version());
		assertThat(bob.rows).isEqualTo(expectedView("bob"));
	}

	@Test
	void aCookieOfAnotherUserOrWithoutGrantsGetsAResetOnceTheHeadMoves() {
		Client alice = synced("alice");
		Client thief = new Client("bob");
		thief.cookie = alice.cookie;
		Client legacy = new Client("alice");
		legacy.cookie = new Cookie.Position(alice.cookie.version(), null);
		sql("UPDATE settings SET v = 'moved' WHERE id = 1");
		this.plasma.sequencer.flush();

		assertThat(thief.pull().reset()).isTrue();
		assertThat(thief.rows).isEqualTo(expectedView("bob"));
		assertThat(legacy.pull().reset()).isTrue();
		assertThat(legacy.rows).isEqualTo(expectedView("alice"));
	}

	@Test
	void twoTabsPullingConcurrentlyWithTheSameCookieBothGetTheCorrectPatch() throws Exception {
		Client bob = synced("bob");
		sql("INSERT INTO todos (id, list_id, text) VALUES ('t5', 1, 'bread')");
		sql("UPDATE todos SET list_id = 3 WHERE id = 't2'");
		sql("UPDATE notes SET owner = 'carol' WHERE id = 2");
		sql("INSERT INTO todos (id, list_id, text) VALUES ('t6', 3, 'hidden')");
		this.plasma.sequencer.flush();
		Map<String, String> expected = expectedView("bob");
		ExecutorService tabs = Executors.newFixedThreadPool(2);
		try {
			for (int round = 0; round < 10; round++) {
				CountDownLatch start = new CountDownLatch(1);
				List<Future<PullResult>> results = new ArrayList<>();
				for (int tab = 0; tab < 2; tab++) {
					results.add(tabs.submit(() -> {
						start.await();
						return this.pull.pull("group-bob", "bob", bob.cookie);
					}));
				}
				start.countDown();
				for (Future<PullResult> result : results) {
					assertThat(apply(new TreeMap<>(bob.rows), result.get())).isEqualTo(expected);
					assertThat(result.get().patch()).extracting(PatchOperation::key).doesNotContain("todos/t6");
				}
			}
		}
		finally {
			tabs.shutdownNow();
		}
	}

	@Test
	void pagedPullsWithRulesConvergeOnExactlyTheReadableRows() {
		PullProcessor paged = pullProcessor(3);
		Map<String, Client> clients = new HashMap<>();
		USERS.forEach((user) -> clients.put(user, new Client(user).catchUp(paged)));
		for (int i = 0; i < 20; i++) {
			sql("INSERT INTO todos (id, list_id, text) VALUES (?, ?, 'x')", "p" + i, 1 + i % 3);
			if (i % 4 == 0) {
				sql("UPDATE todos SET list_id = ? WHERE id = ?", 1 + (i + 1) % 3, "p" + i);
			}
		}
		sql("UPDATE notes SET owner = 'dave' WHERE id = 1");
		this.plasma.sequencer.flush();

		for (Client client : clients.values()) {
			int pages = 0;
			do {
				client.pull(paged);
				pages++;
			}
			while (client.last.hasMore());
			assertThat(pages).as(client.user).isGreaterThan(1);
			assertThat(client.rows).as(client.user).isEqualTo(expectedView(client.user));
		}
		assertThat(clients.get("dave").keysSeen).noneMatch((key) -> key.startsWith("todos/"));
	}

	@Test
	void compactionWithRulesKeepsClientsAboveTheFloorCorrectAndResetsThoseBelowToTheirReadableRows() {
		Client alice = synced("alice");
		Client bob = synced("bob");
		sql("UPDATE todos SET list_id = 1 WHERE id = 't2'");
		sql("UPDATE todos SET text = 'again' WHERE id = 't2'");
		sql("INSERT INTO todos (id, list_id, text) VALUES ('t7', 2, 'short-lived')");
		sql("DELETE FROM todos WHERE id = 't7'");
		this.plasma.sequencer.flush();
		long head = this.plasma.jdbc.queryForObject("SELECT head FROM _plasma_sequencer", Long.class);
		bob.catchUp(this.pull);
		sql("UPDATE todos SET list_id = 2 WHERE id = 't2'");
		sql("UPDATE notes SET owner = 'alice' WHERE id = 2");
		this.plasma.sequencer.flush();

		new ChangeLogCompactor(this.dataSource, this.plasma.dialect, 100, List.of()).compactChangeLog(head);

		assertThat(alice.pull().reset()).isTrue();
		assertThat(alice.rows).isEqualTo(expectedView("alice"));
		assertThat(bob.pull().reset()).isFalse();
		assertThat(bob.rows).isEqualTo(expectedView("bob"));
		Client fresh = new Client("bob").catchUp(this.pull);
		assertThat(fresh.rows).isEqualTo(expectedView("bob"));
	}

	@Test
	void randomWritesByRawSqlKeepEveryUsersIncrementalViewExact() {
		PullProcessor paged = pullProcessor(7);
		Map<String, Client> clients = new HashMap<>();
		USERS.forEach((user) -> clients.put(user, new Client(user).catchUp(paged)));
		Random random = new Random(42);
		for (int round = 0; round < 12; round++) {
			for (int op = 0; op < 15; op++) {
				randomWrite(random, round * 100 + op);
			}
			this.plasma.sequencer.flush();
			for (Client client : clients.values()) {
				client.catchUp(paged);
				assertThat(client.rows).as(client.user + " in round " + round).isEqualTo(expectedView(client.user));
			}
		}
	}

	private void randomWrite(Random random, int n) {
		String user = USERS.get(random.nextInt(USERS.size()));
		int list = 1 + random.nextInt(4);
		switch (random.nextInt(8)) {
			case 0 -> sql("INSERT INTO todos (id, list_id, text) VALUES (?, ?, 'r')", "r" + n, list);
			case 1 -> sql("UPDATE todos SET list_id = ? WHERE id IN (SELECT id FROM (SELECT MIN(id) AS id FROM todos "
					+ "WHERE list_id <> ?) m)", list, list);
			case 2 -> sql("DELETE FROM todos WHERE id IN (SELECT id FROM (SELECT MAX(id) AS id FROM todos) m)");
			case 3 -> sql("UPDATE notes SET owner = ? WHERE id = ?", user, 1 + random.nextInt(2));
			case 4 -> sql("DELETE FROM list_members WHERE list_id = ? AND user_name = ?", list, user);
			case 5 -> {
				if (this.plasma.jdbc.queryForObject("SELECT COUNT(*) FROM list_members WHERE list_id = ? AND user_name = ?",
						Integer.class, list, user) == 0) {
					sql("INSERT INTO list_members (list_id, user_name) VALUES (?, ?)", list, user);
				}
			}
			case 6 -> {
				if (this.plasma.jdbc.queryForObject("SELECT COUNT(*) FROM lists WHERE id = 4", Integer.class) == 0) {
					sql("INSERT INTO lists (id, owner, name) VALUES (4, ?, 'fourth')", user);
				}
				else {
					sql("UPDATE lists SET owner = ? WHERE id = 4", user);
				}
			}
			default -> sql("UPDATE todos SET text = ? WHERE list_id = ?", "edit" + n, list);
		}
	}

	@Test
	void aRuleNamingAnUndeclaredGrantStopsTheStart() {
		assertThatExceptionOfType(PlasmaConfigurationException.class)
			.isThrownBy(() -> resolve(List.of(rule("todos", "list_id", "teams")), grantSources()))
			.withMessageContaining("plasma.tables.todos.read.grant names grant 'teams'");
	}

	@Test
	void aGrantSourceThatIsNotASyncedTableStopsTheStart() {
		assertThatExceptionOfType(PlasmaConfigurationException.class)
			.isThrownBy(() -> resolve(List.of(rule("todos", "list_id", "lists")),
					List.of(new GrantSourceDeclaration("lists", "scratch", "id", "owner"))))
			.withMessageContaining("plasma.access.grants.lists reads table 'scratch', which must be a synced table");
		assertThatExceptionOfType(PlasmaConfigurationException.class)
			.isThrownBy(() -> resolve(List.of(rule("todos", "list_id", "lists")),
					List.of(new GrantSourceDeclaration("lists", "teams", "id", "owner"))))
			.withMessageContaining("reads table 'teams', which must be a synced table");
	}

	@Test
	void aGrantSourceColumnThatDoesNotExistStopsTheStart() {
		assertThatExceptionOfType(PlasmaConfigurationException.class)
			.isThrownBy(() -> resolve(List.of(rule("todos", "list_id", "lists")),
					List.of(new GrantSourceDeclaration("lists", "lists", "id", "owner; DROP TABLE lists"))))
			.withMessageContaining("plasma.access.grants.lists.user-column names column 'owner; DROP TABLE lists'");
	}

	@Test
	void aRuleThatIsNeitherAGrantRuleNorAnOwnerRuleOrSitsOnASuppressedTableStopsTheStart() {
		assertThatExceptionOfType(PlasmaConfigurationException.class)
			.isThrownBy(() -> resolve(List.of(new ReadRuleDeclaration("todos", "list_id", "lists", "owner")), grantSources()))
			.withMessageContaining("must set either 'column' and 'grant'");
		assertThatExceptionOfType(PlasmaConfigurationException.class)
			.isThrownBy(() -> resolve(List.of(new ReadRuleDeclaration("todos", "list_id", null, null)), grantSources()))
			.withMessageContaining("must set either 'column' and 'grant'");
		assertThatExceptionOfType(PlasmaConfigurationException.class)
			.isThrownBy(() -> resolve(List.of(new ReadRuleDeclaration("scratch", null, null, "owner")), grantSources()))
			.withMessageContaining("plasma.tables.scratch.read is declared on a table that is change-log suppressed");
	}

	@Test
	void aRuleColumnThatDoesNotExistStopsTheStart() {
		assertThatExceptionOfType(PlasmaConfigurationException.class)
			.isThrownBy(() -> this.plasma.install(new TableDeclaration("todos", false, "team_id")))
			.withMessageContaining("the read rule of table 'todos' names column 'team_id'");
	}

	@Test
	void anApplicationGrantResolverServesARuleBeyondTheDeclarativeForms() {
		GrantResolver everyOddList = new GrantResolver() {

			@Override
			public String grant() {
				return "odd";
			}

			@Override
			public java.util.Collection<String> resolve(java.sql.Connection connection, String userName) {
				return userName.equals("dave") ? List.of("1", "3") : List.of();
			}

		};
		this.rules = new ReadRulesResolver(this.plasma.dialect).resolve(this.tables,
				List.of(rule("todos", "list_id", "odd")), List.of(), List.of(everyOddList));
		this.pull = pullProcessor(1000);

		Client dave = new Client("dave").catchUp(this.pull);

		assertThat(dave.rows.keySet()).filteredOn((key) -> key.startsWith("todos/")).containsExactlyInAnyOrder("todos/t1",
				"todos/t3");
		assertThat(dave.rows).containsKeys("lists/2", "notes/1", "notes/2");
	}

}

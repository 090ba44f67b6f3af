package dev.plasma.bench.access;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plasma.bench.BenchSupport;
import dev.plasma.access.GrantSourceDeclaration;
import dev.plasma.access.ReadRuleDeclaration;
import dev.plasma.access.ReadRules;
import dev.plasma.access.ReadRulesResolver;
import dev.plasma.capture.CaptureInstaller;
import dev.plasma.changelog.ChangeLog;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.dialect.PlasmaDialects;
import dev.plasma.schema.PlasmaSchemaInitializer;
import dev.plasma.schema.SyncedTables;
import dev.plasma.schema.TableDeclaration;
import dev.plasma.sequencer.Sequencer;
import dev.plasma.sync.Cookie;
import dev.plasma.sync.PatchSink;
import dev.plasma.sync.PullHeader;
import dev.plasma.sync.PullProcessor;
import dev.plasma.sync.SyncObserver;

/**
 * Pulls with read rules on PostgreSQL (issue 10): {@code java -jar plasma-bench.jar read-rules}.
 * <p>
 * Set-up: tables {@code lists} (one per user, owned by it), {@code list_members} and {@code todos}
 * ({@code --rows} rows spread evenly over the {@code --users} lists), with the rules of the documentation
 * ({@code todos}, {@code lists}, {@code list_members} readable through the grant {@code lists}: lists the
 * user owns or is a member of) and indexes on {@code lists(owner)}, {@code list_members(user_name)},
 * {@code todos(list_id)}. Plasma is installed on the empty tables, then the rows are bulk-loaded with
 * {@code generate_series} in a session that skips triggers ({@code session_replication_role = replica}): a
 * full state reads the tables, not the change log. Then one statement updates every hundredth todo
 * (captured, sequenced), so that the change log holds entries of every user.
 * <p>
 * Measured, in process through {@link PullProcessor} (no HTTP):
 * <ul>
 * <li>full state: {@code --full-pulls} pulls without a cookie, each for a random user, one at a time;
 * p50/p99 latency. Target: p99 at most 20 ms.</li>
 * <li>incremental: {@code --threads} threads pull for random users (of the first 1,000) from a cookie {@code --window}
 * entries below the head (and, separately, from the head itself), with rules and without (a processor
 * without rules, which delivers every entry of the window), in alternating slots of one second for
 * {@code --seconds} seconds per scenario, which cancels most of a shared machine's drift. Reported:
 * pulls per second and the ratio with/without rules. Target: at least 0.7x.</li>
 * </ul>
 * Exit status 0 when every target is met, 1 when one is missed, 2 on a usage error or a failed run, 3 when
 * the run overran its time budget (110 s). The database {@code plasma_bench_rules} (or {@code --db-name}) is
 * created if missing and its {@code public} schema reset.
 */
public final class ReadRulesBenchmark {

	/** The command that selects this benchmark. */
	public static final String COMMAND = "read-rules";

	static final double FULL_STATE_P99_TARGET_MS = 20;

	static final double RATIO_TARGET = 0.7;

	private static final int INCREMENTAL_USERS = 1000;

	private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

	private static final String USER = "postgres";

	private static final String USAGE = """
			usage: plasma-bench read-rules [--db postgresql] [--db-name plasma_bench_rules] [--rows 1000000]
			         [--users 10000] [--full-pulls 2000] [--window 100] [--threads 2] [--seconds 10]
			""";

	private static final String SCHEMA = """
			CREATE TABLE lists (id INT PRIMARY KEY, owner VARCHAR(64) NOT NULL, name VARCHAR(100));
			CREATE TABLE list_members (list_id INT NOT NULL, user_name VARCHAR(64) NOT NULL,
			  PRIMARY KEY (list_id, user_name));
			CREATE TABLE todos (id BIGINT PRIMARY KEY, list_id INT NOT NULL, text VARCHAR(200) NOT NULL,
			  done BOOLEAN NOT NULL);
			CREATE INDEX ix_lists_owner ON lists (owner);
			CREATE INDEX ix_list_members_user ON list_members (user_name);
			CREATE INDEX ix_todos_list ON todos (list_id)""";

	private static final String LOAD = """
			SET session_replication_role = replica;
			INSERT INTO lists (id, owner, name) SELECT i, 'u' || i, 'list ' || i FROM generate_series(0, %1$d - 1) i;
			INSERT INTO list_members (list_id, user_name) SELECT i, 'u' || ((i + 1) %% %1$d)
			  FROM generate_series(0, %1$d - 1, 100) i;
			INSERT INTO todos (id, list_id, text, done)
			  SELECT i, i %% %1$d, 'todo number ' || i, i %% 3 = 0 FROM generate_series(0, %2$d - 1) i;
			SET session_replication_role = origin""";

	private final String databaseName;

	private final int rows;

	private final int users;

	private final int fullPulls;

	private final int window;

	private final int threads;

	private final int seconds;

	private ReadRulesBenchmark(String databaseName, int rows, int users, int fullPulls, int window, int threads,
			int seconds) {
		this.databaseName = databaseName;
		this.rows = rows;
		this.users = users;
		this.fullPulls = fullPulls;
		this.window = window;
		this.threads = threads;
		this.seconds = seconds;
	}

	/**
	 * Runs the benchmark.
	 * @param args the options after the command
	 * @return the exit status
	 */
	public static int run(String[] args) {
		return BenchSupport.run(args, ReadRulesBenchmark::parse, USAGE, (benchmark) -> 110,
				ReadRulesBenchmark::measure);
	}

	static ReadRulesBenchmark parse(String[] args) {
		String databaseName = "plasma_bench_rules";
		int rows = 1_000_000;
		int users = 10_000;
		int fullPulls = 2000;
		int window = 100;
		int threads = 2;
		int seconds = 10;
		for (java.util.Map.Entry<String, String> option : BenchSupport.options(args).entrySet()) {
			String name = option.getKey();
			String value = option.getValue();
			switch (name) {
				case "--db" -> {
					if (!value.toLowerCase(Locale.ROOT).equals("postgresql")) {
						throw new IllegalArgumentException("the read-rules benchmark runs on postgresql only");
					}
				}
				case "--db-name" -> {
					if (!value.matches("[a-z_][a-z0-9_]*")) {
						throw new IllegalArgumentException("--db-name must be a plain lower-case identifier");
					}
					databaseName = value;
				}
				case "--rows" -> rows = BenchSupport.wholeNumber(name, value, 1, 10_000_000);
				case "--users" -> users = BenchSupport.wholeNumber(name, value, 1, 1_000_000);
				case "--full-pulls" -> fullPulls = BenchSupport.wholeNumber(name, value, 1, 100_000);
				case "--window" -> window = BenchSupport.wholeNumber(name, value, 1, 10_000);
				case "--threads" -> threads = BenchSupport.wholeNumber(name, value, 1, 64);
				case "--seconds" -> seconds = BenchSupport.wholeNumber(name, value, 1, 30);
				default -> throw new IllegalArgumentException("unknown option " + name);
			}
		}
		if (rows < users * 100 / 100 || users < 2) {
			throw new IllegalArgumentException("--rows must be at least --users, and --users at least 2");
		}
		return new ReadRulesBenchmark(databaseName, rows, users, fullPulls, window, threads, seconds);
	}

	private boolean measure() throws Exception {
		String url = BenchSupport.freshPostgresDatabase(SERVER, USER, this.databaseName);
		try (HikariDataSource dataSource = BenchSupport.pool("plasma-bench-rules", url, USER, this.threads + 2)) {
			PlasmaDialect dialect = PlasmaDialects.detect(dataSource);
			new PlasmaSchemaInitializer(dataSource).initialize();
			execute(dataSource, SCHEMA);
			SyncedTables tables = new SyncedTables(new CaptureInstaller(dataSource, dialect,
					List.of(new TableDeclaration("lists", false, "id"), new TableDeclaration("list_members", false, "list_id"),
							new TableDeclaration("todos", false, "list_id")))
				.install());
			long loadStarted = System.nanoTime();
			execute(dataSource, LOAD.formatted(this.users, this.rows));
			execute(dataSource, "VACUUM ANALYZE lists; VACUUM ANALYZE list_members; VACUUM ANALYZE todos");
			System.out.printf(Locale.ROOT, "loaded %,d todos over %,d users in %.1f s%n", this.rows, this.users,
					seconds(loadStarted));
			Sequencer sequencer = new Sequencer(dataSource, dialect, 1000, List.of());
			execute(dataSource, "UPDATE todos SET done = NOT done WHERE id % 100 = 7");
			sequencer.flush();
			ReadRules rules = new ReadRulesResolver(dialect).resolve(tables,
					List.of(new ReadRuleDeclaration("lists", "id", "lists", null),
							new ReadRuleDeclaration("list_members", "list_id", "lists", null),
							new ReadRuleDeclaration("todos", "list_id", "lists", null)),
					List.of(new GrantSourceDeclaration("lists", "lists", "id", "owner"),
							new GrantSourceDeclaration("lists", "list_members", "list_id", "user_name")),
					List.of());
			ChangeLog changeLog = new ChangeLog(dataSource, dialect);
			TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
			PullProcessor withRules = new PullProcessor(dataSource, dialect, changeLog, tables, rules, transactions, 10_000,
					4L * 1024 * 1024, SyncObserver.NONE);
			PullProcessor withoutRules = new PullProcessor(dataSource, dialect, changeLog, tables, transactions, 10_000,
					4L * 1024 * 1024, SyncObserver.NONE);
			long head = withRules.pull("probe", "u0", null).version();
			boolean fullOk = fullStates(withRules);
			String[] grants = fingerprints(dataSource, rules);
			boolean windowOk = incremental(withRules, withoutRules, head - this.window, grants, "window of " + this.window);
			boolean headOk = incremental(withRules, withoutRules, head, grants, "at the head");
			return fullOk && windowOk && headOk;
		}
	}

	private boolean fullStates(PullProcessor pull) {
		long[] nanos = new long[this.fullPulls];
		for (int i = -200; i < this.fullPulls; i++) {
			String user = "u" + ThreadLocalRandom.current().nextInt(this.users);
			long started = System.nanoTime();
			pull.pull("g-" + user, user, null, new CountingSink());
			long took = System.nanoTime() - started;
			if (i >= 0) {
				nanos[i] = took;
			}
		}
		Arrays.sort(nanos);
		double p50 = nanos[nanos.length / 2] / 1e6;
		double p99 = nanos[(int) Math.ceil(nanos.length * 0.99) - 1] / 1e6;
		long probe = countRows(pull, "u2");
		boolean ok = p99 <= FULL_STATE_P99_TARGET_MS;
		System.out.printf(Locale.ROOT, "full state: %d pulls, %d rows each (user u2), p50 %.2f ms, p99 %.2f ms "
				+ "(target <= %.0f ms): %s%n", this.fullPulls, probe, p50, p99, FULL_STATE_P99_TARGET_MS, ok ? "met" : "MISSED");
		return ok;
	}

	private static long countRows(PullProcessor pull, String user) {
		CountingSink sink = new CountingSink();
		pull.pull("g-" + user, user, null, sink);
		return sink.puts;
	}

	private boolean incremental(PullProcessor withRules, PullProcessor withoutRules, long cookieVersion,
			String[] grants, String label) throws InterruptedException {
		long[] pulls = new long[2];
		long[] nanos = new long[2];
		long[] operations = new long[2];
		long slotNanos = 1_000_000_000L;
		int slots = 2 * this.seconds;
		for (int slot = 0; slot < slots + 2; slot++) {
			int mode = slot % 2;
			PullProcessor processor = (mode == 0) ? withRules : withoutRules;
			AtomicBoolean stop = new AtomicBoolean();
			AtomicLong count = new AtomicLong();
			AtomicLong ops = new AtomicLong();
			List<Thread> workers = new ArrayList<>();
			for (int t = 0; t < this.threads; t++) {
				Thread worker = new Thread(() -> {
					while (!stop.get()) {
						int u = ThreadLocalRandom.current().nextInt(grants.length);
						String user = "u" + u;
						String g = (mode == 0) ? grants[u] : null;
						CountingSink sink = new CountingSink();
						processor.pull("g-" + user, user, new Cookie.Position(cookieVersion, g), sink);
						if (sink.reset) {
							throw new IllegalStateException("unexpected reset for " + user);
						}
						count.incrementAndGet();
						ops.addAndGet(sink.puts);
					}
				}, "bench-pull-" + t);
				workers.add(worker);
			}
			long started = System.nanoTime();
			workers.forEach(Thread::start);
			Thread.sleep(slotNanos / 1_000_000);
			stop.set(true);
			for (Thread worker : workers) {
				worker.join();
			}
			if (slot >= 2) {
				pulls[mode] += count.get();
				nanos[mode] += System.nanoTime() - started;
				operations[mode] += ops.get();
			}
		}
		double with = pulls[0] / (nanos[0] / 1e9);
		double without = pulls[1] / (nanos[1] / 1e9);
		double ratio = with / without;
		boolean ok = ratio >= RATIO_TARGET;
		System.out.printf(Locale.ROOT, "incremental, %s: with rules %.0f pulls/s (%.1f puts per pull), without %.0f pulls/s "
				+ "(%.1f puts per pull), ratio %.2f (target >= %.1f): %s%n", label, with,
				operations[0] / (double) Math.max(1, pulls[0]), without, operations[1] / (double) Math.max(1, pulls[1]), ratio,
				RATIO_TARGET, ok ? "met" : "MISSED");
		return ok;
	}

	/**
	 * Returns the grants fingerprints of the first {@value #INCREMENTAL_USERS} users, as the cookies of their
	 * earlier pulls carry them; the incremental pulls run for these users.
	 */
	private String[] fingerprints(HikariDataSource dataSource, ReadRules rules) throws SQLException {
		String[] grants = new String[Math.min(this.users, INCREMENTAL_USERS)];
		try (Connection connection = dataSource.getConnection()) {
			for (int u = 0; u < grants.length; u++) {
				grants[u] = rules.view(connection, "u" + u).fingerprint();
			}
		}
		return grants;
	}

	private static final class CountingSink implements PatchSink {

		long puts;

		boolean reset;

		@Override
		public void begin(PullHeader header) {
			this.reset = header.reset();
		}

		@Override
		public void operation(String op, String key, String value) {
			if (!"clear".equals(op)) {
				this.puts++;
			}
		}

	}

	private static void execute(HikariDataSource dataSource, String statements) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			for (String sql : statements.split(";")) {
				if (!sql.isBlank()) {
					statement.execute(sql);
				}
			}
		}
	}

	private static double seconds(long startedNanos) {
		return (System.nanoTime() - startedNanos) / 1e9;
	}

}

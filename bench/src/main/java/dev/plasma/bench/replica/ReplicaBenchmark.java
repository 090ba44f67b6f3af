package dev.plasma.bench.replica;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plasma.access.ReadRules;
import dev.plasma.bench.BenchSupport;
import dev.plasma.capture.CaptureInstaller;
import dev.plasma.changelog.ChangeLog;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.dialect.PlasmaDialects;
import dev.plasma.ledger.MutationLedger;
import dev.plasma.replica.ReadReplica;
import dev.plasma.replica.ReplicaListener;
import dev.plasma.replica.ReplicaPullRouter;
import dev.plasma.schema.PlasmaSchemaInitializer;
import dev.plasma.schema.SyncedTables;
import dev.plasma.schema.TableDeclaration;
import dev.plasma.sequencer.Sequencer;
import dev.plasma.sync.Cookie;
import dev.plasma.sync.PatchSink;
import dev.plasma.sync.PullHeader;
import dev.plasma.sync.PullProcessor;
import dev.plasma.sync.PullSourceChooser;
import dev.plasma.sync.SyncObserver;

/**
 * Pull throughput from the primary alone against primary plus one read replica (issue 13):
 * {@code java -jar plasma-bench.jar replica}. Needs the local streaming replica of {@code .ci/replica.sh}
 * (PostgreSQL on 127.0.0.1:5433 replicating 127.0.0.1:5432).
 * <p>
 * Set-up: a table {@code items} with {@code --rows} rows written through Plasma's capture triggers and
 * sequenced, then every tenth row updated, so the change log holds entries everywhere; the run waits until
 * the replica has replayed all of it. Measured, in process through {@link PullProcessor} (no HTTP):
 * {@code --threads} threads pull for random client groups (that never pushed) from a cookie {@code --window}
 * entries below the head, with a processor reading the primary only and one routing to the replica
 * ({@link ReplicaPullRouter}: one lookup of the group's confirmations on the primary, the pull itself on
 * the replica), in alternating one-second slots for {@code --seconds} seconds each. Reported: pulls per
 * second of each, their ratio, and the share the replica answered. There is no target: on one machine
 * both servers share the same cores, so a replica cannot add capacity here; the figure shows what the
 * routing costs, and the run proves the replica answers.
 * <p>
 * Exit status 0 after a run whose routed pulls were answered by the replica, 1 otherwise, 2 on a usage
 * error or a failed run, 3 when the run overran its time budget (100 s). The database
 * {@code plasma_bench_replica} (or {@code --db-name}) is created on the primary if missing and its
 * {@code public} schema reset; the replica follows.
 */
public final class ReplicaBenchmark {

	/** The command that selects this benchmark. */
	public static final String COMMAND = "replica";

	private static final String PRIMARY = "jdbc:postgresql://127.0.0.1:5432/";

	private static final String REPLICA = "jdbc:postgresql://127.0.0.1:5433/";

	private static final String USER = "postgres";

	private static final String USAGE = """
			usage: plasma-bench replica [--db-name plasma_bench_replica] [--rows 20000] [--window 100]
			         [--threads 4] [--seconds 5]
			""";

	private final String databaseName;

	private final int rows;

	private final int window;

	private final int threads;

	private final int seconds;

	private ReplicaBenchmark(String databaseName, int rows, int window, int threads, int seconds) {
		this.databaseName = databaseName;
		this.rows = rows;
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
		return BenchSupport.run(args, ReplicaBenchmark::parse, USAGE, (benchmark) -> 100, ReplicaBenchmark::measure);
	}

	static ReplicaBenchmark parse(String[] args) {
		String databaseName = "plasma_bench_replica";
		int rows = 20_000;
		int window = 100;
		int threads = 4;
		int seconds = 5;
		for (Map.Entry<String, String> option : BenchSupport.options(args).entrySet()) {
			String name = option.getKey();
			String value = option.getValue();
			switch (name) {
				case "--db-name" -> {
					if (!value.matches("[a-z_][a-z0-9_]*")) {
						throw new IllegalArgumentException("--db-name must be a plain lower-case identifier");
					}
					databaseName = value;
				}
				case "--rows" -> rows = BenchSupport.wholeNumber(name, value, 100, 1_000_000);
				case "--window" -> window = BenchSupport.wholeNumber(name, value, 1, 10_000);
				case "--threads" -> threads = BenchSupport.wholeNumber(name, value, 1, 64);
				case "--seconds" -> seconds = BenchSupport.wholeNumber(name, value, 1, 30);
				default -> throw new IllegalArgumentException("unknown option " + name);
			}
		}
		if (window >= rows) {
			throw new IllegalArgumentException("--window must be below --rows");
		}
		return new ReplicaBenchmark(databaseName, rows, window, threads, seconds);
	}

	private boolean measure() throws Exception {
		String url = BenchSupport.freshPostgresDatabase(PRIMARY, USER, this.databaseName);
		try (HikariDataSource primary = BenchSupport.pool("plasma-bench-primary", url, USER, this.threads + 2);
				ReadReplica replica = new ReadReplica(
						BenchSupport.pool("plasma-bench-replica", REPLICA + this.databaseName, USER, this.threads),
						PlasmaDialects.detect(primary))) {
			PlasmaDialect dialect = PlasmaDialects.detect(primary);
			new PlasmaSchemaInitializer(primary).initialize();
			execute(primary, "CREATE TABLE items (id BIGINT PRIMARY KEY, text VARCHAR(200) NOT NULL)");
			SyncedTables tables = new SyncedTables(
					new CaptureInstaller(primary, dialect, List.of(new TableDeclaration("items", false))).install());
			Sequencer sequencer = new Sequencer(primary, dialect, 1000, List.of());
			execute(primary, "INSERT INTO items (id, text) SELECT i, 'item ' || i FROM generate_series(0, " + (this.rows - 1)
					+ ") i");
			execute(primary, "UPDATE items SET text = text || ' (updated)' WHERE id % 10 = 3");
			long head = sequencer.flush();
			waitForReplica();
			ChangeLog changeLog = new ChangeLog(primary, dialect);
			TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(primary));
			PullProcessor primaryOnly = new PullProcessor(primary, dialect, changeLog, tables, ReadRules.NONE, transactions,
					10_000, 4L * 1024 * 1024, SyncObserver.NONE, PullSourceChooser.PRIMARY_ONLY);
			AtomicLong fromReplica = new AtomicLong();
			AtomicLong fromPrimary = new AtomicLong();
			ReplicaListener counter = new ReplicaListener() {

				@Override
				public void pullServed(boolean replicaAnswered) {
					(replicaAnswered ? fromReplica : fromPrimary).incrementAndGet();
				}

			};
			PullProcessor routed = new PullProcessor(primary, dialect, changeLog, tables, ReadRules.NONE, transactions,
					10_000, 4L * 1024 * 1024, SyncObserver.NONE, new ReplicaPullRouter(replica,
							new MutationLedger(primary, dialect), java.time.Duration.ofSeconds(5), List.of(counter)));
			System.out.printf(Locale.ROOT, "%,d rows, head %d; %d threads pull %d entries each from a cookie %d below the head%n",
					this.rows, head, this.threads, this.window, this.window);
			double[] perSecond = alternate(primaryOnly, routed, head - this.window);
			double share = fromReplica.get() / (double) Math.max(1, fromReplica.get() + fromPrimary.get());
			System.out.printf(Locale.ROOT,
					"primary alone %.0f pulls/s, primary + replica %.0f pulls/s, ratio %.2f; the replica answered %.1f%% "
							+ "of the routed pulls%n",
					perSecond[0], perSecond[1], perSecond[1] / perSecond[0], share * 100);
			System.out.println("(one machine: both servers share its cores, so the replica cannot add capacity here)");
			return share > 0.99;
		}
	}

	/**
	 * Pulls with both processors in alternating one-second slots and returns the pulls per second of each.
	 */
	private double[] alternate(PullProcessor primaryOnly, PullProcessor routed, long cookieVersion)
			throws InterruptedException {
		long[] pulls = new long[2];
		long[] nanos = new long[2];
		for (int slot = 0; slot < 2 * this.seconds + 2; slot++) {
			int mode = slot % 2;
			PullProcessor processor = (mode == 0) ? primaryOnly : routed;
			AtomicBoolean stop = new AtomicBoolean();
			AtomicLong count = new AtomicLong();
			List<Thread> workers = new ArrayList<>();
			for (int t = 0; t < this.threads; t++) {
				workers.add(new Thread(() -> {
					while (!stop.get()) {
						String group = "g" + ThreadLocalRandom.current().nextInt(10_000);
						CountingSink sink = new CountingSink();
						processor.pull(group, ReadRules.ANONYMOUS_USER, new Cookie.Position(cookieVersion, null), sink);
						if (sink.operations == 0) {
							throw new IllegalStateException("a pull from " + cookieVersion + " brought nothing");
						}
						count.incrementAndGet();
					}
				}, "bench-pull-" + t));
			}
			long started = System.nanoTime();
			workers.forEach(Thread::start);
			Thread.sleep(1000);
			stop.set(true);
			for (Thread worker : workers) {
				worker.join();
			}
			if (slot >= 2) {
				pulls[mode] += count.get();
				nanos[mode] += System.nanoTime() - started;
			}
		}
		return new double[] { pulls[0] / (nanos[0] / 1e9), pulls[1] / (nanos[1] / 1e9) };
	}

	private static final class CountingSink implements PatchSink {

		long operations;

		@Override
		public void begin(PullHeader header) {
		}

		@Override
		public void operation(String op, String key, String value) {
			this.operations++;
		}

	}

	/** Waits (at most 30 s) until the replica has replayed everything the primary wrote so far. */
	private static void waitForReplica() throws Exception {
		String lsn;
		try (Connection connection = DriverManager.getConnection(PRIMARY + "postgres", USER, "");
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT pg_current_wal_lsn()")) {
			rs.next();
			lsn = rs.getString(1);
		}
		long deadline = System.nanoTime() + 30_000_000_000L;
		while (true) {
			try (Connection connection = DriverManager.getConnection(REPLICA + "postgres", USER, "");
					Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery("SELECT pg_is_in_recovery() AND pg_last_wal_replay_lsn() >= '" + lsn
							+ "'::pg_lsn")) {
				rs.next();
				if (rs.getBoolean(1)) {
					return;
				}
			}
			catch (SQLException ex) {
				throw new IllegalStateException("no PostgreSQL replica answers on 127.0.0.1:5433: run 'bash .ci/replica.sh' "
						+ "as root first (" + ex.getMessage() + ")", ex);
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("the replica on 127.0.0.1:5433 did not catch up within 30 s");
			}
			Thread.sleep(50);
		}
	}

	private static void execute(HikariDataSource dataSource, String sql) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}

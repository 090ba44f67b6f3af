package dev.plasma.bench.compaction;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import com.zaxxer.hikari.HikariDataSource;

import dev.plasma.bench.BenchSupport;
import dev.plasma.autoconfigure.PlasmaProperties;
import dev.plasma.capture.CaptureInstaller;
import dev.plasma.compaction.ChangeLogCompactor;
import dev.plasma.compaction.CompactionResult;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.dialect.PlasmaDialects;
import dev.plasma.schema.PlasmaSchemaInitializer;
import dev.plasma.schema.TableDeclaration;
import dev.plasma.sequencer.Sequencer;
import dev.plasma.sequencer.SequencerLoop;

/**
 * Change-log compaction on PostgreSQL (issue 4): {@code java -jar plasma-bench.jar compaction}.
 * <p>
 * Each round appends {@code --entries} entries over {@code --rows} rows of a synced table to the change
 * log directly with {@code INSERT ... SELECT generate_series} (consistent with the sequencer's head, not
 * through the triggers): every row gets {@code entries / rows} entries in version order; a tenth of the rows
 * end with a delete (their entries all cancel) and another tenth are deleted and re-created. The
 * {@code --rounds} rounds that decide the verdicts each start from an empty log (a first pass); a last
 * round ({@code --incremental on}) appends to what the rounds before left, so its pass is an incremental
 * one that also removes the entries earlier passes kept and the writers' entries.
 * <p>
 * Then {@code --writers} threads run single-row upsert transactions on the synced table, with the
 * sequencer running, for the whole round, while one compaction pass up to the bulk entries runs
 * ({@link ChangeLogCompactor} with batch size {@code --batch-size} and batch pause {@code --batch-pause-ms},
 * the defaults of {@code plasma.compaction.*}). The pass is held between batches every other slot of
 * {@code --slot-ms}, so writer throughput is measured in alternating slots with and without compaction
 * over the same minutes, which cancels most of the drift of a shared machine. Reported per round: entries
 * removed per second of the pass's active time, and writer throughput in the slots with compaction
 * relative to the slots without; the verdicts use the medians over the rounds. A check verifies what the
 * pass left: one entry per surviving row.
 * <p>
 * Targets: at least 100,000 entries removed per second; writers keep at least 0.8x. Exit status 0 when
 * both are met, 1 when one is missed, 2 on a usage error or a failed run, 3 when the run overran its time
 * budget. The database {@code plasma_bench_compaction} is created if missing and its {@code public} schema
 * reset.
 */
public final class CompactionBenchmark {

	/** The command that selects this benchmark. */
	public static final String COMMAND = "compaction";

	static final double RATE_TARGET = 100_000;

	static final double RATIO_TARGET = 0.8;

	private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

	private static final String DATABASE = "plasma_bench_compaction";

	private static final String USER = "postgres";

	private static final String UPSERT_SQL = """
			INSERT INTO bench_synced (id, payload, counter, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET payload = EXCLUDED.payload, counter = EXCLUDED.counter,
			updated_at = EXCLUDED.updated_at""";

	static final String USAGE = """
			usage: java -jar plasma-bench.jar compaction [--db postgresql] [options]

			Builds a change log of --entries entries over --rows rows, then measures a compaction pass:
			entries removed per second, and writer throughput during it against baselines before and after.

			options:
			  --entries N      change-log entries to compact per round (default 1000000)
			  --rows N         rows of the synced table they cover (default 100000)
			  --writers N      concurrent single-row upsert writers (default 8)
			  --batch-size N   compaction batch size, plasma.compaction.batch-size (default: its default)
			  --batch-pause-ms N  pause between batches, plasma.compaction.batch-pause (default: its default)
			  --slot-ms N      length of the alternating slots with and without compaction (default 1000)
			  --rounds N       rounds of a first pass over a fresh log, for the verdicts (default 2)
			  --incremental on|off  then one more round appending the same entries to what is left, an
			                   incremental pass, reported but not in the verdicts (default on)
			""";

	private final int entries;

	private final int rows;

	private final int writers;

	private final int batchSize;

	private final int slotMillis;

	private final Duration batchPause;

	private final int rounds;

	private final boolean incremental;

	private CompactionBenchmark(int entries, int rows, int writers, int batchSize, Duration batchPause, int slotMillis,
			int rounds, boolean incremental) {
		this.entries = entries;
		this.rows = rows;
		this.writers = writers;
		this.batchSize = batchSize;
		this.slotMillis = slotMillis;
		this.batchPause = batchPause;
		this.rounds = rounds;
		this.incremental = incremental;
	}

	/**
	 * Runs the benchmark from the command line (without the command itself).
	 * @param args the options
	 * @return the exit status
	 */
	public static int run(String[] args) {
		return BenchSupport.run(args, CompactionBenchmark::parse, USAGE, CompactionBenchmark::budgetSeconds,
				CompactionBenchmark::runRounds);
	}

	public static void main(String[] args) {
		System.exit(run(args));
	}

	static CompactionBenchmark parse(String[] args) {
		int entries = 1_000_000;
		int rows = 100_000;
		int writers = 8;
		PlasmaProperties.Compaction defaults = new PlasmaProperties().getCompaction();
		int batchSize = defaults.getBatchSize();
		Duration batchPause = defaults.getBatchPause();
		int slotMillis = 1000;
		int rounds = 2;
		boolean incremental = true;
		List<String> rest = new ArrayList<>(Arrays.asList(args));
		while (!rest.isEmpty()) {
			String name = rest.remove(0);
			if (rest.isEmpty()) {
				throw new IllegalArgumentException("option " + name + " needs a value");
			}
			String value = rest.remove(0);
			switch (name) {
				case "--db" -> {
					if (!value.toLowerCase(Locale.ROOT).equals("postgresql")) {
						throw new IllegalArgumentException("the compaction benchmark runs on postgresql only");
					}
				}
				case "--entries" -> entries = positive(name, value, 10_000_000);
				case "--rows" -> rows = positive(name, value, 1_000_000);
				case "--writers" -> writers = positive(name, value, 64);
				case "--batch-size" -> batchSize = positive(name, value, 1_000_000);
				case "--batch-pause-ms" -> batchPause = Duration.ofMillis(BenchSupport.wholeNumber(name, value, 0, 10_000));
				case "--slot-ms" -> slotMillis = positive(name, value, 10_000);
				case "--rounds" -> rounds = positive(name, value, 5);
				case "--incremental" -> incremental = switch (value) {
					case "on" -> true;
					case "off" -> false;
					default -> throw new IllegalArgumentException("--incremental must be on or off, not '" + value + "'");
				};
				default -> throw new IllegalArgumentException("unknown option " + name);
			}
		}
		if (entries % rows != 0 || entries / rows < 3) {
			throw new IllegalArgumentException("--entries must be a multiple of --rows, at least 3 times as many");
		}
		return new CompactionBenchmark(entries, rows, writers, batchSize, batchPause, slotMillis, rounds, incremental);
	}

	private static int positive(String name, String value, int max) {
		return BenchSupport.wholeNumber(name, value, 1, max);
	}

	/**
	 * Returns the most a run may take: with the defaults 170 s, well above a normal run (about 100 s).
	 */
	private long budgetSeconds() {
		int rounds = this.rounds + (this.incremental ? 1 : 0);
		return 20 + (long) rounds * 50L * Math.max(1, this.entries / 1_000_000);
	}

	private boolean runRounds() throws Exception {
		long started = System.nanoTime();
		System.out.printf("plasma-bench compaction --db postgresql: %,d entries over %,d rows, batch size %,d, batch pause"
				+ " %d ms, %d writers, %d rounds (+%d incremental), slots of %d ms%n", this.entries, this.rows,
				this.batchSize, this.batchPause.toMillis(), this.writers, this.rounds, this.incremental ? 1 : 0,
				this.slotMillis);
		System.out.printf("machine: %d cores, load average %s (1, 5, 15 min)%n", Runtime.getRuntime().availableProcessors(),
				loadAverage());
		String url = BenchSupport.freshPostgresDatabase(SERVER, USER, DATABASE);
		List<Round> results = new ArrayList<>();
		boolean incrementalChecked = true;
		try (HikariDataSource pool = BenchSupport.pool("plasma-bench-compaction", url, USER, this.writers + 4)) {
			new PlasmaSchemaInitializer(pool).initialize();
			PlasmaDialect dialect = PlasmaDialects.detect(pool);
			try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
				statement.execute("CREATE TABLE bench_synced (id INT PRIMARY KEY, payload VARCHAR(200) NOT NULL,"
						+ " counter BIGINT NOT NULL, updated_at BIGINT NOT NULL)");
			}
			new CaptureInstaller(pool, dialect, List.of(new TableDeclaration("bench_synced", false))).install();
			Sequencer sequencer = new Sequencer(pool, dialect, 1000, List.of());
			for (int round = 1; round <= this.rounds; round++) {
				results.add(runRound(round, pool, dialect, sequencer, true));
			}
			if (this.incremental) {
				incrementalChecked = runRound(this.rounds + 1, pool, dialect, sequencer, false).checked();
			}
		}
		double rate = median(results.stream().mapToDouble(Round::rate).toArray());
		double ratio = median(results.stream().mapToDouble(Round::ratio).toArray());
		boolean checked = incrementalChecked && results.stream().allMatch(Round::checked);
		boolean ratePass = rate >= RATE_TARGET;
		boolean ratioPass = ratio >= RATIO_TARGET;
		System.out.println();
		System.out.printf("compaction rate, median:   %,.0f entries removed/s   target >= %,.0f   %s%n", rate, RATE_TARGET,
				ratePass ? "PASS" : "FAIL");
		System.out.printf("writers during compaction: %.2fx of baseline, median   target >= %.2fx   %s%n", ratio,
				RATIO_TARGET, ratioPass ? "PASS" : "FAIL");
		System.out.printf("check (one entry per surviving row after each pass): %s%n", checked ? "PASS" : "FAIL");
		System.out.printf("load average after: %s; total run time %.0f s%n", loadAverage(),
				(System.nanoTime() - started) / 1e9);
		return ratePass && ratioPass && checked;
	}

	private Round runRound(int round, HikariDataSource pool, PlasmaDialect dialect, Sequencer sequencer, boolean fresh)
			throws Exception {
		long loadStarted = System.nanoTime();
		Log log = buildLog(pool, sequencer, fresh);
		double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
		SequencerLoop loop = new SequencerLoop(sequencer, Duration.ofMillis(5));
		LongAdder commits = new LongAdder();
		AtomicBoolean running = new AtomicBoolean(true);
		List<Thread> threads = new ArrayList<>();
		Gate gate = new Gate();
		loop.start();
		try {
			for (int i = 0; i < this.writers; i++) {
				Thread writer = new Thread(() -> write(pool, running, commits), "bench-writer-" + i);
				writer.start();
				threads.add(writer);
			}
			Thread.sleep(1000);
			Slots slots = new Slots(commits);
			slots.measure(false, () -> Thread.sleep(this.slotMillis));
			CompactionResult[] result = new CompactionResult[1];
			RuntimeException[] failure = new RuntimeException[1];
			Thread compactor = new Thread(() -> {
				try {
					result[0] = new ChangeLogCompactor(pool, dialect, this.batchSize, this.batchPause, List.of())
						.compactChangeLog(log.head() + this.entries, gate);
				}
				catch (RuntimeException ex) {
					failure[0] = ex;
				}
				finally {
					gate.finished();
				}
			}, "bench-compactor");
			gate.open();
			compactor.start();
			while (!gate.isFinished()) {
				slots.measure(true, () -> {
					Thread.sleep(this.slotMillis);
					gate.closeAndAwaitParked();
				});
				if (!gate.isFinished()) {
					slots.measure(false, () -> Thread.sleep(this.slotMillis));
					gate.open();
				}
			}
			compactor.join();
			if (failure[0] != null) {
				throw failure[0];
			}
			slots.measure(false, () -> Thread.sleep(this.slotMillis));
			running.set(false);
			for (Thread thread : threads) {
				thread.join(10_000);
			}
			double rate = result[0].removed() / slots.seconds(true);
			double during = slots.rate(true);
			double without = slots.rate(false);
			double ratio = during / without;
			boolean checked = check(pool, log, result[0]);
			System.out.printf("round %d (%s pass%s): log built in %.1f s; writers %,.0f tx/s without compaction, %,.0f with"
					+ " -> %.2fx (%d + %d slots); pass active %.2f s: examined %,d, removed %,d in %d batches -> %,.0f"
					+ " entries/s; check %s%n", round, fresh ? "first" : "incremental", fresh ? "" : ", not in the verdicts",
					loadSeconds, without, during, ratio, slots.count(false), slots.count(true), slots.seconds(true),
					result[0].examined(), result[0].removed(), result[0].batches(), rate, checked ? "PASS" : "FAIL");
			return new Round(rate, ratio, checked);
		}
		finally {
			gate.open();
			running.set(false);
			loop.stop();
		}
	}

	private void write(HikariDataSource pool, AtomicBoolean running, LongAdder commits) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		try (Connection connection = pool.getConnection(); PreparedStatement upsert = connection.prepareStatement(UPSERT_SQL)) {
			connection.setAutoCommit(false);
			long counter = 0;
			while (running.get()) {
				try {
					upsert.setInt(1, 1 + random.nextInt(this.rows));
					upsert.setString(2, "written " + counter);
					upsert.setLong(3, counter++);
					upsert.setLong(4, System.currentTimeMillis());
					upsert.executeUpdate();
					connection.commit();
					commits.increment();
				}
				catch (SQLException ex) {
					connection.rollback();
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("writer failed", ex);
		}
	}

	/**
	 * Appends the bulk entries above the current head, moving the head past them in the same transaction.
	 * The first round starts from an empty change log and table; later rounds keep what earlier rounds
	 * left (the entries earlier passes kept and the writers' entries), so their pass is an incremental
	 * one that also removes those.
	 * @return the log before the bulk entries
	 */
	private Log buildLog(HikariDataSource pool, Sequencer sequencer, boolean fresh) throws SQLException {
		sequencer.flush();
		int perRow = this.entries / this.rows;
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
			connection.setAutoCommit(false);
			statement.execute("SET LOCAL session_replication_role = replica");
			long old = System.currentTimeMillis() - Duration.ofDays(8).toMillis();
			if (fresh) {
				statement.execute("TRUNCATE _plasma_changes, _plasma_pending_changes, bench_synced");
				statement.execute("UPDATE _plasma_sequencer SET compacted_to = 0, compacted_entries = 0 WHERE id = 1");
				statement.execute("""
						INSERT INTO bench_synced (id, payload, counter, updated_at)
						SELECT r, 'round %1$d', 0, %2$d FROM generate_series(1, %3$d) r WHERE r %% 10 <> 5"""
					.formatted(perRow - 1, old, this.rows));
			}
			long head;
			long compactedTo;
			try (ResultSet rs = statement
				.executeQuery("SELECT head, compacted_to FROM _plasma_sequencer WHERE id = 1 FOR UPDATE")) {
				rs.next();
				head = rs.getLong(1);
				compactedTo = rs.getLong(2);
			}
			long below;
			long unexamined;
			try (ResultSet rs = statement.executeQuery("SELECT COUNT(*), COUNT(*) FILTER (WHERE row_version > "
					+ compactedTo + ") FROM _plasma_changes")) {
				rs.next();
				below = rs.getLong(1);
				unexamined = rs.getLong(2);
			}
			String entriesSql = """
					INSERT INTO _plasma_changes (row_version, table_name, row_id, op, value, created_at)
					SELECT %1$d + g, 'bench_synced', r::text, CASE WHEN del THEN 'del' ELSE 'put' END,
					  CASE WHEN del THEN NULL ELSE
					    '{"id":' || r || ',"payload":"round ' || k || '","counter":' || g || ',"updated_at":' || (%2$d + g) || '}' END,
					  %2$d + g
					FROM (SELECT g, ((g - 1) %% %3$d) + 1 AS r, (g - 1) / %3$d AS k,
					        (((g - 1) %% %3$d) + 1) %% 10 = 5 AND (g - 1) / %3$d = %4$d
					        OR (((g - 1) %% %3$d) + 1) %% 10 = 0 AND (g - 1) / %3$d = %4$d - 1 AS del
					      FROM generate_series(1, %5$d) g) s""".formatted(head, old, this.rows, perRow - 1,
					this.entries);
			statement.execute(entriesSql);
			statement.execute("UPDATE _plasma_sequencer SET head = " + (head + this.entries) + " WHERE id = 1");
			connection.commit();
			connection.setAutoCommit(true);
			statement.execute("VACUUM ANALYZE _plasma_changes");
			statement.execute("ANALYZE bench_synced");
			return new Log(head, below, unexamined);
		}
	}

	/**
	 * Checks what the pass left: of everything up to the end of the bulk entries, exactly one put per
	 * surviving row (rows ending in a delete cancelled, earlier entries of every row superseded), and that
	 * the counts match.
	 */
	private boolean check(HikariDataSource pool, Log log, CompactionResult result) throws SQLException {
		int surviving = this.rows - this.rows / 10;
		try (Connection connection = pool.getConnection();
				PreparedStatement select = connection.prepareStatement("""
						SELECT COUNT(*), COUNT(DISTINCT row_id), COUNT(*) FILTER (WHERE op = 'del')
						FROM _plasma_changes WHERE row_version <= ?""")) {
			select.setLong(1, log.head() + this.entries);
			try (ResultSet rs = select.executeQuery()) {
				rs.next();
				return rs.getLong(1) == surviving && rs.getLong(2) == surviving && rs.getLong(3) == 0
						&& result.removed() == this.entries + log.entries() - surviving
						&& result.examined() == this.entries + log.unexamined();
			}
		}
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	private static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (Exception ex) {
			return "unknown";
		}
	}

	private record Round(double rate, double ratio, boolean checked) {
	}

	/**
	 * Lets the pass run or holds it before its next batch, so that writer throughput can be measured in
	 * alternating slots with and without compaction.
	 */
	private static final class Gate implements ChangeLogCompactor.BatchCheck {

		private boolean open;

		private boolean parked;

		private boolean finished;

		@Override
		public synchronized void beforeBatch() {
			this.parked = true;
			notifyAll();
			try {
				while (!this.open) {
					wait();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.parked = false;
		}

		synchronized void open() {
			this.open = true;
			notifyAll();
		}

		synchronized void closeAndAwaitParked() throws InterruptedException {
			this.open = false;
			while (!this.parked && !this.finished) {
				wait();
			}
		}

		synchronized void finished() {
			this.finished = true;
			notifyAll();
		}

		synchronized boolean isFinished() {
			return this.finished;
		}

	}

	/**
	 * Writer commits and time, summed over slots with and without compaction running.
	 */
	private static final class Slots {

		private final LongAdder commits;

		private final long[] committed = new long[2];

		private final long[] nanos = new long[2];

		private final int[] count = new int[2];

		Slots(LongAdder commits) {
			this.commits = commits;
		}

		void measure(boolean compacting, Slot slot) throws InterruptedException {
			int index = compacting ? 1 : 0;
			long before = this.commits.sum();
			long started = System.nanoTime();
			slot.run();
			this.nanos[index] += System.nanoTime() - started;
			this.committed[index] += this.commits.sum() - before;
			this.count[index]++;
		}

		double rate(boolean compacting) {
			int index = compacting ? 1 : 0;
			return this.committed[index] / (this.nanos[index] / 1e9);
		}

		double seconds(boolean compacting) {
			return this.nanos[compacting ? 1 : 0] / 1e9;
		}

		int count(boolean compacting) {
			return this.count[compacting ? 1 : 0];
		}

	}

	@FunctionalInterface
	private interface Slot {

		void run() throws InterruptedException;

	}

	/**
	 * The change log before a round's bulk entries.
	 * @param head the head
	 * @param entries the entries it held
	 * @param unexamined those of them above the end of the last complete pass
	 */
	private record Log(long head, long entries, long unexamined) {
	}

}

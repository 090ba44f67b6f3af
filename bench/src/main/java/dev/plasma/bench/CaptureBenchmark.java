package dev.plasma.bench;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import dev.plasma.capture.CaptureInstaller;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.dialect.PlasmaDialects;
import dev.plasma.schema.PlasmaSchemaInitializer;
import dev.plasma.schema.TableDeclaration;
import dev.plasma.sequencer.Sequencer;
import dev.plasma.sequencer.SequencerLoop;

/**
 * Write throughput of a table with Plasma's capture triggers against an identical plain table, with the
 * sequencer running, on one database (issue 2).
 * <p>
 * Two tables, {@code bench_synced} and {@code bench_plain}, are seeded with the same rows. After a short
 * warm-up, interleaved rounds each run a plain and a synced phase (the order alternates between rounds),
 * every phase the same number of writers doing single-row upsert transactions for the same time. The
 * report gives the median over rounds of synced/plain throughput, the delay between capture and
 * sequencing, whether the pending backlog drains once the load stops, the CPU time each committed
 * transaction cost, and a check that every synced commit produced exactly one change-log entry.
 * <p>
 * With {@code capture-baseline}, {@code bench_synced} gets no Plasma trigger but a minimal one that
 * inserts a constant row into a side table: the floor that any row trigger appending to a table costs.
 */
final class CaptureBenchmark {

	static final double RATIO_TARGET = 0.6;

	static final long DELAY_P99_TARGET_MS = 50;

	static final long DRAIN_TARGET_MS = 2000;

	private static final int BATCH_SIZE = 1000;

	private static final Duration POLL_INTERVAL = Duration.ofMillis(5);

	private static final Duration WARM_UP = Duration.ofSeconds(1);

	private static final long DRAIN_CAP_MS = 30_000;

	private final BenchOptions options;

	private final BenchDatabase database;

	private final boolean baseline;

	private final boolean loopRuns;

	private final String label;

	CaptureBenchmark(BenchOptions options) {
		this.options = options;
		this.database = options.database();
		this.baseline = options.command().equals("capture-baseline");
		this.loopRuns = options.sequencer();
		this.label = this.baseline ? "side" : "synced";
	}

	/**
	 * Runs the benchmark and prints its report.
	 * @return whether every target was met
	 * @throws Exception when the run could not be completed
	 */
	boolean run() throws Exception {
		String url = this.database.prepare();
		try (HikariDataSource pool = this.database.pool(url, this.options.writers() + 4)) {
			printHeader(pool, url);
			createTables(pool);
			new PlasmaSchemaInitializer(pool).initialize();
			PlasmaDialect dialect = PlasmaDialects.detect(pool);
			if (this.baseline) {
				execute(pool, this.database.sideTriggerDdl("bench_synced"));
			}
			else {
				new CaptureInstaller(pool, dialect, List.of(new TableDeclaration("bench_synced", false))).install();
			}
			DelayRecorder recorder = new DelayRecorder();
			Sequencer sequencer = new Sequencer(pool, dialect, BATCH_SIZE, List.of(recorder));
			SequencerLoop loop = new SequencerLoop(sequencer, POLL_INTERVAL);
			if (this.loopRuns) {
				loop.start();
			}
			try {
				return measure(pool, sequencer, recorder);
			}
			finally {
				loop.stop();
			}
		}
	}

	private boolean measure(DataSource pool, Sequencer sequencer, DelayRecorder recorder) throws Exception {
		String plainSql = this.database.upsertSql("bench_plain");
		String syncedSql = this.database.upsertSql("bench_synced");
		CpuProbe cpu = new CpuProbe(pool, this.database);
		long initialDrain = drain(sequencer, System.nanoTime());
		if (initialDrain < 0) {
			throw new IllegalStateException("the initial capture of " + this.options.rows() + " rows did not drain in "
					+ DRAIN_CAP_MS + " ms");
		}
		long syncedCommits = 0;
		WriterPhase.run(pool, plainSql, this.options.writers(), WARM_UP, this.options.rows());
		syncedCommits += WriterPhase.run(pool, syncedSql, this.options.writers(), WARM_UP, this.options.rows()).commits();
		drain(sequencer, System.nanoTime());
		line("warm-up", "1 s plain + 1 s %s; initial capture of %d rows sequenced in %d ms", this.label,
				this.options.rows(), initialDrain);
		line("load average", "%s (1, 5, 15 min) before the rounds", loadAverage());
		System.out.println();

		Duration length = Duration.ofSeconds(this.options.seconds());
		List<Double> ratios = new ArrayList<>();
		List<DelayRecorder.Delays> delays = new ArrayList<>();
		Totals plainTotals = new Totals();
		Totals syncedTotals = new Totals();
		long maxBacklog = 0;
		long maxDrainMs = 0;
		boolean allDrained = true;
		for (int round = 1; round <= this.options.rounds(); round++) {
			boolean plainFirst = (round % 2) == 1;
			Phase plain = null;
			Phase synced = null;
			for (int step = 0; step < 2; step++) {
				if ((step == 0) == plainFirst) {
					plain = runPlain(pool, cpu, plainSql, length);
				}
				else {
					synced = runSynced(pool, cpu, sequencer, recorder, syncedSql, length);
				}
			}
			plainTotals.add(plain);
			syncedTotals.add(synced);
			syncedCommits += synced.writes().commits();
			double ratio = synced.writes().perSecond() / plain.writes().perSecond();
			ratios.add(ratio);
			delays.add(synced.delays());
			maxBacklog = Math.max(maxBacklog, synced.maxBacklog());
			allDrained &= synced.drainMs() >= 0 && synced.drainMs() <= DRAIN_TARGET_MS;
			maxDrainMs = Math.max(maxDrainMs, (synced.drainMs() < 0) ? DRAIN_CAP_MS : synced.drainMs());
			line("round " + round, "plain %7.1f tx/s   %s %7.1f tx/s   ratio %.2f   (%s first)", plain.writes().perSecond(),
					this.label, synced.writes().perSecond(), ratio, plainFirst ? "plain" : this.label);
			if (!this.baseline && !this.loopRuns) {
				line("", "%s: %d entries pending at stop, %s in %d batches", this.label, synced.backlogAtStop(),
						drainText(synced.drainMs()), synced.delays().batches());
				line("", "cpu per tx: plain %s, %s %s while writing + %s to sequence afterwards", plain.cpuText(),
						this.label, synced.writingCpuText(), synced.sequencingCpuText());
			}
			else if (!this.baseline) {
				DelayRecorder.Delays d = synced.delays();
				line("", "%s: delay p50 %s, p99 %s; %d batches, cycle p50 %s, p99 %s; backlog max %d, %d at stop, %s",
						this.label, millis(d.entries().percentile(50)), millis(d.entries().percentile(99)), d.batches(),
						millis(d.cycles().percentile(50)), millis(d.cycles().percentile(99)), synced.maxBacklog(),
						synced.backlogAtStop(), drainText(synced.drainMs()));
			}
			if (this.baseline || this.loopRuns) {
				line("", "cpu per tx: plain %s, %s %s", plain.cpuText(), this.label, synced.cpuText());
			}
			line("", "tx latency (upsert + commit) p50/p99: plain %s / %s, %s %s / %s",
					micros(plain.writes().latencies().percentile(50)), micros(plain.writes().latencies().percentile(99)),
					this.label, micros(synced.writes().latencies().percentile(50)),
					micros(synced.writes().latencies().percentile(99)));
		}
		return report(pool, ratios, DelayRecorder.Delays.merge(delays), plainTotals, syncedTotals, maxBacklog,
				maxDrainMs, allDrained, syncedCommits);
	}

	private boolean report(DataSource pool, List<Double> ratios, DelayRecorder.Delays delays, Totals plain,
			Totals synced, long maxBacklog, long maxDrainMs, boolean allDrained, long syncedCommits)
			throws SQLException {
		double median = median(ratios);
		boolean ratioApplies = this.database == BenchDatabase.POSTGRESQL && !this.baseline;
		boolean ratioOk = median >= RATIO_TARGET;
		System.out.println();
		line("median ratio", "%.2f (%s/plain; rounds %s)%s", median, this.label, formatRatios(ratios),
				ratioApplies ? verdict(ratioOk, String.format(Locale.ROOT, "target >= %.2f", RATIO_TARGET))
						: "   informational, the target applies to PostgreSQL");
		line("cpu per tx", "plain %s; %s %s; difference %s", plain.cpuText(), this.label, synced.cpuText(),
				synced.differenceText(plain));
		long failures = plain.failures + synced.failures;
		if (failures > 0) {
			line("failed tx", "%d rolled back, first: %s", failures,
					(plain.firstFailure != null) ? plain.firstFailure : synced.firstFailure);
		}
		line("load average", "%s (1, 5, 15 min) after the rounds", loadAverage());
		if (this.baseline) {
			long sideRows = count(pool, "SELECT COUNT(*) FROM bench_side");
			boolean counted = sideRows == syncedCommits;
			line("side rows", "%d for %d committed side-table transactions: %s", sideRows, syncedCommits,
					counted ? "OK" : "MISMATCH");
			line("result", (counted && failures == 0) ? "DONE (the baseline has no targets)" : "FAIL");
			return counted && failures == 0;
		}
		if (!this.loopRuns) {
			boolean captured = checkCapture(pool, syncedCommits);
			line("sequencer", "off during the phases (profiling run): backlog flushed after each synced phase in at"
					+ " most %d ms; no delay or backlog verdicts", maxDrainMs);
			boolean done = captured && failures == 0;
			line("result", done ? ("DONE (profiling run" + (ratioApplies && !ratioOk ? ", ratio below target)" : ")"))
					: "FAIL");
			return done;
		}
		DelayRecorder.Distribution entries = delays.entries();
		boolean delayOk = entries.count() > 0 && entries.percentile(99) <= DELAY_P99_TARGET_MS;
		line("delay", "p50 %s, p99 %s, max %s (capture to sequenced, %d entries)%s", millis(entries.percentile(50)),
				millis(entries.percentile(99)), millis(entries.max()), entries.count(),
				verdict(delayOk, "target p99 <= " + DELAY_P99_TARGET_MS + " ms"));
		line("batches", "%d, %.1f entries on average; cycle (commit to next commit) p50 %s, p99 %s, max %s",
				delays.batches(), (delays.batches() == 0) ? 0.0 : (double) entries.count() / delays.batches(),
				millis(delays.cycles().percentile(50)), millis(delays.cycles().percentile(99)),
				millis(delays.cycles().max()));
		line("backlog", "max %d pending entries; %s (slowest %d ms)%s", maxBacklog,
				allDrained ? "drained after every synced phase" : "did NOT always drain", maxDrainMs,
				verdict(allDrained, "target drained within " + DRAIN_TARGET_MS + " ms"));
		boolean captured = checkCapture(pool, syncedCommits);
		boolean pass = (!ratioApplies || ratioOk) && delayOk && allDrained && captured && failures == 0;
		line("result", pass ? "PASS" : "FAIL");
		return pass;
	}

	private Phase runPlain(DataSource pool, CpuProbe cpu, String sql, Duration length) throws InterruptedException {
		CpuProbe.Sample before = cpu.sample();
		WriterPhase.Result writes = WriterPhase.run(pool, sql, this.options.writers(), length, this.options.rows());
		CpuProbe.Sample after = cpu.sample();
		return new Phase(writes, after, after, before, null, 0, 0, 0);
	}

	private Phase runSynced(DataSource pool, CpuProbe cpu, Sequencer sequencer, DelayRecorder recorder, String sql,
			Duration length) throws InterruptedException {
		AtomicLong maxBacklog = new AtomicLong();
		ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "bench-backlog-sampler");
			thread.setDaemon(true);
			return thread;
		});
		recorder.start();
		CpuProbe.Sample before = cpu.sample();
		sampler.scheduleAtFixedRate(() -> maxBacklog.accumulateAndGet(sequencer.pendingCount(), Math::max), 0, 100,
				TimeUnit.MILLISECONDS);
		WriterPhase.Result writes = WriterPhase.run(pool, sql, this.options.writers(), length, this.options.rows());
		long stopped = System.nanoTime();
		sampler.shutdown();
		sampler.awaitTermination(5, TimeUnit.SECONDS);
		CpuProbe.Sample writing = cpu.sample();
		long atStop = sequencer.pendingCount();
		maxBacklog.accumulateAndGet(atStop, Math::max);
		long drainMs = drain(sequencer, stopped);
		CpuProbe.Sample after = cpu.sample();
		return new Phase(writes, after, writing, before, recorder.stop(), maxBacklog.get(), atStop, drainMs);
	}

	/**
	 * Waits until nothing is pending, at most {@link #DRAIN_CAP_MS}; flushes first when the loop is off.
	 * @return milliseconds from {@code since} until the backlog was empty, -1 when it never was
	 */
	private long drain(Sequencer sequencer, long since) throws InterruptedException {
		if (!this.loopRuns) {
			sequencer.flush();
		}
		long cap = since + TimeUnit.MILLISECONDS.toNanos(DRAIN_CAP_MS);
		while (sequencer.pendingCount() > 0) {
			if (System.nanoTime() > cap) {
				return -1;
			}
			Thread.sleep(2);
		}
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
	}

	private boolean checkCapture(DataSource pool, long syncedCommits) throws SQLException {
		long expected = this.options.rows() + syncedCommits;
		long changes = count(pool, "SELECT COUNT(*) FROM _plasma_changes");
		long maxVersion = count(pool, "SELECT COALESCE(MAX(row_version), 0) FROM _plasma_changes");
		long pending = count(pool, "SELECT COUNT(*) FROM _plasma_pending_changes");
		boolean ok = changes == expected && maxVersion == changes && pending == 0;
		line("capture check", "%d change-log entries, versions 1..%d, %d pending; expected %d (%d seeded rows + %d"
				+ " synced commits): %s", changes, maxVersion, pending, expected, this.options.rows(), syncedCommits,
				ok ? "OK" : "MISMATCH");
		return ok;
	}

	private void printHeader(DataSource pool, String url) throws SQLException {
		try (Connection connection = pool.getConnection()) {
			DatabaseMetaData metaData = connection.getMetaData();
			line("benchmark", "%s%s (Plasma change capture write throughput, issue 2)", this.options.command(),
					this.loopRuns ? "" : " --sequencer off");
			line("database", "%s %s at %s", metaData.getDatabaseProductName(), metaData.getDatabaseProductVersion(),
					url.replaceAll(";.*", ""));
			line("machine", "%d cpus, Java %s (%s), %d MiB max heap", Runtime.getRuntime().availableProcessors(),
					System.getProperty("java.version"), System.getProperty("java.vm.name"),
					Runtime.getRuntime().maxMemory() >> 20);
			line("load", "%d writers, one single-row upsert per transaction, random ids in 1..%d,", this.options.writers(),
					this.options.rows());
			line("", "%d rounds of plain %d s + %s %d s, order alternating", this.options.rounds(),
					this.options.seconds(), this.label, this.options.seconds());
			line("sequencer", "%s, batch %d, poll %d ms; backlog sampled every 100 ms",
					this.loopRuns ? "SequencerLoop running" : "loop OFF, flushed after each phase", BATCH_SIZE,
					POLL_INTERVAL.toMillis());
		}
	}

	private void createTables(DataSource pool) throws SQLException {
		try (Connection connection = pool.getConnection()) {
			for (String table : List.of("bench_synced", "bench_plain")) {
				try (Statement statement = connection.createStatement()) {
					statement.execute(this.database.createTableSql(table));
				}
				connection.setAutoCommit(false);
				try (PreparedStatement insert = connection.prepareStatement(
						"INSERT INTO " + table + " (id, payload, counter, updated_at) VALUES (?, ?, ?, ?)")) {
					long now = System.currentTimeMillis();
					for (int id = 1; id <= this.options.rows(); id++) {
						insert.setInt(1, id);
						insert.setString(2, "seed " + id);
						insert.setLong(3, 0);
						insert.setLong(4, now);
						insert.addBatch();
						if (id % 1000 == 0) {
							insert.executeBatch();
						}
					}
					insert.executeBatch();
				}
				connection.commit();
				connection.setAutoCommit(true);
			}
		}
		execute(pool, this.database.afterSeed());
	}

	private static void execute(DataSource pool, List<String> statements) throws SQLException {
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	private static long count(DataSource pool, String sql) throws SQLException {
		try (Connection connection = pool.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private static String loadAverage() {
		try {
			String[] fields = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (java.io.IOException | RuntimeException ex) {
			return "n/a";
		}
	}

	private static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(null);
		int n = sorted.size();
		return ((n % 2) == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

	private static String formatRatios(List<Double> ratios) {
		List<String> parts = new ArrayList<>();
		for (double ratio : ratios) {
			parts.add(String.format(Locale.ROOT, "%.2f", ratio));
		}
		return String.join(", ", parts);
	}

	private String drainText(long drainMs) {
		if (drainMs < 0) {
			return "NOT drained within " + DRAIN_CAP_MS + " ms";
		}
		return (this.loopRuns ? "drained in " : "flushed in ") + drainMs + " ms";
	}

	private static String micros(long value) {
		return (value < 0) ? "n/a" : String.format(Locale.ROOT, "%.1f ms", value / 1000.0);
	}

	private static String millis(long value) {
		return (value < 0) ? "n/a" : value + " ms";
	}

	private static String verdict(boolean ok, String target) {
		return "   " + target + "   " + (ok ? "PASS" : "FAIL");
	}

	static void line(String label, String format, Object... args) {
		System.out.printf(Locale.ROOT, "%-14s %s%n", label, String.format(Locale.ROOT, format, args));
	}

	private static String cpuText(long commits, long jvmNanos, long serverNanos) {
		if (commits == 0) {
			return "n/a";
		}
		long jvm = jvmNanos / commits / 1000;
		if (serverNanos < 0) {
			return String.format(Locale.ROOT, "%d us (jvm; server n/a)", jvm);
		}
		long server = serverNanos / commits / 1000;
		return String.format(Locale.ROOT, "%d us (jvm %d + server %d)", jvm + server, jvm, server);
	}

	/**
	 * One measured phase: its writes, CPU used from its start until the writers stopped and until its
	 * backlog drained, and for synced phases the sequencer delays and backlog.
	 */
	private record Phase(WriterPhase.Result writes, CpuProbe.Sample after, CpuProbe.Sample writing,
			CpuProbe.Sample before, DelayRecorder.Delays delays, long maxBacklog, long backlogAtStop, long drainMs) {

		long jvmNanos() {
			return this.after.jvmNanos() - this.before.jvmNanos();
		}

		long serverNanos() {
			return this.after.serverSince(this.before);
		}

		String cpuText() {
			return CaptureBenchmark.cpuText(this.writes.commits(), jvmNanos(), serverNanos());
		}

		String writingCpuText() {
			return CaptureBenchmark.cpuText(this.writes.commits(), this.writing.jvmNanos() - this.before.jvmNanos(),
					this.writing.serverSince(this.before));
		}

		String sequencingCpuText() {
			return CaptureBenchmark.cpuText(this.writes.commits(), this.after.jvmNanos() - this.writing.jvmNanos(),
					this.after.serverSince(this.writing));
		}

	}

	/**
	 * Sums of the phases of one kind over all rounds.
	 */
	private static final class Totals {

		long commits;

		long jvmNanos;

		long serverNanos;

		long failures;

		String firstFailure;

		void add(Phase phase) {
			this.commits += phase.writes().commits();
			this.jvmNanos += phase.jvmNanos();
			long server = phase.serverNanos();
			this.serverNanos = (server < 0 || this.serverNanos < 0) ? -1 : this.serverNanos + server;
			this.failures += phase.writes().failures();
			if (this.firstFailure == null) {
				this.firstFailure = phase.writes().firstFailure();
			}
		}

		String cpuText() {
			return CaptureBenchmark.cpuText(this.commits, this.jvmNanos, this.serverNanos);
		}

		String differenceText(Totals base) {
			if (this.commits == 0 || base.commits == 0) {
				return "n/a";
			}
			long jvm = (this.jvmNanos / this.commits - base.jvmNanos / base.commits) / 1000;
			if (this.serverNanos < 0 || base.serverNanos < 0) {
				return String.format(Locale.ROOT, "%+d us per tx (jvm)", jvm);
			}
			long server = (this.serverNanos / this.commits - base.serverNanos / base.commits) / 1000;
			return String.format(Locale.ROOT, "%+d us per tx (jvm %+d, server %+d)", jvm + server, jvm, server);
		}

	}

}

package dev.plasma.bench.sync;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import dev.plasma.bench.BenchSupport;

/**
 * {@code sync-load}: push and pull throughput and latency of the sample app under K concurrent simulated
 * clients, against a plain endpoint of the same app measured in the same run (issue 3).
 * <ul>
 * <li>Phase A, plain: every client thread POSTs {@code /plain/todos} (one insert, one transaction, no
 * Plasma) in a closed loop.</li>
 * <li>Phase B, push: every client pushes one {@code createTodo} mutation per request, mutation IDs
 * 1, 2, 3, ... per client, in a closed loop. A and B are interleaved over several rounds (plain first in odd
 * rounds) and the median of the per-round ratios push/plain is the verdict.</li>
 * <li>Phase C, pull: every client first pulls with no cookie (the full state, reported separately), then
 * loops: push one mutation, pull incrementally with its cookie, checking that the pull confirms the
 * mutation and carries its todo.</li>
 * </ul>
 * The benchmark starts nothing but HTTP load, on a loopback address only, and every loop ends at its
 * deadline. Targets: push at least 0.5x plain; incremental pull p99 under 20 ms with 16 clients.
 */
public final class SyncLoadBenchmark {

	/** The command name, {@code java -jar plasma-bench.jar sync-load [options]}. */
	public static final String COMMAND = "sync-load";

	static final double PUSH_RATIO_TARGET = 0.5;

	static final double PULL_P99_TARGET_MS = 20.0;

	static final int PULL_TARGET_CLIENTS = 16;

	private static final int MAX_ERRORS_PER_THREAD = 20;

	private final SyncLoadOptions options;

	private final List<SimulatedClient> clients = new ArrayList<>();

	private final ServerMetrics server;

	private final CpuMeter cpu;

	private final String runId;

	public SyncLoadBenchmark(SyncLoadOptions options) {
		this.options = options;
		this.server = new ServerMetrics(options.baseUrl());
		this.cpu = new CpuMeter(this.server, options.databaseName());
		this.runId = Long.toString(System.currentTimeMillis(), 36);
		for (int i = 1; i <= options.clients(); i++) {
			this.clients.add(new SimulatedClient(options.baseUrl(), this.runId, i, options.mutationsPerPush()));
		}
	}

	/**
	 * Runs the command: parses its options, arms a watchdog and runs the benchmark.
	 * @param args the command line after the command name
	 * @return the exit status: 0 every target met, 1 one missed, 2 usage error or failed run (the watchdog
	 * halts the JVM with 3)
	 */
	public static int run(String[] args) {
		SyncLoadOptions options;
		try {
			options = SyncLoadOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("plasma-bench: " + ex.getMessage());
			System.err.print(SyncLoadOptions.USAGE);
			return 2;
		}
		BenchSupport.startWatchdog(options.budgetSeconds());
		try {
			return new SyncLoadBenchmark(options).run() ? 0 : 1;
		}
		catch (RunFailedException ex) {
			System.err.println("plasma-bench: sync-load failed: " + ex.getMessage());
			return 2;
		}
		catch (Exception ex) {
			System.err.println("plasma-bench: sync-load failed: " + ex);
			ex.printStackTrace(System.err);
			return 2;
		}
	}

	/**
	 * Runs every phase and prints the report.
	 * @return whether every target was met
	 */
	public boolean run() throws InterruptedException {
		if (!this.server.healthy()) {
			throw new RunFailedException("the sample app does not answer UP on " + this.options.baseUrl()
					+ "/actuator/health; start it first (bench/sync-load.sh does)");
		}
		int k = this.options.clients();
		Double poolMax = this.server.value("hikaricp.connections.max");
		print("benchmark", "sync-load (push and pull under load, issue 3)");
		print("target app", this.options.baseUrl() + ", JDBC pool max "
				+ ((poolMax != null) ? String.format(Locale.ROOT, "%.0f", poolMax) : "unknown") + " connections");
		print("machine", Runtime.getRuntime().availableProcessors() + " cpus, Java " + System.getProperty("java.version")
				+ " (" + System.getProperty("java.vm.name") + "); load generator, app and database share them");
		print("load", k + " clients, each its own client group, HTTP/1.1 keep-alive; closed loop, one request at a time; "
				+ this.options.mutationsPerPush() + " mutation(s) per push");
		print("phases", this.options.rounds() + " rounds of plain " + this.options.seconds() + " s + push "
				+ this.options.seconds() + " s (order alternating), then push+pull " + this.options.pullSeconds()
				+ " s closed loop" + ((this.options.paceMillis() > 0)
						? " and " + this.options.pullSeconds() + " s paced (every " + this.options.paceMillis() + " ms)" : ""));
		print("load average", loadAverage() + " (1, 5, 15 min) before");
		System.out.println();

		if (this.options.warmupSeconds() > 0) {
			phase(this.options.warmupSeconds(), (client, stats) -> stats.plain.record(client.plainInsert()))
				.failIfErrors("plain warm-up");
			phase(this.options.warmupSeconds(), (client, stats) -> stats.push.record(client.pushCreate()))
				.failIfErrors("push warm-up");
			print("warm-up", this.options.warmupSeconds() + " s plain + " + this.options.warmupSeconds() + " s push");
		}

		double[] ratios = new double[this.options.rounds()];
		List<PhaseResult> pushPhases = new ArrayList<>();
		for (int round = 1; round <= this.options.rounds(); round++) {
			boolean plainFirst = round % 2 == 1;
			PhaseResult plain;
			PhaseResult push;
			ServerMetrics.TimerReading acquireBefore = this.server.timer("hikaricp.connections.acquire", null);
			if (plainFirst) {
				plain = measure("plain", (client, stats) -> stats.plain.record(client.plainInsert()));
				push = measure("push", (client, stats) -> stats.push.record(client.pushCreate()));
			}
			else {
				push = measure("push", (client, stats) -> stats.push.record(client.pushCreate()));
				plain = measure("plain", (client, stats) -> stats.plain.record(client.plainInsert()));
			}
			ServerMetrics.TimerReading acquireAfter = this.server.timer("hikaricp.connections.acquire", null);
			double plainRate = plain.rate(plain.plain);
			double pushRate = push.rate(push.push) * this.options.mutationsPerPush();
			ratios[round - 1] = pushRate / plainRate;
			pushPhases.add(push);
			print("round " + round, String.format(Locale.ROOT, "plain %7.1f inserts/s   push %7.1f mutations/s   ratio %.2f   (%s)",
					plainRate, pushRate, ratios[round - 1], plainFirst ? "plain first" : "push first"));
			print("", "plain latency " + plain.plain.summary());
			print("", "push  latency " + push.push.summary());
			print("", "plain " + plain.cpuPerRequest);
			print("", "push  " + push.cpuPerRequest);
			if (acquireAfter != null) {
				print("", "server: pool connection acquire " + acquireAfter.since(acquireBefore));
			}
		}
		double medianRatio = median(ratios);
		boolean ratioMet = medianRatio >= PUSH_RATIO_TARGET;
		System.out.println();

		// Phase C: full pulls first, then push one mutation + incremental pull per iteration.
		PhaseResult full = once((client, stats) -> stats.pull.record(client.pull()));
		long fullBytes = 0;
		for (SimulatedClient client : this.clients) {
			fullBytes += client.lastBodyBytes();
		}
		print("full pulls", String.format(Locale.ROOT, "%d clients at once, cookie null, %d rows and %.1f MB each: %s",
				k, this.clients.get(0).lastPatchSize() - 1, fullBytes / (double) k / 1e6, full.pull.summary()));
		if (this.options.warmupSeconds() > 0) {
			phase(this.options.warmupSeconds(), SyncLoadBenchmark::pushThenPull).failIfErrors("push+pull warm-up");
		}
		PhaseResult sync = pushPullPhase(0);
		double pullRate = sync.rate(sync.pull);
		double pullP99 = sync.pull.percentileMillis(99);
		boolean pullMet = pullP99 < PULL_P99_TARGET_MS;
		PhaseResult paced = (this.options.paceMillis() > 0) ? pushPullPhase(this.options.paceMillis()) : null;
		PhaseResult caughtUp = caughtUpPullPhase();
		print("load average", loadAverage() + " (1, 5, 15 min) after");
		System.out.println();

		double[] pushRates = pushPhases.stream()
			.mapToDouble((p) -> p.rate(p.push) * this.options.mutationsPerPush())
			.toArray();
		Latencies.Distribution allPushes = merge(pushPhases);
		print("push", String.format(Locale.ROOT, "median %.1f mutations/s over %d rounds; latency %s", median(pushRates),
				pushRates.length, allPushes.summary()));
		print("pull", String.format(Locale.ROOT, "%.1f incremental pulls/s; latency p50 %.1f ms, p99 %.1f ms", pullRate,
				sync.pull.percentileMillis(50), pullP99));
		if (paced != null) {
			print("paced pull", String.format(Locale.ROOT,
					"%.1f incremental pulls/s (one push+pull per client every %d ms); latency p50 %.1f ms, p99 %.1f ms"
							+ " (informational: the verdict below is on the closed loop)",
					paced.rate(paced.pull), this.options.paceMillis(), paced.pull.percentileMillis(50),
					paced.pull.percentileMillis(99)));
		}
		print("caught-up pull", String.format(Locale.ROOT,
				"%.1f pulls/s with nothing new (informational); latency p50 %.1f ms, p99 %.1f ms",
				caughtUp.rate(caughtUp.pull), caughtUp.pull.percentileMillis(50), caughtUp.pull.percentileMillis(99)));
		print("verdict", String.format(Locale.ROOT, "push/plain median ratio %.2f (target >= %.2f)  %s", medianRatio,
				PUSH_RATIO_TARGET, ratioMet ? "PASS" : "FAIL"));
		String withClients = (k == PULL_TARGET_CLIENTS) ? "" : " [target is stated for 16 clients; this run had " + k + "]";
		print("verdict", String.format(Locale.ROOT, "incremental pull p99 %.1f ms with %d clients (target < %.0f ms)  %s%s",
				pullP99, k, PULL_P99_TARGET_MS, pullMet ? "PASS" : "FAIL", withClients));
		boolean all = ratioMet && pullMet;
		print("result", all ? "PASS" : "FAIL");
		return all;
	}

	/**
	 * Runs a measured push+pull phase, closed loop ({@code paceMillis} 0) or paced, and prints its lines.
	 */
	private PhaseResult pushPullPhase(int paceMillis) throws InterruptedException {
		ServerMetrics.TimerReading httpPullBefore = httpTimer("/plasma/pull");
		ServerMetrics.TimerReading httpPushBefore = httpTimer("/plasma/push");
		ServerMetrics.TimerReading plasmaPullBefore = this.server.timer("plasma.pull.duration", null);
		ServerMetrics.TimerReading acquireBefore = this.server.timer("hikaricp.connections.acquire", null);
		CpuMeter.Reading cpuBefore = this.cpu.read();
		PhaseResult sync = phase(this.options.pullSeconds(), paceMillis, SyncLoadBenchmark::pushThenPull);
		CpuMeter.Reading cpuAfter = this.cpu.read();
		ServerMetrics.TimerReading httpPullAfter = httpTimer("/plasma/pull");
		ServerMetrics.TimerReading httpPushAfter = httpTimer("/plasma/push");
		ServerMetrics.TimerReading plasmaPullAfter = this.server.timer("plasma.pull.duration", null);
		ServerMetrics.TimerReading acquireAfter = this.server.timer("hikaricp.connections.acquire", null);
		sync.failIfErrors((paceMillis > 0) ? "paced push+pull" : "push+pull");
		print((paceMillis > 0) ? "paced" : "push+pull", String.format(Locale.ROOT,
				"%s, %.1f s: %.1f pulls/s, %.1f mutations/s, %.1f patch ops and %.0f bytes per pull",
				(paceMillis > 0) ? "one push+pull per client every " + paceMillis + " ms" : "closed loop",
				sync.elapsedSeconds, sync.rate(sync.pull), sync.rate(sync.push) * this.options.mutationsPerPush(),
				sync.patchOps / (double) sync.pull.count(), sync.bodyBytes / (double) sync.pull.count()));
		print("", "incremental pull latency " + sync.pull.summary());
		print("", "push latency             " + sync.push.summary());
		print("", "push+pull pair " + cpuAfter.perRequest(cpuBefore, sync.pull.count()));
		if (httpPullAfter != null) {
			print("", "server: pull requests " + httpPullAfter.since(httpPullBefore));
		}
		if (httpPushAfter != null) {
			print("", "server: push requests " + httpPushAfter.since(httpPushBefore));
		}
		if (plasmaPullAfter != null) {
			print("", "server: plasma.pull.duration " + plasmaPullAfter.since(plasmaPullBefore));
		}
		if (acquireAfter != null) {
			print("", "server: pool connection acquire " + acquireAfter.since(acquireBefore));
		}
		return sync;
	}

	/**
	 * Runs a closed-loop phase of pulls only: every client is caught up, so each pull finds nothing new.
	 */
	private PhaseResult caughtUpPullPhase() throws InterruptedException {
		ServerMetrics.TimerReading plasmaPullBefore = this.server.timer("plasma.pull.duration", null);
		CpuMeter.Reading cpuBefore = this.cpu.read();
		PhaseResult pulls = phase(this.options.pullSeconds(), 0, (client, stats) -> stats.pull.record(client.pullCaughtUp()));
		CpuMeter.Reading cpuAfter = this.cpu.read();
		ServerMetrics.TimerReading plasmaPullAfter = this.server.timer("plasma.pull.duration", null);
		pulls.failIfErrors("caught-up pulls");
		print("caught-up", String.format(Locale.ROOT, "pulls only, closed loop, %.1f s: %.1f pulls/s",
				pulls.elapsedSeconds, pulls.rate(pulls.pull)));
		print("", "pull latency " + pulls.pull.summary());
		print("", "pull " + cpuAfter.perRequest(cpuBefore, pulls.pull.count()));
		if (plasmaPullAfter != null) {
			print("", "server: plasma.pull.duration " + plasmaPullAfter.since(plasmaPullBefore));
		}
		return pulls;
	}

	private static void pushThenPull(SimulatedClient client, ThreadStats stats) throws Exception {
		stats.push.record(client.pushCreate());
		stats.pull.record(client.pull());
		stats.patchOps += client.lastPatchSize();
		stats.bodyBytes += client.lastBodyBytes();
	}

	private ServerMetrics.TimerReading httpTimer(String uri) {
		return this.server.timer("http.server.requests", "uri:" + uri);
	}

	private PhaseResult measure(String name, Operation operation) throws InterruptedException {
		CpuMeter.Reading before = this.cpu.read();
		PhaseResult result = phase(this.options.seconds(), operation);
		result.failIfErrors(name);
		result.cpuPerRequest = this.cpu.read().perRequest(before, result.requests());
		return result;
	}

	/**
	 * Runs one closed-loop phase: every client thread repeats {@code operation} until the deadline.
	 */
	private PhaseResult phase(int seconds, Operation operation) throws InterruptedException {
		return run(operation, seconds * 1_000_000_000L, 0);
	}

	/**
	 * Runs one phase in which every client thread starts {@code operation} every {@code paceMillis}
	 * (at once when it is behind), or in a closed loop when {@code paceMillis} is 0.
	 */
	private PhaseResult phase(int seconds, int paceMillis, Operation operation) throws InterruptedException {
		return run(operation, seconds * 1_000_000_000L, paceMillis * 1_000_000L);
	}

	/**
	 * Runs {@code operation} once on every client, all at once.
	 */
	private PhaseResult once(Operation operation) throws InterruptedException {
		PhaseResult result = run(operation, -1, 0);
		result.failIfErrors("full pull");
		return result;
	}

	private PhaseResult run(Operation operation, long nanos, long paceNanos) throws InterruptedException {
		int k = this.clients.size();
		CountDownLatch ready = new CountDownLatch(k);
		CountDownLatch go = new CountDownLatch(1);
		ThreadStats[] stats = new ThreadStats[k];
		Thread[] threads = new Thread[k];
		long[] startedAt = new long[1];
		for (int i = 0; i < k; i++) {
			SimulatedClient client = this.clients.get(i);
			ThreadStats mine = new ThreadStats();
			stats[i] = mine;
			threads[i] = new Thread(() -> {
				ready.countDown();
				try {
					go.await();
				}
				catch (InterruptedException ex) {
					return;
				}
				long deadline = startedAt[0] + nanos;
				// spread paced clients evenly over the first interval
				long next = startedAt[0] + paceNanos * this.clients.indexOf(client) / k;
				do {
					if (paceNanos > 0) {
						long wait = next - System.nanoTime();
						if (wait > 0) {
							sleepQuietly(wait / 1_000_000, (int) (wait % 1_000_000));
						}
						next += paceNanos;
						if (System.nanoTime() >= deadline) {
							break;
						}
					}
					try {
						operation.run(client, mine);
					}
					catch (InterruptedException ex) {
						return;
					}
					catch (Exception ex) {
						mine.error.compareAndSet(null, ex.toString());
						if (++mine.errors >= MAX_ERRORS_PER_THREAD || nanos < 0) {
							return;
						}
						sleepQuietly(20);
					}
				}
				while (nanos >= 0 && System.nanoTime() < deadline);
			}, "sync-load-client-" + (i + 1));
			threads[i].start();
		}
		ready.await();
		startedAt[0] = System.nanoTime();
		go.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		double elapsed = (System.nanoTime() - startedAt[0]) / 1e9;
		return new PhaseResult(Arrays.asList(stats), elapsed);
	}

	private static Latencies.Distribution merge(List<PhaseResult> phases) {
		List<Long> all = new ArrayList<>();
		for (PhaseResult phase : phases) {
			all.addAll(phase.pushSamples);
		}
		long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
		return new Latencies.Distribution(sorted);
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int n = sorted.length;
		return (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	}

	private static String loadAverage() {
		try {
			String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return parts[0] + " " + parts[1] + " " + parts[2];
		}
		catch (Exception ex) {
			return "unknown";
		}
	}

	private static void print(String label, String text) {
		System.out.printf(Locale.ROOT, "%-14s %s%n", label, text);
	}

	private static void sleepQuietly(long millis) {
		sleepQuietly(millis, 0);
	}

	private static void sleepQuietly(long millis, int nanos) {
		try {
			Thread.sleep(millis, nanos);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * What a client thread does once per loop iteration.
	 */
	@FunctionalInterface
	interface Operation {

		void run(SimulatedClient client, ThreadStats stats) throws Exception;

	}

	/**
	 * What one client thread recorded in one phase.
	 */
	static final class ThreadStats {

		final Latencies plain = new Latencies();

		final Latencies push = new Latencies();

		final Latencies pull = new Latencies();

		final AtomicReference<String> error = new AtomicReference<>();

		int errors;

		long patchOps;

		long bodyBytes;

	}

	/**
	 * The merged result of one phase.
	 */
	static final class PhaseResult {

		final Latencies.Distribution plain;

		final Latencies.Distribution push;

		final Latencies.Distribution pull;

		final List<Long> pushSamples = new ArrayList<>();

		final double elapsedSeconds;

		final int errors;

		final String firstError;

		final long patchOps;

		final long bodyBytes;

		String cpuPerRequest = "";

		PhaseResult(List<ThreadStats> stats, double elapsedSeconds) {
			this.plain = Latencies.merge(stats.stream().map((s) -> s.plain).toList());
			this.push = Latencies.merge(stats.stream().map((s) -> s.push).toList());
			this.pull = Latencies.merge(stats.stream().map((s) -> s.pull).toList());
			for (int i = 0; i < this.push.count(); i++) {
				this.pushSamples.add(this.push.nanos(i));
			}
			this.elapsedSeconds = elapsedSeconds;
			this.errors = stats.stream().mapToInt((s) -> s.errors).sum();
			this.firstError = stats.stream().map((s) -> s.error.get()).filter((e) -> e != null).findFirst().orElse(null);
			this.patchOps = stats.stream().mapToLong((s) -> s.patchOps).sum();
			this.bodyBytes = stats.stream().mapToLong((s) -> s.bodyBytes).sum();
		}

		long requests() {
			return (long) this.plain.count() + this.push.count() + this.pull.count();
		}

		double rate(Latencies.Distribution requests) {
			return requests.count() / this.elapsedSeconds;
		}

		void failIfErrors(String phase) {
			if (this.errors > 0) {
				throw new RunFailedException(this.errors + " failed requests in the " + phase + " phase, first: "
						+ this.firstError);
			}
		}

	}

	/**
	 * A run whose numbers cannot be trusted: a request failed or a check did not hold.
	 */
	static final class RunFailedException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		RunFailedException(String message) {
			super(message);
		}

	}

}

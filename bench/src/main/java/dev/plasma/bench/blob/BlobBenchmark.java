package dev.plasma.bench.blob;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import dev.plasma.bench.BenchSupport;
import dev.plasma.blob.BlobStore;

/**
 * {@code blobs}: upload and download throughput of Plasma's blob endpoints (issue 11), against copying the
 * same bytes into the same store directly, measured in the same run.
 * <p>
 * For each store ({@code database}, Plasma's default, and {@code filesystem}) an embedded app on the Plasma
 * starter is started in this JVM ({@link EmbeddedBlobApp}, PostgreSQL or an H2 file database), and for each
 * round, in alternating order:
 * <ul>
 * <li>direct: the payload (default 100 MB, random bytes from a file) appended to the app's
 * {@link BlobStore} bean and published, then read back from it; no HTTP, no hashing, no bookkeeping;</li>
 * <li>HTTP: {@code PUT /plasma/blobs/{sha256}} of another variant of the payload over loopback (streamed,
 * hashed and checked by the server, {@code _plasma_blobs} kept), then {@code GET} of it.</li>
 * </ul>
 * The verdicts are the median ratios HTTP/direct of upload and of download throughput (target 0.7). Then
 * {@code --clients} threads download one blob of {@code --concurrent-size-mb} {@code --downloads-per-client}
 * times each, at once; p50 and p99 latency are reported. Run with {@code -Xmx256m}: the heap cap is part of
 * the verdict (uploads and downloads must stream, never hold a blob), and the peak heap is printed.
 * <p>
 * Exit status 0 when every target is met, 1 when one is missed, 2 on a usage error or a failed run, 3 when
 * the run overran its time budget (180 s).
 */
public final class BlobBenchmark {

	/** The command that selects this benchmark. */
	public static final String COMMAND = "blobs";

	static final double RATIO_TARGET = 0.7;

	static final long HEAP_CAP_BYTES = 256L * 1024 * 1024;

	private static final long MIB = 1024 * 1024;

	private static final int BUDGET_SECONDS = 180;

	private static final String USAGE = """
			usage: java -Xmx256m -jar plasma-bench.jar blobs [--db postgresql|h2] [--db-name plasma_bench_blobs]
			         [--size-mb 100] [--rounds 2] [--clients 16] [--concurrent-size-mb 10] [--downloads-per-client 4]
			         [--stores database,filesystem]
			""";

	private final String database;

	private final String databaseName;

	private final long size;

	private final int rounds;

	private final int clients;

	private final long concurrentSize;

	private final int downloadsPerClient;

	private final List<String> stores;

	private BlobBenchmark(String database, String databaseName, long size, int rounds, int clients, long concurrentSize,
			int downloadsPerClient, List<String> stores) {
		this.database = database;
		this.databaseName = databaseName;
		this.size = size;
		this.rounds = rounds;
		this.clients = clients;
		this.concurrentSize = concurrentSize;
		this.downloadsPerClient = downloadsPerClient;
		this.stores = stores;
	}

	/**
	 * Runs the benchmark.
	 * @param args the options after the command
	 * @return the exit status
	 */
	public static int run(String[] args) {
		return BenchSupport.run(args, BlobBenchmark::parse, USAGE, (benchmark) -> BUDGET_SECONDS, BlobBenchmark::measure);
	}

	static BlobBenchmark parse(String[] args) {
		String database = "postgresql";
		String databaseName = "plasma_bench_blobs";
		int sizeMb = 100;
		int rounds = 2;
		int clients = 16;
		int concurrentSizeMb = 10;
		int downloadsPerClient = 4;
		List<String> stores = List.of("database", "filesystem");
		for (Map.Entry<String, String> option : BenchSupport.options(args).entrySet()) {
			String name = option.getKey();
			String value = option.getValue();
			switch (name) {
				case "--db" -> {
					database = value.toLowerCase(Locale.ROOT);
					if (!database.equals("postgresql") && !database.equals("h2")) {
						throw new IllegalArgumentException("--db must be postgresql or h2, not '" + value + "'");
					}
				}
				case "--db-name" -> {
					if (!value.matches("[a-z_][a-z0-9_]*")) {
						throw new IllegalArgumentException("--db-name must be a plain lower-case identifier");
					}
					databaseName = value;
				}
				case "--size-mb" -> sizeMb = BenchSupport.wholeNumber(name, value, 1, 1024);
				case "--rounds" -> rounds = BenchSupport.wholeNumber(name, value, 1, 10);
				case "--clients" -> clients = BenchSupport.wholeNumber(name, value, 1, 64);
				case "--concurrent-size-mb" -> concurrentSizeMb = BenchSupport.wholeNumber(name, value, 1, 100);
				case "--downloads-per-client" -> downloadsPerClient = BenchSupport.wholeNumber(name, value, 1, 100);
				case "--stores" -> {
					stores = List.of(value.split(","));
					if (stores.isEmpty() || !List.of("database", "filesystem").containsAll(stores)) {
						throw new IllegalArgumentException("--stores lists database and/or filesystem, not '" + value + "'");
					}
				}
				default -> throw new IllegalArgumentException("unknown option " + name);
			}
		}
		return new BlobBenchmark(database, databaseName, sizeMb * MIB, rounds, clients, concurrentSizeMb * MIB,
				downloadsPerClient, stores);
	}

	private boolean measure() throws Exception {
		long maxHeap = Runtime.getRuntime().maxMemory();
		boolean heapCapped = maxHeap <= HEAP_CAP_BYTES;
		print("benchmark", "blobs (upload and download through {base}/blobs/{sha256} against the store itself, issue 11)");
		print("machine", Runtime.getRuntime().availableProcessors() + " cpus, Java " + System.getProperty("java.version")
				+ "; client, embedded app and database share them; load average " + loadAverage() + " before");
		print("heap", String.format(Locale.ROOT, "max %.0f MiB (-Xmx)%s", maxHeap / (double) MIB,
				heapCapped ? "" : "  NOT capped at 256 MiB: run with java -Xmx256m -jar ..."));
		print("payload", String.format(Locale.ROOT, "%d MiB, %d round(s) per store; %d clients x %d downloads of %d MiB",
				this.size / MIB, this.rounds, this.clients, this.downloadsPerClient, this.concurrentSize / MIB));
		System.out.println();
		ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
		Path work = Files.createTempDirectory("plasma-bench-blobs");
		boolean met = heapCapped;
		try {
			Payload payload = Payload.create(work.resolve("payload.bin"), this.size);
			long hashing = System.nanoTime();
			payload.hash(0, this.size);
			print("sha-256", String.format(Locale.ROOT, "%.1f MiB/s on this JVM, one thread (an upload hashes every byte;"
					+ " the direct copy does not)", rate(System.nanoTime() - hashing)));
			long variants = 0;
			for (String store : this.stores) {
				met &= measureStore(store, payload, work, variants);
				variants += 1000;
			}
		}
		finally {
			deleteRecursively(work);
		}
		print("heap peak", String.format(Locale.ROOT, "%.0f MiB (sum of the heap pools' peaks, an upper bound) of %.0f MiB max;"
				+ " %d collections, %d ms in GC; no OutOfMemoryError", heapPeak() / (double) MIB, maxHeap / (double) MIB,
				gcCount(), gcMillis()));
		print("load average", loadAverage() + " after");
		print("result", met ? "PASS" : "FAIL");
		return met;
	}

	private boolean measureStore(String store, Payload payload, Path work, long firstVariant) throws Exception {
		String url = prepareDatabase(work.resolve("h2-" + store));
		String user = this.database.equals("h2") ? "sa" : "postgres";
		try (Connection connection = DriverManager.getConnection(url, user, "");
				Statement statement = connection.createStatement()) {
			statement.execute(EmbeddedBlobApp.TABLE_DDL);
		}
		long started = System.nanoTime();
		try (EmbeddedBlobApp app = EmbeddedBlobApp.start(url, user, store, work.resolve("files-" + store),
				2 * Math.max(this.size, this.concurrentSize))) {
			String where = store + " store" + (store.equals("database") ? " on " + this.database : "");
			print(store, where + ", app started in " + seconds(System.nanoTime() - started));
			BlobStore blobs = app.store();
			BlobHttpClient client = new BlobHttpClient(app.baseUrl());
			double[] uploadRatios = new double[this.rounds];
			double[] downloadRatios = new double[this.rounds];
			String lastHash = null;
			for (int round = 0; round < this.rounds; round++) {
				long variant = firstVariant + 2L * round;
				String hash = payload.hash(variant, this.size);
				String direct = String.format(Locale.ROOT, "%064x", variant + 1);
				boolean directFirst = round % 2 == 0;
				long directUp;
				long httpUp;
				if (directFirst) {
					directUp = directUpload(blobs, payload, variant + 1, direct, round);
					httpUp = httpUpload(client, payload, variant, hash);
				}
				else {
					httpUp = httpUpload(client, payload, variant, hash);
					directUp = directUpload(blobs, payload, variant + 1, direct, round);
				}
				long directDown;
				long httpDown;
				if (directFirst) {
					directDown = directDownload(blobs, direct);
					httpDown = httpDownload(client, hash);
				}
				else {
					httpDown = httpDownload(client, hash);
					directDown = directDownload(blobs, direct);
				}
				blobs.delete(direct);
				uploadRatios[round] = directUp / (double) httpUp;
				downloadRatios[round] = directDown / (double) httpDown;
				lastHash = hash;
				print("  round " + (round + 1), String.format(Locale.ROOT,
						"upload   store %7.1f MiB/s  HTTP %7.1f MiB/s  ratio %.2f   (%s first)", rate(directUp), rate(httpUp),
						uploadRatios[round], directFirst ? "store" : "HTTP"));
				print("", String.format(Locale.ROOT, "download store %7.1f MiB/s  HTTP %7.1f MiB/s  ratio %.2f", rate(directDown),
						rate(httpDown), downloadRatios[round]));
			}
			String downloaded = client.sha256(lastHash);
			if (!downloaded.equals(lastHash)) {
				throw new IllegalStateException("a download of " + lastHash + " hashed to " + downloaded);
			}
			print("  verified", "a further GET of the last upload hashes to its name");
			double uploadRatio = median(uploadRatios);
			double downloadRatio = median(downloadRatios);
			boolean concurrentOk = concurrentDownloads(client, payload, firstVariant + 999);
			print("  verdict", String.format(Locale.ROOT, "upload HTTP/store median ratio %.2f (target >= %.2f)  %s", uploadRatio,
					RATIO_TARGET, (uploadRatio >= RATIO_TARGET) ? "PASS" : "FAIL"));
			print("  verdict", String.format(Locale.ROOT, "download HTTP/store median ratio %.2f (target >= %.2f)  %s",
					downloadRatio, RATIO_TARGET, (downloadRatio >= RATIO_TARGET) ? "PASS" : "FAIL"));
			System.out.println();
			return uploadRatio >= RATIO_TARGET && downloadRatio >= RATIO_TARGET && concurrentOk;
		}
	}

	private String prepareDatabase(Path h2Directory) throws Exception {
		if (this.database.equals("h2")) {
			return "jdbc:h2:file:" + h2Directory.resolve("bench").toAbsolutePath();
		}
		return BenchSupport.freshPostgresDatabase(this.databaseName);
	}

	private long directUpload(BlobStore blobs, Payload payload, long variant, String name, int round) throws IOException {
		String key = "bench-direct-" + round;
		long started = System.nanoTime();
		try (InputStream in = payload.open(variant, this.size)) {
			blobs.append(key, 0, in);
		}
		blobs.publish(key, name);
		return System.nanoTime() - started;
	}

	private long httpUpload(BlobHttpClient client, Payload payload, long variant, String hash) throws Exception {
		long started = System.nanoTime();
		int status = client.put(hash, payload, variant, this.size);
		long elapsed = System.nanoTime() - started;
		if (status != 201) {
			throw new IllegalStateException("PUT of a new blob answered " + status + ", not 201");
		}
		return elapsed;
	}

	private long directDownload(BlobStore blobs, String name) throws IOException {
		long started = System.nanoTime();
		long read;
		try (InputStream in = blobs.read(name, 0)) {
			read = Streams.drain(in);
		}
		long elapsed = System.nanoTime() - started;
		requireSize(read, this.size);
		return elapsed;
	}

	private long httpDownload(BlobHttpClient client, String hash) throws IOException {
		long started = System.nanoTime();
		long read = client.get(hash);
		long elapsed = System.nanoTime() - started;
		requireSize(read, this.size);
		return elapsed;
	}

	/**
	 * {@code --clients} threads each download one blob {@code --downloads-per-client} times, all released at
	 * once; prints the latencies.
	 * @return whether every download was complete
	 */
	private boolean concurrentDownloads(BlobHttpClient client, Payload payload, long variant) throws Exception {
		String hash = payload.hash(variant, this.concurrentSize);
		if (client.put(hash, payload, variant, this.concurrentSize) != 201) {
			throw new IllegalStateException("PUT of the concurrent downloads' blob was refused");
		}
		client.get(hash);
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(this.clients);
		List<Future<long[]>> results = new ArrayList<>();
		for (int i = 0; i < this.clients; i++) {
			results.add(pool.submit(() -> {
				start.await();
				long[] latencies = new long[this.downloadsPerClient];
				for (int n = 0; n < latencies.length; n++) {
					long began = System.nanoTime();
					requireSize(client.get(hash), this.concurrentSize);
					latencies[n] = System.nanoTime() - began;
				}
				return latencies;
			}));
		}
		long began = System.nanoTime();
		start.countDown();
		List<Long> all = new ArrayList<>();
		for (Future<long[]> result : results) {
			Arrays.stream(result.get()).forEach(all::add);
		}
		long wall = System.nanoTime() - began;
		pool.shutdown();
		all.sort(Comparator.naturalOrder());
		print("  concurrent", String.format(Locale.ROOT,
				"%d clients x %d GETs of %d MiB: p50 %.0f ms, p99 %.0f ms, max %.0f ms; %.1f MiB/s together in %s",
				this.clients, this.downloadsPerClient, this.concurrentSize / MIB, percentile(all, 50), percentile(all, 99),
				all.get(all.size() - 1) / 1e6, all.size() * (double) this.concurrentSize / MIB / (wall / 1e9), seconds(wall)));
		return all.size() == this.clients * this.downloadsPerClient;
	}

	private static void requireSize(long read, long expected) {
		if (read != expected) {
			throw new IllegalStateException("read " + read + " bytes of a blob of " + expected);
		}
	}

	private double rate(long nanos) {
		return this.size / (double) MIB / (nanos / 1e9);
	}

	private static double percentile(List<Long> sorted, double percent) {
		int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1))) / 1e6;
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	private static long heapPeak() {
		return ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter((pool) -> pool.getType() == MemoryType.HEAP)
			.mapToLong((pool) -> pool.getPeakUsage().getUsed())
			.sum();
	}

	private static long gcCount() {
		return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
	}

	private static long gcMillis() {
		return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
	}

	private static String seconds(long nanos) {
		return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
	}

	private static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	private static void print(String label, String text) {
		System.out.printf(Locale.ROOT, "%-14s %s%n", label, text);
	}

	private static void deleteRecursively(Path directory) throws IOException {
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

}

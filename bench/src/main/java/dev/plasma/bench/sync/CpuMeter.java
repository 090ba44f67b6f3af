package dev.plasma.bench.sync;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time spent by the three parties of the benchmark, all on the same machine: the sample app (its
 * {@code process.cpu.time} meter), the PostgreSQL backends serving the benchmark's database (from
 * {@code /proc/<pid>/stat}, found by their {@code postgres: ... <database> ...} process title) and this
 * load generator. Best effort: a party that cannot be read reports nothing.
 */
final class CpuMeter {

	/** Linux's USER_HZ, the unit of utime and stime in {@code /proc/<pid>/stat}, on every common kernel. */
	private static final long NANOS_PER_TICK = 10_000_000L;

	private final ServerMetrics server;

	private final String database;

	CpuMeter(ServerMetrics server, String database) {
		this.server = server;
		this.database = database;
	}

	/**
	 * Takes a reading of the three counters.
	 * @return the reading
	 */
	Reading read() {
		Double app = this.server.value("process.cpu.time");
		return new Reading((app != null) ? app.longValue() : -1, databaseBackends(), ownCpu());
	}

	private static long ownCpu() {
		if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			return os.getProcessCpuTime();
		}
		return -1;
	}

	/**
	 * Returns CPU nanoseconds per backend PID of the benchmark's database.
	 */
	private Map<Long, Long> databaseBackends() {
		Map<Long, Long> backends = new HashMap<>();
		if (this.database == null) {
			return backends;
		}
		String marker = " " + this.database + " ";
		try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
			for (Path process : processes) {
				try {
					String title = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8)
						.replace('\0', ' ');
					if (!title.startsWith("postgres: ") || !title.contains(marker)) {
						continue;
					}
					String stat = Files.readString(process.resolve("stat"));
					String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
					// fields[0] is field 3 (state): utime is field 14, stime field 15
					long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
					backends.put(Long.parseLong(process.getFileName().toString()), ticks * NANOS_PER_TICK);
				}
				catch (IOException | RuntimeException ex) {
					// the process ended meanwhile, or is not ours to read
				}
			}
		}
		catch (IOException ex) {
			return backends;
		}
		return backends;
	}

	/**
	 * One reading.
	 * @param appNanos the app's CPU time, or -1
	 * @param backendNanos CPU time per PostgreSQL backend of the database
	 * @param loadGeneratorNanos this process's CPU time, or -1
	 */
	record Reading(long appNanos, Map<Long, Long> backendNanos, long loadGeneratorNanos) {

		/**
		 * Describes the CPU spent per request between an earlier reading and this one.
		 * @param before the earlier reading
		 * @param requests requests completed in between
		 * @return a line such as {@code cpu per request: app 812 us, db 430 us, load generator 260 us}
		 */
		String perRequest(Reading before, long requests) {
			if (requests <= 0) {
				return "no requests";
			}
			StringBuilder line = new StringBuilder("cpu per request:");
			if (this.appNanos >= 0 && before.appNanos >= 0) {
				line.append(String.format(Locale.ROOT, " app %d us,", (this.appNanos - before.appNanos) / requests / 1000));
			}
			if (!this.backendNanos.isEmpty()) {
				long db = 0;
				for (Map.Entry<Long, Long> backend : this.backendNanos.entrySet()) {
					db += backend.getValue() - before.backendNanos.getOrDefault(backend.getKey(), 0L);
				}
				line.append(String.format(Locale.ROOT, " db %d us (%d backends),", db / requests / 1000,
						this.backendNanos.size()));
			}
			if (this.loadGeneratorNanos >= 0 && before.loadGeneratorNanos >= 0) {
				line.append(String.format(Locale.ROOT, " load generator %d us,",
						(this.loadGeneratorNanos - before.loadGeneratorNanos) / requests / 1000));
			}
			line.setLength(line.length() - 1);
			return line.toString();
		}

	}

}

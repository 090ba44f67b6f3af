package dev.plasma.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import javax.sql.DataSource;

/**
 * CPU time spent by this JVM and, on PostgreSQL, by the server backends of the benchmark database (read
 * from {@code /proc/<pid>/stat}, so only when the server runs on this Linux machine). Other clients of the
 * same server are not counted, which keeps the figures meaningful on a shared machine.
 */
final class CpuProbe {

	private static final long NANOS_PER_TICK = 10_000_000L;

	private final DataSource dataSource;

	private final boolean serverVisible;

	CpuProbe(DataSource dataSource, BenchDatabase database) {
		this.dataSource = dataSource;
		this.serverVisible = database == BenchDatabase.POSTGRESQL && Files.isDirectory(Path.of("/proc/self"));
	}

	/**
	 * CPU used so far.
	 * @param jvmNanos CPU time of this JVM
	 * @param serverNanos CPU time per backend PID, empty when not visible
	 */
	record Sample(long jvmNanos, Map<Long, Long> serverNanos) {

		/**
		 * Returns the server CPU time used between {@code earlier} and this sample, -1 when not visible.
		 * Backends present in both samples are counted.
		 */
		long serverSince(Sample earlier) {
			if (this.serverNanos.isEmpty()) {
				return -1;
			}
			long total = 0;
			for (Map.Entry<Long, Long> entry : this.serverNanos.entrySet()) {
				Long before = earlier.serverNanos.get(entry.getKey());
				if (before != null) {
					total += entry.getValue() - before;
				}
			}
			return total;
		}

	}

	Sample sample() {
		long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
		Map<Long, Long> server = new HashMap<>();
		if (this.serverVisible) {
			try (Connection connection = this.dataSource.getConnection();
					Statement statement = connection.createStatement();
					ResultSet rs = statement.executeQuery(
							"SELECT pid FROM pg_stat_activity WHERE datname = current_database()")) {
				while (rs.next()) {
					long pid = rs.getLong(1);
					long cpu = processCpuNanos(pid);
					if (cpu >= 0) {
						server.put(pid, cpu);
					}
				}
			}
			catch (SQLException ex) {
				server.clear();
			}
		}
		return new Sample(jvm, server);
	}

	private static long processCpuNanos(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

}

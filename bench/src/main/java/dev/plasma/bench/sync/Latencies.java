package dev.plasma.bench.sync;

import java.util.Arrays;
import java.util.List;

/**
 * Request latencies of one phase, in nanoseconds, merged from the recorders of its client threads.
 */
final class Latencies {

	private long[] values = new long[1024];

	private int count;

	/**
	 * Records one latency; one recorder per thread.
	 * @param nanos the latency
	 */
	void record(long nanos) {
		if (this.count == this.values.length) {
			this.values = Arrays.copyOf(this.values, this.values.length * 2);
		}
		this.values[this.count++] = nanos;
	}

	int count() {
		return this.count;
	}

	/**
	 * Merges per-thread recorders into one sorted distribution.
	 * @param parts the recorders
	 * @return the distribution
	 */
	static Distribution merge(List<Latencies> parts) {
		int total = 0;
		for (Latencies part : parts) {
			total += part.count;
		}
		long[] all = new long[total];
		int at = 0;
		for (Latencies part : parts) {
			System.arraycopy(part.values, 0, all, at, part.count);
			at += part.count;
		}
		Arrays.sort(all);
		return new Distribution(all);
	}

	/**
	 * A sorted set of latencies.
	 */
	static final class Distribution {

		private final long[] sorted;

		Distribution(long[] sorted) {
			this.sorted = sorted;
		}

		int count() {
			return this.sorted.length;
		}

		long nanos(int index) {
			return this.sorted[index];
		}

		/**
		 * Returns a percentile by nearest rank, in milliseconds.
		 * @param percent 0 to 100
		 * @return the latency, or NaN with no samples
		 */
		double percentileMillis(double percent) {
			if (this.sorted.length == 0) {
				return Double.NaN;
			}
			int rank = (int) Math.ceil(percent / 100.0 * this.sorted.length);
			return this.sorted[Math.max(0, Math.min(this.sorted.length - 1, rank - 1))] / 1e6;
		}

		double maxMillis() {
			return (this.sorted.length == 0) ? Double.NaN : this.sorted[this.sorted.length - 1] / 1e6;
		}

		double meanMillis() {
			if (this.sorted.length == 0) {
				return Double.NaN;
			}
			double sum = 0;
			for (long value : this.sorted) {
				sum += value;
			}
			return sum / this.sorted.length / 1e6;
		}

		String summary() {
			return String.format(java.util.Locale.ROOT, "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (%d requests)",
					percentileMillis(50), percentileMillis(90), percentileMillis(99), maxMillis(), count());
		}

	}

}

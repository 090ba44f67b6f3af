package dev.plasma.bench;

import java.util.Arrays;

import dev.plasma.sequencer.SequencedBatch;
import dev.plasma.sequencer.SequencerListener;

/**
 * Records, while switched on, how long each entry waited between its capture ({@code created_at}, taken
 * by the trigger) and the commit of the sequencer batch that gave it a version, and the time between
 * consecutive batch commits (the sequencer's cycle: its poll pause plus one batch).
 */
final class DelayRecorder implements SequencerListener {

	private final Samples delays = new Samples();

	private final Samples cycles = new Samples();

	private long lastSequencedAt;

	private boolean recording;

	@Override
	public synchronized void sequenced(SequencedBatch batch, long[] createdAts) {
		if (!this.recording) {
			return;
		}
		for (long createdAt : createdAts) {
			this.delays.add(batch.sequencedAt() - createdAt);
		}
		if (this.lastSequencedAt != 0) {
			this.cycles.add(batch.sequencedAt() - this.lastSequencedAt);
		}
		this.lastSequencedAt = batch.sequencedAt();
	}

	synchronized void start() {
		this.delays.clear();
		this.cycles.clear();
		this.lastSequencedAt = 0;
		this.recording = true;
	}

	synchronized Delays stop() {
		this.recording = false;
		return new Delays(new Distribution(this.delays.toArray()), new Distribution(this.cycles.toArray()),
				this.cycles.size() + ((this.lastSequencedAt != 0) ? 1 : 0));
	}

	/**
	 * What was recorded between {@link #start()} and {@link #stop()}.
	 * @param entries capture-to-sequenced delay of each entry (ms)
	 * @param cycles time between consecutive batch commits (ms)
	 * @param batches number of batches
	 */
	record Delays(Distribution entries, Distribution cycles, int batches) {

		static Delays merge(Iterable<Delays> parts) {
			Samples entries = new Samples();
			Samples cycles = new Samples();
			int batches = 0;
			for (Delays part : parts) {
				entries.addAll(part.entries.sorted);
				cycles.addAll(part.cycles.sorted);
				batches += part.batches;
			}
			return new Delays(new Distribution(entries.toArray()), new Distribution(cycles.toArray()), batches);
		}

	}

	/**
	 * Sorted millisecond values with nearest-rank percentiles.
	 */
	static final class Distribution {

		private final long[] sorted;

		Distribution(long[] values) {
			this.sorted = values.clone();
			Arrays.sort(this.sorted);
		}

		int count() {
			return this.sorted.length;
		}

		/**
		 * Returns the nearest-rank percentile, or -1 when nothing was recorded.
		 */
		long percentile(double p) {
			if (this.sorted.length == 0) {
				return -1;
			}
			int rank = (int) Math.ceil(p / 100.0 * this.sorted.length);
			return this.sorted[Math.max(0, Math.min(this.sorted.length - 1, rank - 1))];
		}

		long max() {
			return (this.sorted.length == 0) ? -1 : this.sorted[this.sorted.length - 1];
		}

	}

	private static final class Samples {

		private long[] values = new long[1 << 12];

		private int size;

		void add(long value) {
			if (this.size == this.values.length) {
				this.values = Arrays.copyOf(this.values, this.size * 2);
			}
			this.values[this.size++] = value;
		}

		void addAll(long[] more) {
			for (long value : more) {
				add(value);
			}
		}

		int size() {
			return this.size;
		}

		void clear() {
			this.size = 0;
		}

		long[] toArray() {
			return Arrays.copyOf(this.values, this.size);
		}

	}

}

package dev.plasma.compaction;

import java.time.Duration;

/**
 * Told about every compaction pass of a {@link ChangeLogCompactor} (for metrics).
 */
public interface CompactionListener {

	/**
	 * Called after a pass completed.
	 * @param result what it did
	 */
	default void compacted(CompactionResult result) {
	}

	/**
	 * Called after a pass failed or was stopped before completing. Batches committed before stay
	 * committed; the next pass finishes the work.
	 * @param duration how long it ran
	 * @param failure why it stopped
	 */
	default void compactionFailed(Duration duration, RuntimeException failure) {
	}

}

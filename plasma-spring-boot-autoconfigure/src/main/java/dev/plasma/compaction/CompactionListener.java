package dev.plasma.compaction;

import java.time.Duration;

/**
 * Told about every compaction pass of a {@link ChangeLogCompactor} (for metrics, and for readers of the
 * change log that must see entries before compaction folds them).
 */
public interface CompactionListener {

	/**
	 * Called before a pass reads anything; throwing fails the pass before it changed anything.
	 * @param region the region compacted
	 * @param safeUpToVersion the version the pass may fold up to
	 */
	default void compacting(String region, long safeUpToVersion) {
	}

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

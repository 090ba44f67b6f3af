package dev.plasma.compaction;

import java.time.Duration;
import java.time.Instant;

/**
 * What one compaction pass did.
 * @param upToVersion the version compacted up to: the requested {@code safeUpToVersion}, capped at the
 * sequencer's head
 * @param examined entries looked at (those above the previous pass's end, up to {@code upToVersion})
 * @param removed entries deleted
 * @param floor the compaction floor after the pass; cookies below it get a reset
 * @param batches transactions the pass took
 * @param duration how long the pass took
 * @param finishedAt when the pass finished
 */
public record CompactionResult(long upToVersion, long examined, long removed, long floor, int batches,
		Duration duration, Instant finishedAt) {

}

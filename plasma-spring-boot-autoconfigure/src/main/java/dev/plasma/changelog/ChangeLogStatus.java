package dev.plasma.changelog;

import java.time.Duration;
import java.time.Instant;

/**
 * A snapshot of the change log, the sequencer and compaction, as operators watch them. Times are the
 * database's clock (Unix ms).
 * @param head the highest version handed out
 * @param floor the compaction floor; cookies below it get a reset
 * @param entries entries in {@code _plasma_changes}: {@code head} minus the entries compaction removed
 * @param pending committed entries waiting for the sequencer
 * @param oldestPendingCreatedAt creation time of the oldest pending entry, {@code null} when none
 * @param compactedTo the version the last complete compaction pass went up to
 * @param compactedEntries entries removed by compaction so far
 * @param compactedAt when the last complete compaction pass finished, 0 for never
 * @param databaseNow the database's time when this was read
 * @param readAt when this was read, on this JVM's clock
 */
public record ChangeLogStatus(long head, long floor, long entries, long pending, Long oldestPendingCreatedAt,
		long compactedTo, long compactedEntries, long compactedAt, long databaseNow, Instant readAt) {

	/**
	 * Returns how long the oldest pending entry has waited for the sequencer.
	 * @return the age, {@link Duration#ZERO} when nothing is pending
	 */
	public Duration oldestPendingAge() {
		return (this.oldestPendingCreatedAt != null)
				? Duration.ofMillis(Math.max(0, this.databaseNow - this.oldestPendingCreatedAt)) : Duration.ZERO;
	}

	/**
	 * Returns how long ago the last complete compaction pass finished.
	 * @return the age, {@code null} when the change log was never compacted
	 */
	public Duration compactionAge() {
		return (this.compactedAt > 0) ? Duration.ofMillis(Math.max(0, this.databaseNow - this.compactedAt)) : null;
	}

}

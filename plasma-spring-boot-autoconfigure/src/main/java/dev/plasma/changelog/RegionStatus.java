package dev.plasma.changelog;

import org.jspecify.annotations.Nullable;

/**
 * One region's part of the change log, as operators watch it. Times are the database's clock (Unix ms).
 * @param region the region
 * @param head the highest version the region handed out
 * @param floor the region's compaction floor
 * @param pending committed entries waiting for the region's sequencer
 * @param lagMillis how long the region's oldest pending entry has waited, 0 when none
 * @param leaseUntil when the region's lease ends, 0 when no instance of it ever renewed it
 * @param leasedBy the instance that renewed it last, {@code null} for none
 * @param live whether the lease has not ended
 */
public record RegionStatus(String region, long head, long floor, long pending, long lagMillis, long leaseUntil,
		@Nullable String leasedBy, boolean live) {
}

package dev.plasma.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.plasma.capture.CaptureTriggerCheck;
import dev.plasma.changelog.ChangeLogStatus;
import dev.plasma.changelog.ChangeLogStatusReader;
import dev.plasma.changelog.RegionStatus;
import dev.plasma.region.RegionIds;
import dev.plasma.replica.ReplicaLag;
import dev.plasma.replica.ReplicaStatus;

/**
 * Health of Plasma's change log: {@code DOWN} when a synced table has lost its capture triggers (detail
 * {@code tablesWithoutCapture} names them; their writes reach no client until a restart re-installs the
 * triggers), or when the sequencer is stuck, that is when a committed entry has waited longer than
 * {@code sequencerStuckAfter} for its version (no client can pull it until it has one); {@code UP}
 * otherwise. Details: head, floor, entries, pending entries and the oldest one's age,
 * and when compaction last completed and how long ago, and {@code regions}: each region's head, floor,
 * pending entries, lag and whether its lease is live (a region whose lease ended is taken over, see
 * {@link dev.plasma.sequencer.RegionTakeover}; the state stays UP while the lag stays below the threshold).
 * With a read replica, {@code readReplica} too: whether it answered (else {@code error}), how many versions
 * it is behind in each region ({@code versionsBehind}) and its {@code replayDelay} where the database tells
 * it. A lagging or failing replica never turns the state DOWN: pulls it cannot answer go to the primary.
 */
public class PlasmaHealthIndicator extends AbstractHealthIndicator {

	private final ChangeLogStatusReader statusReader;

	private final CaptureTriggerCheck captureCheck;

	private final Duration sequencerStuckAfter;

	private String rawWritesRegion = RegionIds.DEFAULT;

	private @Nullable ReplicaLag replicaLag;

	/**
	 * Creates the indicator.
	 * @param statusReader reads the change log's status
	 * @param captureCheck finds synced tables that lost their capture triggers
	 * @param sequencerStuckAfter how long an entry may wait for the sequencer before the state is DOWN
	 */
	public PlasmaHealthIndicator(ChangeLogStatusReader statusReader, CaptureTriggerCheck captureCheck,
			Duration sequencerStuckAfter) {
		super("Plasma health check failed");
		this.statusReader = statusReader;
		this.captureCheck = captureCheck;
		this.sequencerStuckAfter = sequencerStuckAfter;
	}

	/**
	 * Sets the region that sequences writes without a region, so that each region's pending entries are
	 * counted as its sequencer takes them.
	 * @param rawWritesRegion the default region for raw writes
	 */
	public void setRawWritesRegion(String rawWritesRegion) {
		this.rawWritesRegion = RegionIds.require(rawWritesRegion, "default region for raw writes");
	}

	/**
	 * Sets where the read replica's lag is read, for the {@code readReplica} detail.
	 * @param replicaLag reads the replica's lag, {@code null} without a replica
	 */
	public void setReplicaLag(@Nullable ReplicaLag replicaLag) {
		this.replicaLag = replicaLag;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ChangeLogStatus status = this.statusReader.read();
		Duration waiting = status.oldestPendingAge();
		List<String> withoutCapture = this.captureCheck.tablesWithoutCapture();
		if (!withoutCapture.isEmpty()) {
			builder.down()
				.withDetail("reason", "capture triggers missing on synced table(s) "
						+ withoutCapture.stream().map((name) -> "'" + name + "'").collect(Collectors.joining(", "))
						+ ": their writes are not captured; restart the application to re-install them")
				.withDetail("tablesWithoutCapture", withoutCapture);
		}
		else if (status.pending() > 0 && waiting.compareTo(this.sequencerStuckAfter) > 0) {
			builder.down()
				.withDetail("reason", "sequencer stuck: the oldest pending entry has waited " + waiting
						+ " for a version (threshold " + this.sequencerStuckAfter + ")");
		}
		else {
			builder.up();
		}
		Duration compactionAge = status.compactionAge();
		builder.withDetail("head", status.head())
			.withDetail("floor", status.floor())
			.withDetail("entries", status.entries())
			.withDetail("pending", status.pending())
			.withDetail("oldestPendingAge", waiting.toString())
			.withDetail("lastCompaction",
					(status.compactedAt() > 0) ? Instant.ofEpochMilli(status.compactedAt()).toString() : "never")
			.withDetail("compactionAge", (compactionAge != null) ? compactionAge.toString() : "never");
		Map<String, Map<String, Object>> regions = new LinkedHashMap<>();
		for (RegionStatus region : this.statusReader.readRegions(this.rawWritesRegion)) {
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("head", region.head());
			detail.put("floor", region.floor());
			detail.put("pending", region.pending());
			detail.put("lag", Duration.ofMillis(region.lagMillis()).toString());
			detail.put("live", region.live());
			regions.put(region.region(), detail);
		}
		builder.withDetail("regions", regions);
		if (this.replicaLag != null) {
			builder.withDetail("readReplica", replicaDetail(this.replicaLag.status()));
		}
	}

	private static Map<String, Object> replicaDetail(ReplicaStatus status) {
		Map<String, Object> detail = new LinkedHashMap<>();
		detail.put("answered", status.answered());
		if (status.error() != null) {
			detail.put("error", status.error());
		}
		else {
			detail.put("versionsBehind", status.versionsBehind());
		}
		if (status.replayDelayMillis() != null) {
			detail.put("replayDelay", Duration.ofMillis(status.replayDelayMillis()).toString());
		}
		return detail;
	}

}

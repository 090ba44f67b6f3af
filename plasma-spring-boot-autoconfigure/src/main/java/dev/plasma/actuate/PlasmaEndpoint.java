package dev.plasma.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import dev.plasma.blob.BlobCollection;
import dev.plasma.blob.BlobCollector;
import dev.plasma.changelog.ChangeLogStatus;
import dev.plasma.changelog.ChangeLogStatusReader;
import dev.plasma.changelog.RegionStatus;
import dev.plasma.region.RegionIds;
import dev.plasma.compaction.CompactionJob;
import dev.plasma.compaction.CompactionResult;
import dev.plasma.replica.ReplicaLag;
import dev.plasma.replica.ReplicaStatus;

/**
 * The {@code plasma} actuator endpoint. Reading it ({@code GET /actuator/plasma}) shows the change log's
 * head, compaction floor, entry count, pending count, and the last compaction (on any instance, and the
 * last pass of this instance with what it did). Writing it ({@code POST /actuator/plasma}, optional
 * {@code safeUpToVersion}) runs a compaction pass now, under the same lease as the schedule: up to the
 * given version (at most the head), up to the head with <code>{"safeUpToVersion":"head"}</code> (which
 * resets every client whose cookie is older), or else up to the retention cutoff. A negative version,
 * one beyond the head, or anything else is answered with 400 and {@code "status":"rejected"}. Without
 * {@code region} the pass is this instance's region's (with the scheduled pass's retention cutoff for every
 * other region); with <code>{"region":"1"}</code> only that region is compacted, and {@code safeUpToVersion}
 * is a version of its own version space. An unknown or malformed region is a 400 too. With a read replica,
 * reading it also shows {@code readReplica}: whether the replica answered, how many versions it is behind
 * in each region and its replay delay ({@link ReplicaStatus}).
 */
@Endpoint(id = "plasma")
public class PlasmaEndpoint {

	/**
	 * The {@code safeUpToVersion} that compacts up to the head.
	 */
	public static final String HEAD = "head";

	private final ChangeLogStatusReader statusReader;

	private String rawWritesRegion = RegionIds.DEFAULT;

	private final @Nullable CompactionJob compactionJob;

	private final @Nullable BlobCollector blobCollector;

	private @Nullable ReplicaLag replicaLag;

	/**
	 * Creates the endpoint.
	 * @param statusReader reads the change log's status
	 * @param compactionJob runs compactions, {@code null} when compaction is disabled
	 */
	public PlasmaEndpoint(ChangeLogStatusReader statusReader, @Nullable CompactionJob compactionJob) {
		this(statusReader, compactionJob, null);
	}

	/**
	 * Creates the endpoint with blob collection ({@code POST /actuator/plasma/gcOrphanedBlobs}).
	 * @param statusReader reads the change log's status
	 * @param compactionJob runs compactions, {@code null} when compaction is disabled
	 * @param blobCollector collects orphaned blobs, {@code null} without blobs
	 */
	public PlasmaEndpoint(ChangeLogStatusReader statusReader, @Nullable CompactionJob compactionJob,
			@Nullable BlobCollector blobCollector) {
		this.statusReader = statusReader;
		this.compactionJob = compactionJob;
		this.blobCollector = blobCollector;
	}

	/**
	 * Runs an operation named in the path: {@code gcOrphanedBlobs} collects orphaned blobs now.
	 * @param operation the operation
	 * @return what it did, 404 for an unknown operation
	 */
	@WriteOperation
	public WebEndpointResponse<BlobCollection> operation(@Selector String operation) {
		if (!"gcOrphanedBlobs".equals(operation) || this.blobCollector == null) {
			return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		return new WebEndpointResponse<>(this.blobCollector.gcOrphanedBlobs(), WebEndpointResponse.STATUS_OK);
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
	 * Sets where the read replica's lag is read, for {@code readReplica}.
	 * @param replicaLag reads the replica's lag, {@code null} without a replica
	 */
	public void setReplicaLag(@Nullable ReplicaLag replicaLag) {
		this.replicaLag = replicaLag;
	}

	@ReadOperation
	public PlasmaDescriptor plasma() {
		ChangeLogStatus status = this.statusReader.read();
		CompactionResult last = (this.compactionJob != null) ? this.compactionJob.compactor().lastResult().orElse(null)
				: null;
		Duration age = status.compactionAge();
		CompactionDescriptor compaction = new CompactionDescriptor(this.compactionJob != null,
				(this.compactionJob != null) ? this.compactionJob.retention().toString() : null, status.compactedTo(),
				status.compactedEntries(),
				(status.compactedAt() > 0) ? Instant.ofEpochMilli(status.compactedAt()).toString() : null,
				(age != null) ? age.toSeconds() : null, (last != null) ? ResultDescriptor.of(last) : null);
		return new PlasmaDescriptor(status.head(), status.floor(), status.entries(), status.pending(),
				status.oldestPendingAge().toMillis(), compaction, this.statusReader.readRegions(this.rawWritesRegion),
				(this.replicaLag != null) ? this.replicaLag.status() : null);
	}

	@WriteOperation
	public WebEndpointResponse<RunDescriptor> compact(@Nullable String safeUpToVersion, @Nullable String region) {
		if (this.compactionJob == null) {
			return ok(new RunDescriptor("disabled", "compaction is disabled (plasma.compaction.enabled=false)", null));
		}
		String compacted = (region != null) ? region : this.compactionJob.compactor().region();
		Long upTo;
		try {
			upTo = safeUpToVersion(safeUpToVersion, regionHead(compacted, region != null));
		}
		catch (IllegalArgumentException ex) {
			return new WebEndpointResponse<>(new RunDescriptor("rejected", ex.getMessage(), null),
					WebEndpointResponse.STATUS_BAD_REQUEST);
		}
		return ok(this.compactionJob.run(compacted, upTo)
			.map((result) -> new RunDescriptor("compacted", null, ResultDescriptor.of(result)))
			.orElseGet(() -> new RunDescriptor("skipped", "another instance holds the compaction lease", null)));
	}

	/**
	 * Returns the head of the region to compact; a region named in the request must be a known one.
	 */
	private long regionHead(String region, boolean requested) {
		if (requested && !RegionIds.isValid(region)) {
			throw new IllegalArgumentException("region must be 1 to " + RegionIds.MAX_LENGTH
					+ " letters, digits, '-' or '_'");
		}
		return this.statusReader.readRegions(this.rawWritesRegion)
			.stream()
			.filter((status) -> status.region().equals(region))
			.mapToLong(RegionStatus::head)
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("no region '" + region + "' is known (see GET /actuator/plasma)"));
	}

	private @Nullable Long safeUpToVersion(@Nullable String requested, long head) {
		if (requested == null) {
			return null;
		}
		if (HEAD.equals(requested)) {
			return head;
		}
		long version;
		try {
			version = Long.parseLong(requested.trim());
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException(
					"safeUpToVersion must be a version (0 to the head, " + head + ") or \"head\", got '" + requested + "'");
		}
		if (version < 0) {
			throw new IllegalArgumentException("safeUpToVersion must not be negative, got " + version);
		}
		if (version > head) {
			throw new IllegalArgumentException("safeUpToVersion " + version + " is beyond the head (" + head
					+ "); to compact everything up to the head, which resets every client, send \"head\"");
		}
		return version;
	}

	private static WebEndpointResponse<RunDescriptor> ok(RunDescriptor descriptor) {
		return new WebEndpointResponse<>(descriptor, WebEndpointResponse.STATUS_OK);
	}

	/**
	 * What the endpoint reads.
	 * @param head the highest sequenced version
	 * @param floor the compaction floor
	 * @param entries entries in the change log
	 * @param pending entries waiting for the sequencer
	 * @param oldestPendingAgeMillis how long the oldest pending entry has waited
	 * @param compaction compaction state
	 * @param regions each region's head, floor, pending entries, lag and lease (the fields above are
	 * region {@code "0"}'s, pending counts every region's)
	 * @param readReplica how far the read replica is behind, {@code null} (left out) without one
	 */
	public record PlasmaDescriptor(long head, long floor, long entries, long pending, long oldestPendingAgeMillis,
			CompactionDescriptor compaction, List<RegionStatus> regions, @Nullable ReplicaStatus readReplica) {
	}

	/**
	 * Compaction state.
	 * @param enabled whether compaction is enabled on this instance
	 * @param retention the retention window of scheduled runs
	 * @param compactedTo the version the last complete pass went up to
	 * @param compactedEntries entries removed so far
	 * @param lastCompletedAt when the last complete pass finished, on any instance
	 * @param ageSeconds seconds since then
	 * @param lastResult the last pass of this instance
	 */
	public record CompactionDescriptor(boolean enabled, @Nullable String retention, long compactedTo,
			long compactedEntries, @Nullable String lastCompletedAt, @Nullable Long ageSeconds,
			@Nullable ResultDescriptor lastResult) {
	}

	/**
	 * What one pass did.
	 * @param upToVersion the version compacted up to
	 * @param examined entries examined
	 * @param removed entries removed
	 * @param floor the floor afterwards
	 * @param batches transactions taken
	 * @param durationMillis how long it took
	 * @param finishedAt when it finished
	 */
	public record ResultDescriptor(long upToVersion, long examined, long removed, long floor, int batches,
			long durationMillis, String finishedAt) {

		static ResultDescriptor of(CompactionResult result) {
			return new ResultDescriptor(result.upToVersion(), result.examined(), result.removed(), result.floor(),
					result.batches(), result.duration().toMillis(), result.finishedAt().toString());
		}

	}

	/**
	 * The answer to a write: {@code compacted} with the result, {@code skipped}, {@code disabled} or
	 * {@code rejected} with the reason.
	 * @param status what happened
	 * @param reason why nothing was done, if so
	 * @param result what the pass did, if it ran
	 */
	public record RunDescriptor(String status, @Nullable String reason, @Nullable ResultDescriptor result) {
	}

}

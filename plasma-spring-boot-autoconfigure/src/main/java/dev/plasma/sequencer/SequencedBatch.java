package dev.plasma.sequencer;

/**
 * What one sequencer transaction did.
 * @param count entries given a {@code row_version}
 * @param firstVersion the first version handed out (0 when {@code count} is 0)
 * @param lastVersion the last version handed out, the new head (the old head when {@code count} is 0)
 * @param oldestCreatedAt creation time (Unix ms) of the oldest entry sequenced, 0 when none
 * @param newestCreatedAt creation time (Unix ms) of the newest entry sequenced, 0 when none
 * @param sequencedAt when the batch committed (Unix ms)
 * @param region the region whose version space the versions belong to
 */
public record SequencedBatch(int count, long firstVersion, long lastVersion, long oldestCreatedAt,
		long newestCreatedAt, long sequencedAt, String region) {

	/**
	 * Creates a batch of region {@code "0"}.
	 * @param count entries given a {@code row_version}
	 * @param firstVersion the first version handed out
	 * @param lastVersion the last version handed out
	 * @param oldestCreatedAt creation time of the oldest entry sequenced
	 * @param newestCreatedAt creation time of the newest entry sequenced
	 * @param sequencedAt when the batch committed (Unix ms)
	 */
	public SequencedBatch(int count, long firstVersion, long lastVersion, long oldestCreatedAt, long newestCreatedAt,
			long sequencedAt) {
		this(count, firstVersion, lastVersion, oldestCreatedAt, newestCreatedAt, sequencedAt, "0");
	}

}

package dev.plasma.sequencer;

/**
 * Told about every committed, non-empty sequencer batch (for metrics and benchmarks).
 */
@FunctionalInterface
public interface SequencerListener {

	/**
	 * Called after a batch committed.
	 * @param batch what the batch did
	 * @param createdAts creation time (Unix ms) of each entry of the batch, in version order
	 */
	void sequenced(SequencedBatch batch, long[] createdAts);

}

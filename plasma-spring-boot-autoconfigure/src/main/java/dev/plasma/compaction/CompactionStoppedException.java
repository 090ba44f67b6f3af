package dev.plasma.compaction;

/**
 * Thrown when a compaction pass stops between two batches before completing: its thread was
 * interrupted, or its caller asked it to stop (for example because its lease was lost). What the pass
 * committed so far is consistent; running compaction again finishes the work.
 */
public class CompactionStoppedException extends RuntimeException {

	public CompactionStoppedException(String message) {
		super(message);
	}

}

package dev.plasma.blob;

/**
 * Told about blob traffic (for metrics).
 */
public interface BlobListener {

	/** A listener that ignores everything. */
	BlobListener NONE = new BlobListener() {
	};

	/**
	 * Returns a listener telling each of several listeners, in order.
	 * @param listeners the listeners
	 * @return the composite
	 */
	static BlobListener composite(java.util.List<BlobListener> listeners) {
		java.util.List<BlobListener> all = java.util.List.copyOf(listeners);
		return new BlobListener() {
			@Override
			public void uploaded(String outcome) {
				all.forEach((listener) -> listener.uploaded(outcome));
			}

			@Override
			public void downloaded(long bytes) {
				all.forEach((listener) -> listener.downloaded(bytes));
			}

			@Override
			public void immutableChanged(String table, String column) {
				all.forEach((listener) -> listener.immutableChanged(table, column));
			}

			@Override
			public void referenceBoundHit(String hash) {
				all.forEach((listener) -> listener.referenceBoundHit(hash));
			}

			@Override
			public void collected(int orphaned, long bytes) {
				all.forEach((listener) -> listener.collected(orphaned, bytes));
			}
		};
	}

	/**
	 * Called for every upload request.
	 * @param outcome {@code STORED}, {@code DEDUPLICATED}, {@code INCOMPLETE}, or a
	 * {@link UploadRefusedException.Reason} name
	 */
	default void uploaded(String outcome) {
	}

	/**
	 * Called for every download served.
	 * @param bytes the bytes sent
	 */
	default void downloaded(long bytes) {
	}

	/**
	 * Called when a row's immutable file column was given another blob.
	 * @param table the table
	 * @param column the file column
	 */
	default void immutableChanged(String table, String column) {
	}

	/**
	 * Called when a download check met more references than it reads.
	 * @param hash the blob
	 */
	default void referenceBoundHit(String hash) {
	}

	/**
	 * Called after an orphan collection.
	 * @param orphaned the blobs whose bytes were deleted
	 * @param bytes the bytes deleted
	 */
	default void collected(int orphaned, long bytes) {
	}

}

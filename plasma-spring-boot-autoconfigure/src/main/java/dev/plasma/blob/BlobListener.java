package dev.plasma.blob;

/**
 * Told about blob traffic (for metrics).
 */
public interface BlobListener {

	/** A listener that ignores everything. */
	BlobListener NONE = new BlobListener() {
	};

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

}

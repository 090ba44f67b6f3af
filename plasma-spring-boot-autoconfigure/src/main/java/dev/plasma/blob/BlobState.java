package dev.plasma.blob;

import java.util.Locale;

/**
 * Where a content hash stands; a hash without a row in {@code _plasma_blobs} is absent.
 */
public enum BlobState {

	/** Bytes are arriving; the row knows how many. */
	UPLOADING,

	/** The bytes are stored and verified. */
	PRESENT,

	/** No row referenced the blob for the grace period; its bytes were deleted. */
	ORPHANED;

	String column() {
		return name().toLowerCase(Locale.ROOT);
	}

	static BlobState of(String column) {
		return valueOf(column.toUpperCase(Locale.ROOT));
	}

}

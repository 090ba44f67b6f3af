package dev.plasma.blob;

/**
 * Where an upload stands after a request.
 * @param state {@link BlobState#UPLOADING} or {@link BlobState#PRESENT}
 * @param offset the bytes received
 * @param size the blob's size
 * @param stored whether this request stored the blob (false for an upload of a blob already present)
 */
public record UploadProgress(BlobState state, long offset, long size, boolean stored) {

	/**
	 * Returns whether the blob is present.
	 * @return whether it is
	 */
	public boolean complete() {
		return this.state == BlobState.PRESENT;
	}

}

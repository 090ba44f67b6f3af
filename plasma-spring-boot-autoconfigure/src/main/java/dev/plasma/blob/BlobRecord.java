package dev.plasma.blob;

/**
 * One row of {@code _plasma_blobs}.
 * @param hash the content hash
 * @param state the state
 * @param size the declared size in bytes
 * @param mime the declared MIME type
 * @param uploader the user who started the upload
 * @param received the bytes received so far
 * @param updatedAt when the row last changed (Unix ms)
 */
public record BlobRecord(String hash, BlobState state, long size, String mime, String uploader, long received,
		long updatedAt) {
}

package dev.plasma.blob;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where the bytes of blobs live, keyed by their SHA-256 hash (lower-case hex). An application replaces
 * Plasma's stores (the database, a directory) by declaring a bean of this type.
 * <p>
 * Bytes arrive as a <em>staged upload</em> under an upload key, in parts appended at the offset the
 * upload has reached (a resumed upload adds further parts), and become a blob only when
 * {@link #publish published} under its hash, once Plasma has checked that they hash to it. An object
 * store maps this onto its multipart uploads: a part per {@link #append}, {@link #publish} completes the
 * upload under the hash's object name, {@link #discard} aborts it. Plasma never calls {@link #append}
 * concurrently for one upload key, nor {@link #publish} twice for one hash.
 */
public interface BlobStore {

	/**
	 * Appends bytes to a staged upload, creating it at offset 0.
	 * @param uploadKey the upload's key (letters, digits, {@code -} and {@code _}; at most 128 characters)
	 * @param offset where the bytes start; must equal the bytes staged so far
	 * @param bytes the bytes, read to their end (or until reading them fails)
	 * @return the bytes staged after the append; after a failed read, the bytes up to the last part kept
	 * @throws UploadOffsetException when {@code offset} is not the staged length
	 * @throws IOException when reading {@code bytes} or writing failed; whatever arrived of {@code bytes}
	 * may be partly staged, see {@link #staged}
	 */
	long append(String uploadKey, long offset, InputStream bytes) throws IOException;

	/**
	 * Returns how many bytes of an upload are staged.
	 * @param uploadKey the upload's key
	 * @return the staged length, 0 for an unknown upload
	 * @throws IOException when the store cannot be read
	 */
	long staged(String uploadKey) throws IOException;

	/**
	 * Reads the staged bytes of an upload from the start (to hash them again when an upload resumes).
	 * @param uploadKey the upload's key
	 * @return the bytes; the caller closes the stream
	 * @throws IOException when the store cannot be read
	 */
	InputStream readStaged(String uploadKey) throws IOException;

	/**
	 * Makes a staged upload the blob of {@code hash}; the upload key is gone afterwards.
	 * @param uploadKey the upload's key
	 * @param hash the verified hash
	 * @throws IOException when the store cannot be written
	 */
	void publish(String uploadKey, String hash) throws IOException;

	/**
	 * Removes a staged upload and everything staged for it; unknown keys are ignored.
	 * @param uploadKey the upload's key
	 * @throws IOException when the store cannot be written
	 */
	void discard(String uploadKey) throws IOException;

	/**
	 * Reads a blob from an offset.
	 * @param hash the blob's hash
	 * @param offset where to start reading
	 * @return the bytes from {@code offset} to the end; the caller closes the stream
	 * @throws IOException when the blob is missing or cannot be read
	 */
	InputStream read(String hash, long offset) throws IOException;

	/**
	 * Reads part of a blob: at least {@code length} bytes from an offset, unless the blob ends first. A store
	 * that can fetch a range (an object store) fetches only it; the default reads from the offset on.
	 * @param hash the blob's hash
	 * @param offset where to start reading
	 * @param length how many bytes the caller reads
	 * @return the bytes; the caller reads at most {@code length} and closes the stream
	 * @throws IOException when the blob is missing or cannot be read
	 */
	default InputStream read(String hash, long offset, long length) throws IOException {
		return read(hash, offset);
	}

	/**
	 * Returns whether the store holds a blob.
	 * @param hash the blob's hash
	 * @return whether it is there
	 * @throws IOException when the store cannot be read
	 */
	boolean contains(String hash) throws IOException;

	/**
	 * Deletes a blob's bytes; a missing blob is ignored.
	 * @param hash the blob's hash
	 * @throws IOException when the store cannot be written
	 */
	void delete(String hash) throws IOException;

}

package dev.plasma.blob;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import dev.plasma.blob.UploadRefusedException.Reason;

/**
 * Receives blobs: checks an upload against the declared file columns, streams its bytes to the
 * {@link BlobStore} while hashing them, and makes the blob present only when they hash to its name.
 * <p>
 * <b>How.</b> A {@code PUT} of an absent hash inserts its {@code _plasma_blobs} row as {@code uploading}
 * (the primary key lets one of concurrent uploads of a hash win; the others are told it is in progress;
 * a hash already present is accepted at once from one of its uploaders, and from anyone else once the
 * bytes they send hash to it, which makes them one more uploader, without storing them again), clears
 * whatever a previous abandoned upload of the hash left in the store, and appends the body at offset 0 through a
 * SHA-256 digest, refusing it as soon as more bytes arrive than declared. All bytes received: a matching
 * digest publishes the staged upload under the hash and marks the row {@code present}; a mismatch
 * discards the bytes and deletes the row. A body that breaks off keeps what the store kept, and the
 * row records it, so that {@code HEAD} reports the offset and a {@code PATCH} from that offset continues:
 * the continuation first hashes the staged bytes again, read back from the store. Any other refusal
 * discards the staged bytes and the row: nothing of a refused upload stays. Uploads not continued for
 * the expiry are removed by {@link #expireUploads}.
 * <p>
 * <b>One request at a time per upload.</b> A request that streams an upload's bytes holds the upload
 * ({@code receiving_until} on its row: set by the {@code PUT} that starts it, taken by a {@code PATCH}
 * with a conditional update, renewed every minute while bytes arrive, released when the request ends).
 * A second {@code PATCH} while one holds it is refused as {@link Reason#IN_PROGRESS} (409) and touches
 * nothing, so two continuations never append alongside. A hold left by a node that died expires after
 * {@value #HOLD_MINUTES} minutes.
 */
public class BlobUploads {

	/** How long a request holds an upload without renewing. */
	static final int HOLD_MINUTES = 5;

	private static final long HOLD = Duration.ofMinutes(HOLD_MINUTES).toMillis();

	private static final long RENEW_AFTER = Duration.ofMinutes(1).toMillis();

	private final BlobStore store;

	private final BlobTable table;

	private final List<FileColumn> columns;

	private final long maxSize;

	private final LongSupplier clock;

	private final BlobListener listener;

	/**
	 * Creates the service.
	 * @param store where the bytes go
	 * @param table the owner of {@code _plasma_blobs}
	 * @param columns the declared file columns
	 * @param maxSize the largest blob accepted, in bytes
	 * @param clock the current time (Unix ms)
	 * @param listener told about every upload's outcome
	 */
	public BlobUploads(BlobStore store, BlobTable table, List<FileColumn> columns, long maxSize, LongSupplier clock,
			BlobListener listener) {
		this.store = store;
		this.table = table;
		this.columns = List.copyOf(columns);
		this.maxSize = maxSize;
		this.clock = clock;
		this.listener = listener;
	}

	/**
	 * Returns the largest blob accepted.
	 * @return the limit in bytes ({@code plasma.blobs.max-size})
	 */
	public long maxSize() {
		return this.maxSize;
	}

	/**
	 * Uploads a blob, or its first part.
	 * @param user the uploading user
	 * @param hash the blob's name, its SHA-256 in lower-case hex
	 * @param mime the declared MIME type
	 * @param length the declared size, -1 when unknown
	 * @param body the bytes
	 * @return where the upload stands
	 * @throws UploadRefusedException when the upload is refused
	 */
	public UploadProgress put(String user, String hash, String mime, long length, InputStream body) {
		requireHash(hash);
		if (length < 0) {
			throw refuse(Reason.LENGTH_REQUIRED, "send Content-Length (or Upload-Length) with the blob's size");
		}
		checkPolicy(mime, length);
		Optional<UploadProgress> existing = existing(user, hash, length, body);
		if (existing.isPresent()) {
			return existing.get();
		}
		Hold hold = new Hold(hash, this.clock.getAsLong());
		if (!this.table.startUpload(hash, length, FileColumn.baseType(mime), user, hold.since, hold.until)) {
			return existing(user, hash, length, body)
				.orElseThrow(() -> refuse(Reason.IN_PROGRESS, "another upload of this blob just ended; retry"));
		}
		try {
			try {
				this.store.discard(key(hash));
			}
			catch (IOException ex) {
				this.table.abandon(hash);
				throw new UncheckedIOException(ex);
			}
			return receive(hash, length, 0, BlobHashes.sha256(), body, hold);
		}
		finally {
			hold.release();
		}
	}

	/**
	 * Continues an upload of the user's from an offset.
	 * @param user the uploading user
	 * @param hash the blob's name
	 * @param offset where the body starts; must be the bytes received so far
	 * @param body the further bytes
	 * @return where the upload stands
	 * @throws UploadRefusedException when the upload is refused
	 */
	public UploadProgress patch(String user, String hash, long offset, InputStream body) {
		requireHash(hash);
		BlobRecord row = this.table.find(hash)
			.filter((found) -> found.state() == BlobState.PRESENT
					|| found.state() == BlobState.UPLOADING && found.uploader().equals(user))
			.orElseThrow(() -> refuse(Reason.NOT_FOUND, "no upload of this blob to continue; start it with PUT"));
		if (row.state() == BlobState.PRESENT) {
			if (offset != row.size()) {
				throw new UploadRefusedException(Reason.OFFSET_MISMATCH, "the blob is complete", row.size());
			}
			return new UploadProgress(BlobState.PRESENT, row.size(), row.size(), false);
		}
		Hold hold = new Hold(hash, this.clock.getAsLong());
		if (!this.table.claim(hash, user, hold.since, hold.until)) {
			this.listener.uploaded(Reason.IN_PROGRESS.name());
			throw new UploadRefusedException(Reason.IN_PROGRESS,
					"another request is sending this upload's bytes; continue once it ends, from the offset HEAD tells",
					row.received());
		}
		try {
			return continueUpload(hash, row.size(), offset, body, hold);
		}
		finally {
			hold.release();
		}
	}

	private UploadProgress continueUpload(String hash, long size, long offset, InputStream body, Hold hold) {
		MessageDigest digest = BlobHashes.sha256();
		try {
			long staged = this.store.staged(key(hash));
			if (offset != staged) {
				this.table.progress(hash, staged, this.clock.getAsLong());
				this.listener.uploaded(Reason.OFFSET_MISMATCH.name());
				throw new UploadRefusedException(Reason.OFFSET_MISMATCH,
						"the upload is at offset " + staged + ", not " + offset, staged);
			}
			try (InputStream stagedBytes = new DigestInputStream(this.store.readStaged(key(hash)), digest)) {
				stagedBytes.transferTo(OutputStream.nullOutputStream());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return receive(hash, size, offset, digest, body, hold);
	}

	/**
	 * Tells where an upload stands: a present blob, or an upload of the user's in progress.
	 * @param user the user
	 * @param hash the blob's name
	 * @return where it stands, empty when there is neither
	 */
	public Optional<UploadProgress> head(String user, String hash) {
		if (!BlobHashes.isHash(hash)) {
			return Optional.empty();
		}
		return this.table.find(hash)
			.filter((row) -> row.state() == BlobState.PRESENT
					|| row.state() == BlobState.UPLOADING && row.uploader().equals(user))
			.map((row) -> new UploadProgress(row.state(), row.received(), row.size(), false));
	}

	/**
	 * Removes uploads that were not continued for the expiry, with their staged bytes.
	 * @param expiry how long an upload may rest
	 * @param batchSize the most uploads removed
	 * @return the number removed
	 */
	public int expireUploads(Duration expiry, int batchSize) {
		long before = this.clock.getAsLong() - expiry.toMillis();
		int removed = 0;
		for (String hash : this.table.staleUploads(before, batchSize)) {
			if (this.table.removeStaleUpload(hash, before)) {
				try {
					this.store.discard(key(hash));
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
				removed++;
			}
		}
		return removed;
	}

	private Optional<UploadProgress> existing(String user, String hash, long length, InputStream body) {
		Optional<BlobRecord> row = this.table.find(hash);
		if (row.isEmpty() || row.get().state() == BlobState.ORPHANED) {
			return Optional.empty();
		}
		if (row.get().state() == BlobState.UPLOADING) {
			this.listener.uploaded(Reason.IN_PROGRESS.name());
			throw new UploadRefusedException(Reason.IN_PROGRESS,
					"an upload of this blob is in progress; its uploader continues it with PATCH", row.get().received());
		}
		if (!this.table.uploadedBy(hash, user)) {
			vouch(user, hash, length, body);
		}
		this.listener.uploaded("DEDUPLICATED");
		return Optional.of(new UploadProgress(BlobState.PRESENT, row.get().size(), row.get().size(), false));
	}

	/**
	 * Makes a user one more uploader of a present blob once the bytes they send hash to it (stored nowhere):
	 * knowing a hash alone gives no access to its blob.
	 */
	private void vouch(String user, String hash, long length, InputStream body) {
		MessageDigest digest = BlobHashes.sha256();
		try {
			new DigestInputStream(new Limited(new ClientBody(body, null), length), digest)
				.transferTo(OutputStream.nullOutputStream());
		}
		catch (TooLong ex) {
			throw refuse(Reason.TOO_LARGE, "the body is longer than the declared " + length + " bytes");
		}
		catch (IOException ex) {
			throw refuse(Reason.BROKEN_OFF, "the upload's body broke off; send the blob's bytes again");
		}
		String actual = BlobHashes.hex(digest);
		if (!actual.equals(hash)) {
			throw refuse(Reason.HASH_MISMATCH, "the bytes hash to " + actual + ", not to the blob's name");
		}
		this.table.addUploader(hash, user);
	}

	private UploadProgress receive(String hash, long size, long offset, MessageDigest digest, InputStream body, Hold hold) {
		String key = key(hash);
		long received;
		try {
			InputStream in = new DigestInputStream(new Limited(new ClientBody(body, hold), size - offset), digest);
			received = this.store.append(key, offset, in);
		}
		catch (BodyBrokeOffException ex) {
			long staged = stagedOrZero(key);
			this.table.progress(hash, staged, this.clock.getAsLong());
			this.listener.uploaded(Reason.BROKEN_OFF.name());
			throw new UploadRefusedException(Reason.BROKEN_OFF, ex.getMessage() + "; HEAD tells the offset to continue from with PATCH", staged);
		}
		catch (TooLong ex) {
			discard(hash);
			throw refuse(Reason.TOO_LARGE, "the body is longer than the declared " + size + " bytes");
		}
		catch (UploadOffsetException ex) {
			this.listener.uploaded(Reason.OFFSET_MISMATCH.name());
			throw new UploadRefusedException(Reason.OFFSET_MISMATCH, ex.getMessage(), ex.staged());
		}
		catch (IOException ex) {
			discard(hash);
			throw new UncheckedIOException(ex);
		}
		if (received < size) {
			this.table.progress(hash, received, this.clock.getAsLong());
			this.listener.uploaded("INCOMPLETE");
			return new UploadProgress(BlobState.UPLOADING, received, size, false);
		}
		String actual = BlobHashes.hex(digest);
		if (!actual.equals(hash)) {
			discard(hash);
			throw refuse(Reason.HASH_MISMATCH, "the bytes hash to " + actual + ", not to the blob's name");
		}
		try {
			this.store.publish(key, hash);
		}
		catch (IOException ex) {
			discard(hash);
			throw new UncheckedIOException(ex);
		}
		this.table.present(hash, this.clock.getAsLong());
		this.listener.uploaded("STORED");
		return new UploadProgress(BlobState.PRESENT, size, size, true);
	}

	private long stagedOrZero(String key) {
		try {
			return this.store.staged(key);
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private void discard(String hash) {
		this.table.abandon(hash);
		try {
			this.store.discard(key(hash));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void checkPolicy(String mime, long length) {
		if (length > this.maxSize) {
			throw refuse(Reason.TOO_LARGE, "the blob has " + length + " bytes; the limit is " + this.maxSize
					+ " (plasma.blobs.max-size)");
		}
		long columnLimit = -1;
		for (FileColumn column : this.columns) {
			if (column.accepts(mime)) {
				columnLimit = Math.max(columnLimit, column.maxSize());
			}
		}
		if (columnLimit < 0) {
			throw refuse(Reason.TYPE_NOT_ALLOWED, "no file column accepts the type '" + FileColumn.baseType(mime) + "'");
		}
		if (length > columnLimit) {
			throw refuse(Reason.TOO_LARGE, "the blob has " + length + " bytes; the file columns accepting its type take at most "
					+ columnLimit);
		}
	}

	private UploadRefusedException refuse(Reason reason, String message) {
		this.listener.uploaded(reason.name());
		return new UploadRefusedException(reason, message);
	}

	private void requireHash(String hash) {
		if (!BlobHashes.isHash(hash)) {
			throw refuse(Reason.BAD_HASH, "a blob is named by its SHA-256 as 64 lower-case hex digits");
		}
	}

	/**
	 * Returns the store key of a hash's upload.
	 */
	static String key(String hash) {
		return "u" + hash;
	}

	/**
	 * A request's hold on an upload, from {@link #HOLD} after it was taken or last renewed.
	 */
	private final class Hold {

		private final String hash;

		private final long since;

		private long renewed;

		private long until;

		Hold(String hash, long now) {
			this.hash = hash;
			this.since = now;
			this.renewed = now;
			this.until = now + HOLD;
		}

		/**
		 * Renews the hold once a minute has passed since it was taken or renewed.
		 * @return false when the hold was lost (it expired and another request took the upload)
		 */
		boolean renewIfDue() {
			long now = BlobUploads.this.clock.getAsLong();
			if (now - this.renewed < RENEW_AFTER) {
				return true;
			}
			if (!BlobUploads.this.table.renew(this.hash, this.until, now, now + HOLD)) {
				return false;
			}
			this.renewed = now;
			this.until = now + HOLD;
			return true;
		}

		void release() {
			BlobUploads.this.table.release(this.hash, this.until);
		}

	}

	/**
	 * The request body: a failure reading it is told apart from the store's failures, and reading it keeps
	 * the request's hold on the upload.
	 */
	private static final class ClientBody extends FilterInputStream {

		private final @Nullable Hold hold;

		ClientBody(InputStream in, @Nullable Hold hold) {
			super(in);
			this.hold = hold;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			int n = read(one, 0, 1);
			return (n < 0) ? -1 : one[0] & 0xff;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			if (this.hold != null && !this.hold.renewIfDue()) {
				throw new BodyBrokeOffException(new IOException("the request held the upload too long without bytes arriving"));
			}
			try {
				return super.read(buffer, offset, length);
			}
			catch (IOException ex) {
				throw new BodyBrokeOffException(ex);
			}
		}

	}

	/**
	 * Fails once more than the remaining bytes of the declared size arrive.
	 */
	private static final class Limited extends FilterInputStream {

		private long remaining;

		Limited(InputStream in, long remaining) {
			super(in);
			this.remaining = remaining;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			int n = read(one, 0, 1);
			return (n < 0) ? -1 : one[0] & 0xff;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			if (this.remaining == 0) {
				if (super.read() >= 0) {
					throw new TooLong();
				}
				return -1;
			}
			int n = super.read(buffer, offset, (int) Math.min(length, this.remaining));
			if (n > 0) {
				this.remaining -= n;
			}
			return n;
		}

	}

	private static final class TooLong extends IOException {

		TooLong() {
			super(null, null);
		}

	}

}

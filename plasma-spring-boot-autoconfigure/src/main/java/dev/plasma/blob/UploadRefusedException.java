package dev.plasma.blob;

/**
 * An upload Plasma does not take; nothing of it stays unless {@link Reason#keepsUpload()} says so.
 */
public class UploadRefusedException extends RuntimeException {

	/**
	 * Why an upload was refused.
	 */
	public enum Reason {

		/** The name is not a SHA-256 hash in lower-case hex. */
		BAD_HASH,

		/** The request declares no length. */
		LENGTH_REQUIRED,

		/** Larger than {@code plasma.blobs.max-size} or than every column accepting its type. */
		TOO_LARGE,

		/** No declared file column accepts the type. */
		TYPE_NOT_ALLOWED,

		/** The bytes do not hash to the name. */
		HASH_MISMATCH,

		/** A continuation at another offset than the bytes received. */
		OFFSET_MISMATCH,

		/** Another upload of the hash is under way. */
		IN_PROGRESS,

		/** The body broke off; the upload can be continued from the offset. */
		BROKEN_OFF,

		/** No upload of this user to continue. */
		NOT_FOUND;

		/**
		 * Returns whether the upload in progress stays after this refusal.
		 * @return whether it can still be continued
		 */
		public boolean keepsUpload() {
			return this == OFFSET_MISMATCH || this == IN_PROGRESS || this == BROKEN_OFF || this == NOT_FOUND;
		}

	}

	private final Reason reason;

	private final long offset;

	UploadRefusedException(Reason reason, String message, long offset) {
		super(message, null, false, false);
		this.reason = reason;
		this.offset = offset;
	}

	UploadRefusedException(Reason reason, String message) {
		this(reason, message, -1);
	}

	/**
	 * Returns why.
	 * @return the reason
	 */
	public Reason reason() {
		return this.reason;
	}

	/**
	 * Returns the bytes of the upload received, for {@link Reason#OFFSET_MISMATCH}, {@link Reason#IN_PROGRESS} and {@link Reason#BROKEN_OFF}.
	 * @return the offset, or -1
	 */
	public long offset() {
		return this.offset;
	}

}

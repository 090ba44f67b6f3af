package dev.plasma.blob;

import java.io.IOException;

/**
 * An append at an offset other than the bytes an upload has staged (the tus protocol's 409).
 */
public class UploadOffsetException extends IOException {

	private final long staged;

	/**
	 * Creates the exception.
	 * @param offset the offset asked for
	 * @param staged the bytes staged
	 */
	public UploadOffsetException(long offset, long staged) {
		super("the upload is at offset " + staged + ", not " + offset);
		this.staged = staged;
	}

	/**
	 * Returns the bytes staged when the append was refused.
	 * @return the staged length
	 */
	public long staged() {
		return this.staged;
	}

}

package dev.plasma.sync;

/**
 * A push or pull request that is malformed or cannot be honoured; answered with HTTP 400 and this
 * message. Nothing stored changes.
 */
public class BadSyncRequestException extends RuntimeException {

	public BadSyncRequestException(String message) {
		super(message);
	}

}

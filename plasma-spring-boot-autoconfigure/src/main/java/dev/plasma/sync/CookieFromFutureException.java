package dev.plasma.sync;

/**
 * A pull cookie claims a version this server has not reached (another database, a restored backup, or
 * a forged cookie).
 */
public class CookieFromFutureException extends BadSyncRequestException {

	public CookieFromFutureException(long cookieVersion, long head) {
		super("cookie is from the future: it claims version " + cookieVersion + " but the server's change log is at "
				+ head);
	}

}

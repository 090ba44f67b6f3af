package dev.plasma.web;

import java.time.Duration;

/**
 * The database gave no connection within the configured wait, now or moments ago; answered with HTTP
 * 503 and a {@code Retry-After} header.
 */
public class DatabaseUnavailableException extends RuntimeException {

	private final Duration retryAfter;

	public DatabaseUnavailableException(String message, Duration retryAfter) {
		super(message);
		this.retryAfter = retryAfter;
	}

	/**
	 * Returns how long the client should wait before it retries.
	 * @return the wait, at least one second
	 */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}

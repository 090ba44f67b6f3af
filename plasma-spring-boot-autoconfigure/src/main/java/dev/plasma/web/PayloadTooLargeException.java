package dev.plasma.web;

/**
 * A request body larger than the configured limit; answered with HTTP 413.
 */
public class PayloadTooLargeException extends RuntimeException {

	public PayloadTooLargeException(long limit) {
		super("request body is larger than the limit of " + limit + " bytes (plasma.push.max-body-size)");
	}

}

package dev.plasma.poke;

/**
 * Pauses between retries of a realtime background thread after a failure: from a first pause, doubling
 * up to 5 s, back to the start after a success.
 */
final class Backoff {

	private static final long MAX_MILLIS = 5000;

	private final long firstMillis;

	private long currentMillis;

	Backoff(long firstMillis) {
		this.firstMillis = firstMillis;
	}

	/**
	 * Returns the next pause, longer than the last one.
	 */
	long next() {
		this.currentMillis = Math.min(MAX_MILLIS, Math.max(this.firstMillis, this.currentMillis * 2));
		return this.currentMillis;
	}

	/**
	 * Returns the pause the last failure asked for, 0 after a success.
	 */
	long current() {
		return this.currentMillis;
	}

	void reset() {
		this.currentMillis = 0;
	}

	/**
	 * Sleeps the pause of the last failure.
	 * @return {@code false} when interrupted (the thread's interrupt flag is set again)
	 */
	boolean sleep() {
		try {
			Thread.sleep(this.currentMillis);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}

package dev.plasma.bench;

/**
 * What every benchmark command shares: parsing whole-number options and the watchdog that stops a run
 * over its time budget.
 */
public final class BenchSupport {

	private BenchSupport() {
	}

	/**
	 * Parses an option's value as a whole number from {@code min} to {@code max}.
	 * @param name the option, for the message
	 * @param value its value
	 * @param min the smallest value accepted
	 * @param max the largest value accepted
	 * @return the number
	 * @throws IllegalArgumentException naming the option when the value is not such a number
	 */
	public static int wholeNumber(String name, String value, int min, int max) {
		try {
			int parsed = Integer.parseInt(value);
			if (parsed >= min && parsed <= max) {
				return parsed;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException(
				name + " must be a whole number from " + min + " to " + max + ", not '" + value + "'");
	}

	/**
	 * Starts a daemon thread that halts the JVM with status 3 once {@code seconds} have passed, so that
	 * a benchmark never runs unbounded.
	 * @param seconds the time budget
	 */
	public static void startWatchdog(long seconds) {
		Thread watchdog = new Thread(() -> {
			try {
				Thread.sleep(seconds * 1000);
				System.err.println("plasma-bench: stopped after exceeding the time budget of " + seconds + " s");
				Runtime.getRuntime().halt(3);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "bench-watchdog");
		watchdog.setDaemon(true);
		watchdog.start();
	}

}

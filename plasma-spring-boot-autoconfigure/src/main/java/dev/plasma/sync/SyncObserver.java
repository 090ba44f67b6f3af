package dev.plasma.sync;

import java.time.Duration;

/**
 * Told about pushes and pulls, for metrics.
 */
public interface SyncObserver {

	/** An observer that does nothing. */
	SyncObserver NONE = new SyncObserver() {
	};

	/**
	 * Called once per pushed mutation.
	 * @param outcome what happened to it
	 */
	default void mutationProcessed(MutationOutcome outcome) {
	}

	/**
	 * Called when a push request completed.
	 * @param duration how long it took
	 */
	default void pushCompleted(Duration duration) {
	}

	/**
	 * Called when a pull request completed.
	 * @param reset whether it was a reset (full state)
	 * @param duration how long it took
	 */
	default void pullCompleted(boolean reset, Duration duration) {
	}

}

package dev.plasma.sync;

import java.time.Duration;
import java.util.List;

/**
 * Told about pushes and pulls, for metrics. Every {@code SyncObserver} bean of the application context is
 * told, Plasma's own meters included.
 */
public interface SyncObserver {

	/** An observer that does nothing. */
	SyncObserver NONE = new SyncObserver() {
	};

	/**
	 * Returns an observer that tells each of {@code observers}, in order.
	 * @param observers the observers
	 * @return the composite, {@link #NONE} for no observers
	 */
	static SyncObserver composite(List<? extends SyncObserver> observers) {
		return observers.isEmpty() ? NONE : new CompositeSyncObserver(observers);
	}

	/**
	 * Called once per pushed mutation.
	 * @param outcome what happened to it
	 */
	default void mutationProcessed(MutationOutcome outcome) {
	}

	/**
	 * Called once per mutation that failed permanently, after {@link #mutationProcessed}.
	 * @param reason why it failed
	 */
	default void mutationFailed(FailureReason reason) {
	}

	/**
	 * Called when a sync request was refused before anything ran (HTTP 401 or 403).
	 * @param denial why
	 */
	default void accessDenied(AccessDenial denial) {
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

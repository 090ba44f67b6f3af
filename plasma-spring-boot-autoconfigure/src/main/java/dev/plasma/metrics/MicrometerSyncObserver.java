package dev.plasma.metrics;

import java.time.Duration;

import dev.plasma.sync.AccessDenial;
import dev.plasma.sync.FailureReason;
import dev.plasma.sync.MutationOutcome;
import dev.plasma.sync.SyncObserver;

/**
 * Feeds push, pull and access events into the {@code plasma.push.*}, {@code plasma.pull.*} and
 * {@code plasma.access.*} meters of
 * {@link PlasmaMetrics}.
 */
public class MicrometerSyncObserver implements SyncObserver {

	private final PlasmaMetrics metrics;

	/**
	 * Creates the observer.
	 * @param metrics the meters to feed
	 */
	public MicrometerSyncObserver(PlasmaMetrics metrics) {
		this.metrics = metrics;
	}

	@Override
	public void mutationProcessed(MutationOutcome outcome) {
		this.metrics.mutationProcessed(outcome);
	}

	@Override
	public void mutationFailed(FailureReason reason) {
		this.metrics.mutationFailed(reason);
	}

	@Override
	public void accessDenied(AccessDenial denial) {
		this.metrics.accessDenied(denial);
	}

	@Override
	public void pushCompleted(Duration duration) {
		this.metrics.pushCompleted(duration);
	}

	@Override
	public void pullCompleted(boolean reset, Duration duration) {
		this.metrics.pullCompleted(reset, duration);
	}

}

package dev.plasma.metrics;

import java.time.Duration;

import dev.plasma.sync.MutationOutcome;
import dev.plasma.sync.SyncObserver;

/**
 * Feeds push and pull events into the {@code plasma.push.*} and {@code plasma.pull.*} meters of
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
	public void pushCompleted(Duration duration) {
		this.metrics.pushCompleted(duration);
	}

	@Override
	public void pullCompleted(boolean reset, Duration duration) {
		this.metrics.pullCompleted(reset, duration);
	}

}

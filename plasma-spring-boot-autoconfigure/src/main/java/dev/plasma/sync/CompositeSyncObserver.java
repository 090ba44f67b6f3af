package dev.plasma.sync;

import java.time.Duration;
import java.util.List;

/**
 * Tells every observer of a list, in order; see {@link SyncObserver#composite(List)}.
 */
final class CompositeSyncObserver implements SyncObserver {

	private final List<SyncObserver> observers;

	CompositeSyncObserver(List<? extends SyncObserver> observers) {
		this.observers = List.copyOf(observers);
	}

	@Override
	public void mutationProcessed(MutationOutcome outcome) {
		for (SyncObserver observer : this.observers) {
			observer.mutationProcessed(outcome);
		}
	}

	@Override
	public void mutationFailed(FailureReason reason) {
		for (SyncObserver observer : this.observers) {
			observer.mutationFailed(reason);
		}
	}

	@Override
	public void accessDenied(AccessDenial denial) {
		for (SyncObserver observer : this.observers) {
			observer.accessDenied(denial);
		}
	}

	@Override
	public void pushCompleted(Duration duration) {
		for (SyncObserver observer : this.observers) {
			observer.pushCompleted(duration);
		}
	}

	@Override
	public void pullCompleted(boolean reset, Duration duration) {
		for (SyncObserver observer : this.observers) {
			observer.pullCompleted(reset, duration);
		}
	}

}

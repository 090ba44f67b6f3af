package dev.plasma.clients;

import java.time.Instant;

/**
 * Told about every run of the {@link ClientGroupCleanupJob} on this instance (for metrics).
 */
public interface ClientGroupCleanupListener {

	/**
	 * Called after a run completed.
	 * @param deleted how many groups it deleted
	 * @param finishedAt when it finished
	 */
	void cleanedUp(int deleted, Instant finishedAt);

}

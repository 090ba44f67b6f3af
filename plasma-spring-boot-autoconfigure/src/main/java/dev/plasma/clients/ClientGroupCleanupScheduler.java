package dev.plasma.clients;

import dev.plasma.scheduling.CronJobScheduler;

/**
 * Runs {@link ClientGroupCleanupJob#runScheduled()} on a cron schedule, on a private single-thread
 * scheduler (threads {@code plasma-client-cleanup-*}), independent of the application's
 * {@code @EnableScheduling}; {@code "-"} disables it.
 */
public class ClientGroupCleanupScheduler extends CronJobScheduler {

	/**
	 * Creates the scheduler.
	 * @param job the job to run
	 * @param cron a Spring cron expression (six fields, seconds first), or {@code "-"} for none
	 * @throws IllegalArgumentException when {@code cron} is not a valid cron expression
	 */
	public ClientGroupCleanupScheduler(ClientGroupCleanupJob job, String cron) {
		super(job::runScheduled, cron, "plasma.clients.cleanup-cron", "plasma-client-cleanup-");
	}

}

package dev.plasma.compaction;

import dev.plasma.scheduling.CronJobScheduler;

/**
 * Runs {@link CompactionJob#runScheduled()} on a cron schedule, on a private single-thread scheduler
 * (threads {@code plasma-compaction-*}), independent of the application's {@code @EnableScheduling}.
 * Started when the application context is refreshed and stopped with it; stopping interrupts a running
 * pass between two batches. The cron expression is validated when this is created; {@code "-"} disables
 * the schedule (the job can still be run on demand).
 */
public class CompactionScheduler extends CronJobScheduler {

	/**
	 * Creates the scheduler.
	 * @param job the job to run
	 * @param cron a Spring cron expression (six fields, seconds first), or {@code "-"} for none
	 * @throws IllegalArgumentException when {@code cron} is not a valid cron expression
	 */
	public CompactionScheduler(CompactionJob job, String cron) {
		super(job::runScheduled, cron, "plasma.compaction.cron", "plasma-compaction-");
	}

}

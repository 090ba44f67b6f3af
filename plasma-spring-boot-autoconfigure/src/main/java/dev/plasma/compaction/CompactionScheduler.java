package dev.plasma.compaction;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.scheduling.support.CronTrigger;

/**
 * Runs {@link CompactionJob#runScheduled()} on a cron schedule, on a private single-thread scheduler
 * (threads {@code plasma-compaction-*}), independent of the application's {@code @EnableScheduling}.
 * Started when the application context is refreshed and stopped with it; stopping interrupts a running
 * pass between two batches. The cron expression is validated when this is created; {@code "-"} disables
 * the schedule (the job can still be run on demand).
 */
public class CompactionScheduler implements SmartLifecycle {

	/** The cron value that disables the schedule. */
	public static final String DISABLED = Scheduled.CRON_DISABLED;

	private final CompactionJob job;

	private final String cron;

	private ThreadPoolTaskScheduler scheduler;

	private volatile boolean running;

	/**
	 * Creates the scheduler.
	 * @param job the job to run
	 * @param cron a Spring cron expression (six fields, seconds first), or {@code "-"} for none
	 * @throws IllegalArgumentException when {@code cron} is not a valid cron expression
	 */
	public CompactionScheduler(CompactionJob job, String cron) {
		if (!DISABLED.equals(cron)) {
			try {
				CronExpression.parse(cron);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("Plasma: plasma.compaction.cron '" + cron
						+ "' is not a valid cron expression (six fields, seconds first, or \"-\" to disable): "
						+ ex.getMessage(), ex);
			}
		}
		this.job = job;
		this.cron = cron;
	}

	/**
	 * Returns whether a schedule is set ({@code cron} is not {@code "-"}).
	 * @return whether runs are scheduled
	 */
	public boolean isScheduled() {
		return !DISABLED.equals(this.cron);
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		if (isScheduled()) {
			ThreadPoolTaskScheduler taskScheduler = new ThreadPoolTaskScheduler();
			taskScheduler.setPoolSize(1);
			taskScheduler.setThreadNamePrefix("plasma-compaction-");
			taskScheduler.setDaemon(true);
			taskScheduler.setWaitForTasksToCompleteOnShutdown(false);
			taskScheduler.setAwaitTerminationSeconds(10);
			taskScheduler.initialize();
			taskScheduler.schedule(this.job::runScheduled, new CronTrigger(this.cron));
			this.scheduler = taskScheduler;
		}
		this.running = true;
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		if (this.scheduler != null) {
			this.scheduler.shutdown();
			this.scheduler = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}

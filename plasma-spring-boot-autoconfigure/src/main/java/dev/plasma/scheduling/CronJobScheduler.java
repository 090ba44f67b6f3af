package dev.plasma.scheduling;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.scheduling.support.CronTrigger;

/**
 * Runs one background job of Plasma's on a cron schedule, on a private single-thread scheduler,
 * independent of the application's {@code @EnableScheduling}. Started when the application context is
 * refreshed and stopped with it. The cron expression is validated when this is created; {@code "-"}
 * disables the schedule (the job can still be run on demand).
 */
public class CronJobScheduler implements SmartLifecycle {

	/** The cron value that disables the schedule. */
	public static final String DISABLED = Scheduled.CRON_DISABLED;

	private final Runnable job;

	private final String cron;

	private final String threadNamePrefix;

	private ThreadPoolTaskScheduler scheduler;

	private volatile boolean running;

	/**
	 * Creates the scheduler.
	 * @param job the job to run; it should not throw
	 * @param cron a Spring cron expression (six fields, seconds first), or {@code "-"} for none
	 * @param property the property the expression comes from, for the error message
	 * @param threadNamePrefix the prefix of the scheduler's thread, such as {@code plasma-compaction-}
	 * @throws IllegalArgumentException when {@code cron} is not a valid cron expression
	 */
	public CronJobScheduler(Runnable job, String cron, String property, String threadNamePrefix) {
		if (!DISABLED.equals(cron)) {
			try {
				CronExpression.parse(cron);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("Plasma: " + property + " '" + cron
						+ "' is not a valid cron expression (six fields, seconds first, or \"-\" to disable): "
						+ ex.getMessage(), ex);
			}
		}
		this.job = job;
		this.cron = cron;
		this.threadNamePrefix = threadNamePrefix;
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
			taskScheduler.setThreadNamePrefix(this.threadNamePrefix);
			taskScheduler.setDaemon(true);
			taskScheduler.setWaitForTasksToCompleteOnShutdown(false);
			taskScheduler.setAwaitTerminationSeconds(10);
			taskScheduler.initialize();
			taskScheduler.schedule(this.job, new CronTrigger(this.cron));
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

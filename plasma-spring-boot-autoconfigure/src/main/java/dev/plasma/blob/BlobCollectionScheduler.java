package dev.plasma.blob;

import dev.plasma.scheduling.CronJobScheduler;

/**
 * Runs {@link BlobCollector#gcOrphanedBlobs()} on Plasma's own scheduler ({@code plasma.blobs.gc-cron}).
 */
public class BlobCollectionScheduler extends CronJobScheduler {

	/**
	 * Creates the scheduler.
	 * @param collector the collector
	 * @param cron the cron expression, or {@code "-"} for none
	 */
	public BlobCollectionScheduler(BlobCollector collector, String cron) {
		super(collector::runScheduled, cron, "plasma.blobs.gc-cron", "plasma-blob-gc-");
	}

}

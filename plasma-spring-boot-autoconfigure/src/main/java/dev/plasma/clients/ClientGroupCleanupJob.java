package dev.plasma.clients;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.transaction.support.TransactionTemplate;

import dev.plasma.compaction.LeaseLock;
import dev.plasma.ledger.MutationLedger;

/**
 * Deletes client groups unseen for the retention period, under the cluster-wide {@link LeaseLock}
 * {@code client-cleanup}, so one instance at a time runs it.
 * <p>
 * The algorithm, in bounded batches, renewing the lease before each:
 * <ol>
 * <li>Read up to {@code batchSize} live groups whose {@code last_seen_at} lies before
 * {@code now - retention}, least recently seen first.</li>
 * <li>In one transaction per batch, per group: turn it into a tombstone with a conditional update that
 * checks the cutoff again (a group seen meanwhile survives), and only then delete its ledger rows
 * ({@code _plasma_client_mutations}, {@code _plasma_client_confirmations}).</li>
 * <li>Stop after a batch shorter than {@code batchSize}.</li>
 * </ol>
 * The tombstone stays, so that a later request for the group is answered {@code ClientStateNotFound}
 * instead of starting the group afresh. A push that was admitted just before its group's tombstone
 * was written can leave ledger rows behind; nothing reads them. Such a group was seen within the touch
 * interval, far younger than any sensible retention, so this needs a retention shorter than an hour.
 */
public class ClientGroupCleanupJob {

	private static final Log logger = LogFactory.getLog(ClientGroupCleanupJob.class);

	private final ClientGroups groups;

	private final MutationLedger ledger;

	private final LeaseLock lock;

	private final TransactionTemplate transactions;

	private final Duration retention;

	private final int batchSize;

	private final List<ClientGroupCleanupListener> listeners;

	/**
	 * Creates the job.
	 * @param groups the client groups
	 * @param ledger the ledger whose rows of deleted groups go
	 * @param lock the lease that keeps other instances from cleaning up at the same time
	 * @param transactions transactions on Plasma's data source
	 * @param retention how long a group may stay unseen
	 * @param batchSize the most groups deleted in one transaction
	 * @param listeners told about each completed run
	 */
	public ClientGroupCleanupJob(ClientGroups groups, MutationLedger ledger, LeaseLock lock,
			TransactionTemplate transactions, Duration retention, int batchSize,
			List<ClientGroupCleanupListener> listeners) {
		if (retention.isNegative() || retention.isZero()) {
			throw new IllegalArgumentException("retention must be positive");
		}
		if (batchSize < 1) {
			throw new IllegalArgumentException("batchSize must be at least 1");
		}
		this.groups = groups;
		this.ledger = ledger;
		this.lock = lock;
		this.transactions = transactions;
		this.retention = retention;
		this.batchSize = batchSize;
		this.listeners = List.copyOf(listeners);
	}

	/**
	 * Runs a scheduled pass. Never throws; a failure is logged.
	 */
	public void runScheduled() {
		try {
			run();
		}
		catch (RuntimeException ex) {
			logger.warn("Plasma: client-group cleanup failed (deleted groups stay deleted; the next run goes on): " + ex);
		}
	}

	/**
	 * Deletes the groups unseen for the retention period, if no other instance is cleaning up.
	 * @return how many groups were deleted, or empty when another instance holds the lease
	 */
	public Optional<Integer> run() {
		Optional<LeaseLock.Lease> acquired = this.lock.tryAcquire();
		if (acquired.isEmpty()) {
			logger.info("Plasma: client-group cleanup skipped, another instance holds the lease");
			return Optional.empty();
		}
		try (LeaseLock.Lease lease = acquired.get()) {
			long cutoff = this.groups.now() - this.retention.toMillis();
			int deleted = 0;
			List<String> batch;
			do {
				lease.renew();
				batch = this.groups.unseenSince(cutoff, this.batchSize);
				List<String> ids = batch;
				deleted += this.transactions.execute((status) -> deleteBatch(ids, cutoff));
			}
			while (batch.size() == this.batchSize);
			logger.info("Plasma: client-group cleanup deleted " + deleted + " groups unseen for " + this.retention);
			Instant finishedAt = Instant.now();
			for (ClientGroupCleanupListener listener : this.listeners) {
				listener.cleanedUp(deleted, finishedAt);
			}
			return Optional.of(deleted);
		}
	}

	private int deleteBatch(List<String> ids, long cutoff) {
		int deleted = 0;
		for (String id : ids) {
			if (this.groups.tombstone(id, cutoff)) {
				this.ledger.forget(id);
				deleted++;
			}
		}
		return deleted;
	}

	/**
	 * Returns the retention period.
	 * @return how long a group may stay unseen
	 */
	public Duration retention() {
		return this.retention;
	}

}

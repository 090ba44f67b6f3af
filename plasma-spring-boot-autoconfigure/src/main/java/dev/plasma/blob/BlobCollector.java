package dev.plasma.blob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.plasma.compaction.LeaseLock;
import dev.plasma.jdbc.JdbcTransactions;
import dev.plasma.jdbc.JdbcTransactions.Isolation;

/**
 * Collects orphaned blobs and abandoned uploads, one instance at a time (the lease {@code blob-gc}), in
 * bounded batches.
 * <p>
 * <b>How.</b> A run first derives the references of every sequenced entry ({@link BlobReferenceTracker}),
 * removes uploads not continued for the upload expiry, then repeats while batches are full: read up to
 * {@code batchSize} present blobs unreferenced since before {@code now - grace}; for each, in one
 * transaction, lock the reference cursor (so that no reference is derived meanwhile), make sure no
 * sequenced entry is still underived (else the run stops and leaves the blob for the next run), and mark
 * it {@code orphaned} only if it is still present, unreferenced and past the grace; after that commits,
 * delete its bytes. A blob referenced again during its grace has {@code unreferenced_since} cleared by the
 * tracker and stays present. A write not yet sequenced when the run looks is covered by the grace, which
 * is far longer than the sequencer's delay. The lease is renewed before every batch; a lost lease stops the
 * run (with the lease's exception).
 */
public class BlobCollector {

	private static final Log logger = LogFactory.getLog(BlobCollector.class);

	private final DataSource dataSource;

	private final BlobStore store;

	private final BlobTable table;

	private final BlobUploads uploads;

	private final BlobReferenceTracker tracker;

	private final LeaseLock lock;

	private final Duration grace;

	private final Duration uploadExpiry;

	private final int batchSize;

	private final LongSupplier clock;

	private final BlobListener listener;

	private final JdbcTransactions transactions;

	private final AtomicReference<BlobCollection> last = new AtomicReference<>();

	/**
	 * Creates the collector.
	 * @param dataSource the data source holding Plasma's tables
	 * @param store where the bytes are
	 * @param table the owner of {@code _plasma_blobs}
	 * @param uploads expires abandoned uploads
	 * @param tracker derives references
	 * @param lock the lease that lets one instance collect
	 * @param grace how long a blob stays unreferenced before its bytes go
	 * @param uploadExpiry how long an upload may rest
	 * @param batchSize the most blobs per batch
	 * @param clock the current time (Unix ms)
	 * @param listener told about each run
	 */
	public BlobCollector(DataSource dataSource, BlobStore store, BlobTable table, BlobUploads uploads,
			BlobReferenceTracker tracker, LeaseLock lock, Duration grace, Duration uploadExpiry,
			int batchSize, LongSupplier clock, BlobListener listener) {
		this.dataSource = dataSource;
		this.store = store;
		this.table = table;
		this.uploads = uploads;
		this.tracker = tracker;
		this.lock = lock;
		this.grace = grace;
		this.uploadExpiry = uploadExpiry;
		this.batchSize = batchSize;
		this.clock = clock;
		this.listener = listener;
		this.transactions = new JdbcTransactions(dataSource, "Plasma blob collection");
	}

	/**
	 * Runs one collection now.
	 * @return what it did
	 */
	public BlobCollection gcOrphanedBlobs() {
		Optional<LeaseLock.Lease> lease = this.lock.tryAcquire();
		if (lease.isEmpty()) {
			return new BlobCollection(false, 0, 0, 0, this.clock.getAsLong());
		}
		try {
			this.tracker.catchUp();
			int expired = this.uploads.expireUploads(this.uploadExpiry, this.batchSize);
			int orphaned = 0;
			long bytes = 0;
			boolean more = true;
			while (more) {
				lease.get().renew();
				long now = this.clock.getAsLong();
				long before = now - this.grace.toMillis();
				List<String> candidates = this.table.orphanCandidates(before, this.batchSize);
				more = candidates.size() == this.batchSize;
				for (String hash : candidates) {
					Optional<BlobRecord> blob = this.table.find(hash);
					if (blob.isEmpty()) {
						continue;
					}
					Boolean marked = this.transactions.execute("orphan", (connection) -> JdbcTransactions
						.inTransaction(connection, Isolation.READ_COMMITTED, null, (tx) -> {
							if (BlobRefs.behind(BlobRefs.lockRanges(tx)) || BlobRefs.referenced(tx, hash)) {
								return null;
							}
							return BlobTable.orphan(tx, hash, before, now);
						}));
					if (marked == null) {
						more = false;
						break;
					}
					if (marked) {
						delete(hash);
						orphaned++;
						bytes += blob.get().size();
					}
				}
			}
			BlobCollection collection = new BlobCollection(true, orphaned, bytes, expired, this.clock.getAsLong());
			this.last.set(collection);
			this.listener.collected(orphaned, bytes);
			if (orphaned > 0 || expired > 0) {
				logger.info("Plasma: blob collection deleted " + orphaned + " orphaned blobs (" + bytes + " bytes) and "
						+ expired + " abandoned uploads");
			}
			return collection;
		}
		finally {
			lease.get().close();
		}
	}

	/**
	 * Runs a scheduled collection, logging a failure instead of throwing it.
	 */
	public void runScheduled() {
		try {
			gcOrphanedBlobs();
		}
		catch (RuntimeException ex) {
			logger.warn("Plasma: blob collection failed; the next scheduled run retries: " + ex.getMessage());
		}
	}

	/**
	 * Returns the last run of this instance.
	 * @return the run, empty before the first
	 */
	public Optional<BlobCollection> lastCollection() {
		return Optional.ofNullable(this.last.get());
	}

	private void delete(String hash) {
		try {
			this.store.delete(hash);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

package dev.plasma.sequencer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.dao.DataAccessResourceFailureException;

import dev.plasma.changelog.PendingChanges;
import dev.plasma.changelog.PendingScope;
import dev.plasma.changelog.SequencerStateRepository;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.jdbc.JdbcTransactions;
import dev.plasma.jdbc.JdbcTransactions.Isolation;
import dev.plasma.ledger.MutationLedger;

/**
 * Gives committed pending change-log entries of one region their {@code row_version} in the region's
 * version space, so that a reader tailing the region's entries of {@code _plasma_changes} by
 * {@code row_version > cursor} never misses an entry (docs/protocol.md, guarantee 2).
 * <p>
 * <b>Regions.</b> Each region has its own state row in {@code _plasma_sequencer}; "the row" below is the
 * region's, so regions sequence concurrently. A region takes the entries of mutations pushed to it (and,
 * in the default region for raw writes, those without a region), but an entry waits while an earlier
 * entry of its row is pending in another region ({@link PendingScope#takes}), so the entries of one row
 * are sequenced in write order whatever their regions. Each batch also takes a value of
 * {@code _plasma_batch_order} after reading its entries (see {@link BatchMover}); an entry of a row sequenced after another was
 * therefore sequenced in a batch that started after the other's committed, and sorts after it by
 * {@code (batch_order, row_version)}, the order in which a pull applies entries of several regions.
 * <p>
 * The algorithm, one short transaction per batch, at {@code READ COMMITTED} (set explicitly where the
 * database's default is stricter, see {@link PlasmaDialect#readCommittedTransactionSql()}):
 * <ol>
 * <li>Lock the single row of {@code _plasma_sequencer} ({@code SELECT ... FOR UPDATE}) and read the
 * head, the highest version handed out. The row lock makes sequencers of every application instance on
 * the database run one at a time.</li>
 * <li>Read up to {@code batchSize} pending entries in the order of their creation (their identity
 * column). Only committed entries are visible; an entry of a transaction still open is simply taken by
 * a later batch.</li>
 * <li>Copy them into {@code _plasma_changes} with versions {@code head+1, head+2, ...}, delete exactly
 * those pending entries, store the new head, commit.</li>
 * </ol>
 * Ledger markers (entries of {@code _plasma_client_mutations}, appended by pushes) are also recorded
 * in {@code _plasma_client_confirmations} in the same transaction.
 * <p>
 * Because batches commit one after another, every version below a visible version is already
 * committed: a version a reader has seen is never later joined by a lower one. Entries of one row keep
 * their relative order because a later writer of a row waits for the earlier writer's commit before its
 * trigger appends the entry.
 */
public class Sequencer {

	private final DataSource dataSource;

	private final int batchSize;

	private final List<SequencerListener> listeners;

	private final JdbcTransactions transactions;

	private final BatchMover mover;

	private final String isolationSql;

	private final Flushes flushes = new Flushes();

	private final PendingScope scope;

	private final String region;


	/**
	 * Creates a sequencer.
	 * @param dataSource the data source holding Plasma's tables
	 * @param dialect the database's dialect
	 * @param batchSize the most entries sequenced in one transaction
	 * @param listeners told about every committed batch
	 */
	public Sequencer(DataSource dataSource, PlasmaDialect dialect, int batchSize, List<SequencerListener> listeners) {
		this(dataSource, dialect, batchSize, listeners, PendingScope.single());
	}

	/**
	 * Creates the sequencer of one region.
	 * @param dataSource the data source holding Plasma's tables
	 * @param dialect the database's dialect
	 * @param batchSize the most entries sequenced in one transaction
	 * @param listeners told about every committed batch
	 * @param scope the region and which pending entries it takes
	 */
	public Sequencer(DataSource dataSource, PlasmaDialect dialect, int batchSize, List<SequencerListener> listeners,
			PendingScope scope) {
		if (batchSize < 1) {
			throw new IllegalArgumentException("batchSize must be at least 1");
		}
		this.dataSource = dataSource;
		this.batchSize = batchSize;
		this.listeners = List.copyOf(listeners);
		this.transactions = new JdbcTransactions(dataSource, "Plasma sequencer");
		this.scope = scope;
		this.region = scope.region();
		String moveSql = dialect.moveBatchSql(MutationLedger.MARKER_TABLE, scope);
		this.mover = (moveSql != null) ? new StatementBatchMover(moveSql)
				: new JdbcBatchMover(dialect, batchSize, scope);
		this.isolationSql = dialect.readCommittedTransactionSql();
	}

	/**
	 * Sequences everything committed so far: when this returns, every pending entry that was committed
	 * before the call has a {@code row_version}.
	 * <p>
	 * Concurrent calls share flushes, and share them with the background {@link SequencerLoop}: one
	 * flush runs at a time in this sequencer, and a call waits for the first flush that starts after it
	 * (running it itself when none is running). Such a flush sees every entry committed before the call,
	 * so many pushes answering together cost one or two flushes instead of queueing one by one on the
	 * sequencer's row lock, and a push whose entries the loop is about to take waits for the loop.
	 * @return the head after flushing
	 */
	public long flush() {
		return sharedFlush()[0];
	}

	/**
	 * Runs or joins a shared flush, see {@link #flush()}; used by the {@link SequencerLoop}.
	 * @return the number of entries sequenced by the flush this call ran, or 0 when it joined one
	 */
	int flushForLoop() {
		return (int) sharedFlush()[1];
	}

	private long[] sharedFlush() {
		long generation;
		synchronized (this.flushes) {
			long wanted = this.flushes.started + 1;
			while (true) {
				if (this.flushes.completed >= wanted) {
					return new long[] { this.flushes.head, 0 };
				}
				if (!this.flushes.running) {
					this.flushes.running = true;
					generation = ++this.flushes.started;
					break;
				}
				try {
					this.flushes.wait();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new DataAccessResourceFailureException(
							"Plasma sequencer: interrupted while waiting for a flush", ex);
				}
			}
		}
		boolean done = false;
		long[] result = null;
		try {
			result = flushNow();
			done = true;
			return result;
		}
		finally {
			synchronized (this.flushes) {
				this.flushes.running = false;
				if (done) {
					this.flushes.completed = generation;
					this.flushes.head = Math.max(this.flushes.head, result[0]);
				}
				this.flushes.notifyAll();
			}
		}
	}

	/**
	 * Sequences every committed pending entry, in batches.
	 * @return the head and the number of entries sequenced
	 */
	private long[] flushNow() {
		return this.transactions.execute("flush", (connection) -> {
			if (!PendingChanges.any(connection, this.scope)) {
				return new long[] { SequencerStateRepository.readHead(connection, this.region), 0 };
			}
			long count = 0;
			SequencedBatch batch;
			do {
				batch = sequenceBatch(connection);
				count += batch.count();
			}
			while (batch.count() == this.batchSize);
			return new long[] { batch.lastVersion(), count };
		});
	}

	/**
	 * Runs one batch if there is anything pending.
	 * @return what the batch did ({@code lastVersion} is -1 when nothing was pending)
	 */
	public SequencedBatch sequenceOnce() {
		return this.transactions.execute("sequence", (connection) -> {
			if (!PendingChanges.any(connection, this.scope)) {
				return new SequencedBatch(0, 0, -1, 0, 0, System.currentTimeMillis(), this.region);
			}
			return sequenceBatch(connection);
		});
	}

	/**
	 * Returns the highest version handed out so far.
	 * @return the head
	 */
	public long head() {
		return this.transactions.execute("read head",
				(connection) -> SequencerStateRepository.readHead(connection, this.region));
	}

	/**
	 * Returns the number of entries waiting to be sequenced.
	 * @return the pending count
	 */
	public long pendingCount() {
		try (Connection connection = this.dataSource.getConnection()) {
			return PendingChanges.count(connection, this.scope);
		}
		catch (SQLException ex) {
			throw this.transactions.translate("count pending", ex);
		}
	}

	/**
	 * Returns the creation time (Unix ms) of the oldest pending entry, or {@code null} when none is pending.
	 * @return the oldest creation time or {@code null}
	 */
	public Long oldestPendingCreatedAt() {
		try (Connection connection = this.dataSource.getConnection()) {
			return PendingChanges.oldestCreatedAt(connection, this.scope);
		}
		catch (SQLException ex) {
			throw this.transactions.translate("read oldest pending", ex);
		}
	}

	private SequencedBatch sequenceBatch(Connection connection) throws SQLException {
		Moved moved = JdbcTransactions.inTransaction(connection, Isolation.CONNECTION_DEFAULT, this.isolationSql,
				(transaction) -> {
					long head = SequencerStateRepository.lockHead(transaction, this.region);
					long[] createdAts = this.mover.move(transaction, head, this.batchSize);
					if (createdAts.length > 0) {
						SequencerStateRepository.updateHead(transaction, this.region, head + createdAts.length);
					}
					return new Moved(head, createdAts);
				});
		long head = moved.head();
		long[] createdAts = moved.createdAts();
		int count = createdAts.length;
		if (count == 0) {
			return new SequencedBatch(0, 0, head, 0, 0, System.currentTimeMillis(), this.region);
		}
		long oldest = Long.MAX_VALUE;
		long newest = 0;
		for (long createdAt : createdAts) {
			oldest = Math.min(oldest, createdAt);
			newest = Math.max(newest, createdAt);
		}
		SequencedBatch batch = new SequencedBatch(count, head + 1, head + count, oldest, newest,
				System.currentTimeMillis(), this.region);
		for (SequencerListener listener : this.listeners) {
			listener.sequenced(batch, createdAts);
		}
		return batch;
	}

	/**
	 * Creates the region's state row unless it exists (a region is known once it has one).
	 */
	public void registerRegion() {
		this.transactions.execute("register region", (connection) -> {
			SequencerStateRepository.register(connection, this.region);
			return null;
		});
	}

	/**
	 * Returns the region this sequencer gives versions in.
	 * @return the region
	 */
	public String region() {
		return this.region;
	}

	private record Moved(long head, long[] createdAts) {
	}

	/**
	 * Shared flush state, guarded by its own monitor: flushes are numbered in the order they start.
	 */
	private static final class Flushes {

		private long started;

		private long completed;

		private boolean running;

		private long head = -1;

	}

}

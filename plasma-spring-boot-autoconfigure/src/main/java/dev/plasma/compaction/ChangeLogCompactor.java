package dev.plasma.compaction;

import static dev.plasma.compaction.ChangeLogCompactionStatements.DELETE_ANY_SQL;
import static dev.plasma.compaction.ChangeLogCompactionStatements.SELECT_FIRST_CREATED_SINCE_SQL;
import static dev.plasma.compaction.ChangeLogCompactionStatements.SELECT_FIRST_SQL;
import static dev.plasma.compaction.ChangeLogCompactionStatements.SELECT_KEPT_BEFORE_ANY_SQL;
import static dev.plasma.compaction.ChangeLogCompactionStatements.SELECT_LAST_SQL;
import static dev.plasma.compaction.ChangeLogCompactionStatements.SELECT_RANGE_SQL;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import dev.plasma.changelog.SequencerStateRepository;
import dev.plasma.dialect.DatabaseClock;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.jdbc.JdbcTransactions;
import dev.plasma.jdbc.JdbcTransactions.Isolation;
import dev.plasma.ledger.MutationLedger;
import dev.plasma.region.RegionIds;

/**
 * Compacts one region's part of the change log (docs/protocol.md, guarantee 7; versions, floor and
 * progress below are the region's, and every statement is limited to the region's entries): among entries at or below a version
 * {@code S}, keeps only the latest entry of each {@code (table_name, row_id)}, and none at all where that
 * latest entry is a {@code del} (the put and the delete cancel). Entries above {@code S} are never
 * touched, {@code S} is capped at the sequencer's head, and ledger markers (table
 * {@value MutationLedger#MARKER_TABLE}) fold like any row but are never cancelled.
 * <p>
 * <b>Why clients cannot notice.</b> A pull with cookie {@code c} reads only entries above {@code c}, and
 * answers a cookie below the compaction floor with a reset (the full current state). Compaction deletes
 * only entries at or below {@code S}, and raises the floor to {@code S} <em>before</em> deleting anything,
 * so every deletion a pull could observe lies at or below a floor that pull also observes: a client
 * with {@code c >= floor} reads only untouched entries, a client below it starts over. (Folding alone
 * would be invisible even without the floor, because the later entry that replaces a folded one is
 * still delivered; cancelling is not: a client holding the put, with a cookie below the deleted
 * {@code del}, would keep a row that no longer exists. The floor turns that client's pull into a reset.)
 * A pull reads the floor and the entries in one snapshot, so a pass that commits between its two reads
 * changes neither.
 * <p>
 * <b>The pass</b>, from {@code start} (the end of the last complete pass, {@code compacted_to}) to {@code S}:
 * <ol>
 * <li>Raise the floor to {@code S} ({@code compaction_floor = max(compaction_floor, S)}) and commit.</li>
 * <li>Cut {@code (start, S]} into segments of {@code 100 * batchSize} versions and, segment by segment in
 * version order:
 * <ol type="a">
 * <li>find the entries the segment keeps, with one read-only query: for each row, the last entry within
 * the segment (one aggregation over the segment's primary-key range) if it is a put and no later entry
 * of its row lies at or below {@code S} (one index probe per row on
 * {@code (table_name, row_id, row_version)}). Every other entry of the segment is a {@code del} or
 * superseded;</li>
 * <li>when {@code start > 0}, look up what earlier passes kept of the segment's rows (their entries at
 * or below {@code start}, one index probe per row): all superseded now;</li>
 * <li>delete, by primary key, those older entries and then the segment's entries that are not kept,
 * walking the segment {@code batchSize} versions at a time in version order, skipping versions that hold
 * no entry (one {@code DELETE} over the batch's primary-key range that spares the few kept entries, or,
 * where many are kept, a list of the doomed ones); each batch is one short {@code READ COMMITTED}
 * transaction that also adds its count to {@code compacted_entries}, and batches are separated by a
 * pause that leaves the database to the application: {@code plasma.compaction.batch-pause}, or as long as
 * the work since the previous pause took when that was longer.</li>
 * </ol></li>
 * <li>Record {@code compacted_to = S} and {@code compacted_at} (database time).</li>
 * </ol>
 * The read-only queries take no locks; a batch locks only the entries it deletes (which nobody else
 * writes) and, in its last statement, the sequencer's row until it commits. Writers and pulls never wait
 * for compaction, the sequencer at most for one batch's commit. On PostgreSQL the transactions commit
 * with {@code synchronous_commit = off}: durable in commit order, so never a batch without its floor.
 * <p>
 * <b>Interruption at any point is safe</b>, and running again finishes the work:
 * <ul>
 * <li>before step 1 commits: nothing changed;</li>
 * <li>after step 1, before or between batches: the floor is already at {@code S}, so the entries deleted
 * so far (all at or below {@code S}) are invisible to every pull; a failed batch rolls back as a whole,
 * its count with it. Deletions go in version order, older entries of a row first, so an entry is never
 * deleted before the entries it supersedes, and the rule "a {@code del}, or superseded at or below
 * {@code S}" stays true for every entry a rerun looks at again;</li>
 * <li>before step 3: {@code compacted_to} still names the previous pass, so the next pass walks the same
 * range again; deleting what is gone already deletes nothing.</li>
 * </ul>
 * Passes running at the same time (which the scheduled job's lease avoids) are also safe: each deletes
 * only entries that a pass up to the larger {@code S} deletes, and the floor only goes up.
 * <p>
 * The statements on {@code _plasma_changes} are in {@link ChangeLogCompactionStatements}; those on the
 * sequencer's row in {@link SequencerStateRepository}.
 */
public class ChangeLogCompactor {

	/**
	 * Batches per segment: the entries a segment keeps are found with one query.
	 */
	private static final int BATCHES_PER_SEGMENT = 100;

	private static final int IN_LIST_CHUNK = 500;

	private final DataSource dataSource;

	private final DatabaseClock clock;

	private final int batchSize;

	private final Duration batchPause;

	private final List<CompactionListener> listeners;

	private final JdbcTransactions transactions;

	private final boolean arrays;

	private final List<String> querySettingsSql;

	/**
	 * Where the database has it (PostgreSQL), compaction's transactions do not wait for their commit to
	 * reach the disk: writers' commits then share fewer flushes with compaction's. Safe, because commits
	 * become durable in commit order (a batch is never durable without the floor raised before it) and a
	 * batch lost in a crash is simply done again.
	 */
	private final String asynchronousCommitSql;

	private volatile CompactionResult lastResult;

	private final String region;

	private final PlasmaDialect dialect;

	/**
	 * Creates a compactor that runs its batches back to back.
	 * @param dataSource the data source holding Plasma's tables
	 * @param dialect the database's dialect
	 * @param batchSize the most entries examined or deleted in one transaction (a batch covers this many
	 * versions)
	 * @param listeners told about every pass
	 */
	public ChangeLogCompactor(DataSource dataSource, PlasmaDialect dialect, int batchSize,
			List<CompactionListener> listeners) {
		this(dataSource, dialect, batchSize, Duration.ZERO, listeners);
	}

	/**
	 * Creates a compactor.
	 * @param dataSource the data source holding Plasma's tables
	 * @param dialect the database's dialect
	 * @param batchSize the most entries examined or deleted in one transaction (a batch covers this many
	 * versions)
	 * @param batchPause how long at least to pause between two batches, leaving the database (and, on a
	 * small machine, the CPU) to the application's writers; a batch that took longer is followed by a pause
	 * as long as it took; zero pauses never
	 * @param listeners told about every pass
	 */
	public ChangeLogCompactor(DataSource dataSource, PlasmaDialect dialect, int batchSize, Duration batchPause,
			List<CompactionListener> listeners) {
		this(dataSource, dialect, batchSize, batchPause, listeners, RegionIds.DEFAULT);
	}

	/**
	 * Creates a compactor of one region's entries, its floor and its progress.
	 * @param dataSource the data source holding Plasma's tables
	 * @param dialect the database's dialect
	 * @param batchSize the most entries examined or deleted in one transaction
	 * @param batchPause how long at least to pause between two batches
	 * @param listeners told about every pass
	 * @param region the region to compact
	 */
	public ChangeLogCompactor(DataSource dataSource, PlasmaDialect dialect, int batchSize, Duration batchPause,
			List<CompactionListener> listeners, String region) {
		this.region = RegionIds.require(region, "region");
		this.dialect = dialect;
		if (batchSize < 1) {
			throw new IllegalArgumentException("batchSize must be at least 1");
		}
		if (batchPause.isNegative()) {
			throw new IllegalArgumentException("batchPause must not be negative");
		}
		this.batchPause = batchPause;
		this.dataSource = dataSource;
		this.clock = DatabaseClock.of(dialect);
		this.arrays = dialect.supportsArrayParameters();
		this.querySettingsSql = dialect.compactionQuerySettingsSql();
		this.asynchronousCommitSql = dialect.asynchronousCommitSql();
		this.batchSize = batchSize;
		this.listeners = List.copyOf(listeners);
		this.transactions = new JdbcTransactions(dataSource, "Plasma compaction");
	}

	/**
	 * Compacts entries at or below {@code safeUpToVersion} (capped at the sequencer's head) and raises the
	 * compaction floor to it.
	 * @param safeUpToVersion the highest version that may be folded or dropped
	 * @return what the pass did
	 * @throws CompactionStoppedException when the thread was interrupted between two batches
	 */
	public CompactionResult compactChangeLog(long safeUpToVersion) {
		return compactChangeLog(safeUpToVersion, () -> {
		});
	}

	/**
	 * Compacts entries at or below {@code safeUpToVersion} (capped at the sequencer's head), asking
	 * {@code check} before each batch whether to go on.
	 * @param safeUpToVersion the highest version that may be folded or dropped
	 * @param check called before each batch; throwing stops the pass there (what it committed stays)
	 * @return what the pass did
	 * @throws CompactionStoppedException when the thread was interrupted between two batches
	 */
	public CompactionResult compactChangeLog(long safeUpToVersion, BatchCheck check) {
		long started = System.nanoTime();
		try {
			for (CompactionListener listener : this.listeners) {
				listener.compacting(this.region, safeUpToVersion);
			}
			CompactionResult result = compact(safeUpToVersion, check, started);
			this.lastResult = result;
			for (CompactionListener listener : this.listeners) {
				listener.compacted(result);
			}
			return result;
		}
		catch (RuntimeException ex) {
			Duration duration = Duration.ofNanos(System.nanoTime() - started);
			for (CompactionListener listener : this.listeners) {
				listener.compactionFailed(duration, ex);
			}
			throw ex;
		}
	}

	/**
	 * Returns the last pass this compactor completed, if any.
	 * @return the last result
	 */
	public Optional<CompactionResult> lastResult() {
		return Optional.ofNullable(this.lastResult);
	}

	/**
	 * Returns a compactor like this one for another region.
	 * @param other the region
	 * @return the compactor
	 */
	public ChangeLogCompactor forRegion(String other) {
		return other.equals(this.region) ? this
				: new ChangeLogCompactor(this.dataSource, this.dialect, this.batchSize, this.batchPause, this.listeners,
						other);
	}

	/**
	 * Returns the region this compactor compacts.
	 * @return the region
	 */
	public String region() {
		return this.region;
	}

	/**
	 * Returns the most entries examined or deleted in one transaction.
	 * @return the batch size
	 */
	public int batchSize() {
		return this.batchSize;
	}

	/**
	 * Returns the pause between two batches.
	 * @return the pause
	 */
	public Duration batchPause() {
		return this.batchPause;
	}

	private CompactionResult compact(long safeUpToVersion, BatchCheck check, long started) {
		try (Connection connection = this.dataSource.getConnection()) {
			SequencerStateRepository.State state = SequencerStateRepository.read(connection, this.region);
			long floor = state.floor();
			long start = state.compactedTo();
			long upTo = Math.min(safeUpToVersion, state.head());
			if (upTo <= start) {
				return new CompactionResult(Math.max(upTo, 0), 0, 0, floor, 0, Duration.ofNanos(System.nanoTime() - started),
						Instant.now());
			}
			raiseFloor(connection, upTo);
			Progress progress = new Progress(check, this.batchPause);
			long span = Math.min((long) this.batchSize * BATCHES_PER_SEGMENT, Integer.MAX_VALUE - 1);
			long segmentStart = start;
			while (segmentStart < upTo) {
				Long first = firstVersionAfter(connection, segmentStart, upTo);
				if (first == null) {
					break;
				}
				segmentStart = first - 1;
				long segmentEnd = Math.min(upTo, segmentStart + span);
				compactSegment(connection, segmentStart, segmentEnd, upTo, start, progress);
				segmentStart = segmentEnd;
			}
			finish(connection, upTo);
			return new CompactionResult(upTo, progress.examined, progress.removed, Math.max(floor, upTo),
					progress.batches, Duration.ofNanos(System.nanoTime() - started), Instant.now());
		}
		catch (SQLException ex) {
			throw this.transactions.translate(null, ex);
		}
	}

	/**
	 * Compacts the entries in {@code (segmentStart, segmentEnd]}.
	 */
	private void compactSegment(Connection connection, long segmentStart, long segmentEnd, long upTo, long start,
			Progress progress) throws SQLException {
		progress.beforeQuery();
		BitSet kept = new BitSet();
		Map<String, List<String>> rowsByTable = new LinkedHashMap<>();
		inTransaction(connection, (transaction) -> {
			if (!this.querySettingsSql.isEmpty()) {
				try (Statement statement = connection.createStatement()) {
					for (String setting : this.querySettingsSql) {
						statement.execute(setting);
					}
				}
			}
			try (PreparedStatement select = connection.prepareStatement(ChangeLogCompactionStatements.inRegion(SELECT_LAST_SQL, this.region))) {
				select.setLong(1, segmentEnd);
				select.setLong(2, upTo);
				select.setString(3, MutationLedger.MARKER_TABLE);
				select.setLong(4, segmentStart);
				select.setLong(5, segmentEnd);
				try (ResultSet rs = select.executeQuery()) {
					while (rs.next()) {
						if (rs.getInt(4) == 1) {
							kept.set(Math.toIntExact(rs.getLong(1) - segmentStart));
						}
						if (start > 0) {
							rowsByTable.computeIfAbsent(rs.getString(2), (table) -> new ArrayList<>()).add(rs.getString(3));
						}
					}
				}
			}
			return null;
		});
		if (start > 0) {
			long[] older = keptBefore(connection, rowsByTable, start);
			for (int from = 0; from < older.length; from += this.batchSize) {
				int first = from;
				int end = Math.min(older.length, from + this.batchSize);
				progress.beforeBatch();
				progress.removed += inTransaction(connection, (transaction) -> deleteCounted(connection, older, first, end));
				progress.batches++;
			}
		}
		long lo = segmentStart;
		while (lo < segmentEnd) {
			Long first = firstVersionAfter(connection, lo, segmentEnd);
			if (first == null) {
				break;
			}
			progress.beforeBatch();
			long after = first - 1;
			long hi = Math.min(segmentEnd, after + this.batchSize);
			int keptInBatch = kept.get(Math.toIntExact(after - segmentStart + 1), Math.toIntExact(hi - segmentStart + 1))
				.cardinality();
			Batch batch = inTransaction(connection, (transaction) -> (keptInBatch <= IN_LIST_CHUNK)
					? deleteRangeSparing(connection, after, hi, kept, segmentStart)
					: deleteListed(connection, after, hi, kept, segmentStart));
			progress.batches++;
			progress.examined += batch.examined();
			progress.removed += batch.removed();
			lo = hi;
		}
	}

	/**
	 * Deletes the entries in {@code (after, hi]} that are not kept with one statement over the primary-key
	 * range that spares the kept ones, inside the caller's transaction.
	 */
	private Batch deleteRangeSparing(Connection connection, long after, long hi, BitSet kept, long segmentStart)
			throws SQLException {
		long[] keep = new long[IN_LIST_CHUNK];
		int keeping = 0;
		for (int bit = kept.nextSetBit(Math.toIntExact(after - segmentStart + 1)); bit >= 0
				&& bit <= hi - segmentStart; bit = kept.nextSetBit(bit + 1)) {
			keep[keeping++] = segmentStart + bit;
		}
		String sql = ChangeLogCompactionStatements.inRegion(ChangeLogCompactionStatements.deleteRangeSparingSql(keeping), this.region);
		int removed;
		try (PreparedStatement delete = connection.prepareStatement(sql)) {
			delete.setLong(1, after);
			delete.setLong(2, hi);
			for (int i = 0; i < keeping; i++) {
				delete.setLong(i + 3, keep[i]);
			}
			removed = delete.executeUpdate();
		}
		SequencerStateRepository.addCompactedEntries(connection, this.region, removed);
		return new Batch(removed + keeping, removed);
	}

	/**
	 * Deletes the entries in {@code (after, hi]} that are not kept by listing them, where most are kept,
	 * inside the caller's transaction.
	 */
	private Batch deleteListed(Connection connection, long after, long hi, BitSet kept, long segmentStart)
			throws SQLException {
		long[] versions = versionsBetween(connection, after, hi);
		long[] doomed = new long[versions.length];
		int dooming = 0;
		for (long version : versions) {
			if (!kept.get(Math.toIntExact(version - segmentStart))) {
				doomed[dooming++] = version;
			}
		}
		return new Batch(versions.length, deleteCounted(connection, doomed, 0, dooming));
	}

	private void raiseFloor(Connection connection, long upTo) throws SQLException {
		inTransaction(connection, (transaction) -> {
			SequencerStateRepository.raiseFloor(connection, this.region, upTo);
			return null;
		});
	}

	/**
	 * Returns the first version in {@code (after, upTo]}, or {@code null} when there is none, so that a pass
	 * skips ranges that hold no entries (one index lookup).
	 */
	private Long firstVersionAfter(Connection connection, long after, long upTo) throws SQLException {
		try (PreparedStatement select = connection.prepareStatement(ChangeLogCompactionStatements.inRegion(SELECT_FIRST_SQL, this.region))) {
			select.setLong(1, after);
			select.setLong(2, upTo);
			try (ResultSet rs = select.executeQuery()) {
				return rs.next() ? rs.getLong(1) : null;
			}
		}
	}

	/**
	 * Returns the first version in {@code (after, upTo]} created at or after {@code createdAt}, or
	 * {@code null} when there is none (the retention cutoff of {@link CompactionJob}).
	 */
	static Long firstVersionCreatedSince(Connection connection, String region, long after, long upTo, long createdAt)
			throws SQLException {
		try (PreparedStatement select = connection
			.prepareStatement(ChangeLogCompactionStatements.inRegion(SELECT_FIRST_CREATED_SINCE_SQL, region))) {
			select.setLong(1, after);
			select.setLong(2, upTo);
			select.setLong(3, createdAt);
			try (ResultSet rs = select.executeQuery()) {
				return rs.next() ? rs.getLong(1) : null;
			}
		}
	}

	private long[] versionsBetween(Connection connection, long after, long hi) throws SQLException {
		List<Long> versions = new ArrayList<>();
		try (PreparedStatement select = connection.prepareStatement(ChangeLogCompactionStatements.inRegion(SELECT_RANGE_SQL, this.region))) {
			select.setLong(1, after);
			select.setLong(2, hi);
			collect(select, versions);
		}
		return versions.stream().mapToLong(Long::longValue).toArray();
	}

	/**
	 * Returns the versions, in order, of the entries at or below {@code start} of the given rows: what
	 * earlier passes kept of rows that have a newer entry now. One index probe per row: on PostgreSQL with
	 * {@code row_id = ANY(?)} and an array (planned once), elsewhere with {@code row_id IN (...)} lists.
	 */
	private long[] keptBefore(Connection connection, Map<String, List<String>> rowsByTable, long start)
			throws SQLException {
		List<Long> versions = new ArrayList<>();
		for (Map.Entry<String, List<String>> table : rowsByTable.entrySet()) {
			List<String> rowIds = table.getValue();
			if (this.arrays) {
				try (PreparedStatement select = connection.prepareStatement(ChangeLogCompactionStatements.inRegion(SELECT_KEPT_BEFORE_ANY_SQL, this.region))) {
					select.setString(1, table.getKey());
					select.setArray(2, connection.createArrayOf("text", rowIds.toArray()));
					select.setLong(3, start);
					collect(select, versions);
				}
				continue;
			}
			for (int from = 0; from < rowIds.size(); from += IN_LIST_CHUNK) {
				List<String> chunk = rowIds.subList(from, Math.min(rowIds.size(), from + IN_LIST_CHUNK));
				String sql = ChangeLogCompactionStatements.inRegion(ChangeLogCompactionStatements.selectKeptBeforeInSql(chunk.size()), this.region);
				try (PreparedStatement select = connection.prepareStatement(sql)) {
					int index = 1;
					select.setString(index++, table.getKey());
					for (String rowId : chunk) {
						select.setString(index++, rowId);
					}
					select.setLong(index, start);
					collect(select, versions);
				}
			}
		}
		return versions.stream().mapToLong(Long::longValue).sorted().toArray();
	}

	private static void collect(PreparedStatement select, List<Long> versions) throws SQLException {
		try (ResultSet rs = select.executeQuery()) {
			while (rs.next()) {
				versions.add(rs.getLong(1));
			}
		}
	}

	/**
	 * Deletes {@code versions[from, to)} by primary key and adds the number deleted to
	 * {@code compacted_entries}, inside the caller's transaction.
	 * @return the number deleted
	 */
	private int deleteCounted(Connection connection, long[] versions, int from, int to) throws SQLException {
		if (from >= to) {
			return 0;
		}
		int removed = 0;
		if (this.arrays) {
			try (PreparedStatement delete = connection.prepareStatement(ChangeLogCompactionStatements.inRegion(DELETE_ANY_SQL, this.region))) {
				Long[] chunk = new Long[to - from];
				for (int i = from; i < to; i++) {
					chunk[i - from] = versions[i];
				}
				delete.setArray(1, connection.createArrayOf("bigint", chunk));
				removed = delete.executeUpdate();
			}
		}
		else {
			for (int chunkStart = from; chunkStart < to; chunkStart += IN_LIST_CHUNK) {
				int size = Math.min(IN_LIST_CHUNK, to - chunkStart);
				try (PreparedStatement delete = connection
					.prepareStatement(ChangeLogCompactionStatements.inRegion(ChangeLogCompactionStatements.deleteInSql(size), this.region))) {
					for (int i = 0; i < size; i++) {
						delete.setLong(i + 1, versions[chunkStart + i]);
					}
					removed += delete.executeUpdate();
				}
			}
		}
		SequencerStateRepository.addCompactedEntries(connection, this.region, removed);
		return removed;
	}

	private void finish(Connection connection, long upTo) throws SQLException {
		inTransaction(connection, (transaction) -> {
			SequencerStateRepository.finishCompaction(connection, this.region, upTo, this.clock.nowMillis(connection));
			return null;
		});
	}

	/**
	 * Runs {@code work} in one short READ COMMITTED transaction, asynchronously committed where the
	 * database can.
	 */
	private <T> T inTransaction(Connection connection, JdbcTransactions.ConnectionCallback<T> work)
			throws SQLException {
		return JdbcTransactions.inTransaction(connection, Isolation.READ_COMMITTED, this.asynchronousCommitSql, work);
	}

	/**
	 * Asked before each batch of a pass whether to go on.
	 */
	@FunctionalInterface
	public interface BatchCheck {

		/**
		 * Returns normally to run the next batch; throws to stop the pass before it.
		 */
		void beforeBatch();

	}

	private record Batch(int examined, int removed) {
	}

	/**
	 * What a pass did so far; pauses between batches, and stops the pass there when asked to.
	 */
	private static final class Progress {

		private final BatchCheck check;

		private final Duration pause;

		long examined;

		long removed;

		int batches;

		private long workStarted = System.nanoTime();

		Progress(BatchCheck check, Duration pause) {
			this.check = check;
			this.pause = pause;
		}

		void beforeQuery() {
			if (Thread.currentThread().isInterrupted()) {
				throw stopped();
			}
		}

		/**
		 * Pauses before every batch but the first, for the configured pause or, when the work since the last
		 * pause took longer, for as long as that work took: on a busy database compaction then never takes
		 * more than half of the time. A zero pause turns pausing off.
		 */
		void beforeBatch() {
			beforeQuery();
			if (this.batches > 0 && !this.pause.isZero()) {
				long pauseNanos = Math.max(this.pause.toNanos(), System.nanoTime() - this.workStarted);
				try {
					Thread.sleep(pauseNanos / 1_000_000, (int) (pauseNanos % 1_000_000));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw stopped();
				}
			}
			this.check.beforeBatch();
			this.workStarted = System.nanoTime();
		}

		private CompactionStoppedException stopped() {
			return new CompactionStoppedException("Plasma: compaction interrupted after " + this.batches + " batches");
		}

	}

}

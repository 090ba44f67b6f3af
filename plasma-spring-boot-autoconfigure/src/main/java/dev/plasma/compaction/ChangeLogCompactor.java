package dev.plasma.compaction;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator;
import org.springframework.jdbc.support.SQLExceptionTranslator;

import dev.plasma.dialect.DatabaseClock;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.dialect.PostgresDialect;
import dev.plasma.ledger.MutationLedger;

/**
 * Compacts the change log (contract section 5, invariant 7): among entries at or below a version
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
 * <li>Walk the entries in {@code (start, S]} in version order, {@code batchSize} entries at a time, one
 * short {@code READ COMMITTED} transaction per batch {@code (lo, hi]}: one {@code DELETE} over the
 * batch's primary-key range removes every entry that is a {@code del} or has a later entry of its row at
 * or below {@code S} (one index probe on {@code (table_name, row_id, row_version)} per entry); then the
 * entries at or below {@code start} of rows that appear in the batch (what earlier passes kept of them
 * is now superseded) are looked up per row and deleted by primary key; the number deleted is added to
 * {@code compacted_entries} in the same transaction.</li>
 * <li>Record {@code compacted_to = S} and {@code compacted_at} (database time).</li>
 * </ol>
 * Only the last statement of a batch touches the sequencer's row, so the sequencer waits for a
 * compaction batch at most for that statement's commit; writers and pulls never wait for compaction.
 * <p>
 * <b>Interruption at any point is safe</b>, and running again finishes the work:
 * <ul>
 * <li>before step 1 commits: nothing changed;</li>
 * <li>after step 1, before or between batches: the floor is already at {@code S}, so the entries deleted
 * so far (all at or below {@code S}) are invisible to every pull; a failed batch rolls back as a whole,
 * its count with it. Because batches go in version order, an entry is never deleted before the entries
 * it supersedes, so the rule "a {@code del}, or superseded at or below {@code S}" stays true for every
 * entry a rerun looks at again;</li>
 * <li>before step 3: {@code compacted_to} still names the previous pass, so the next pass walks the same
 * range again; deleting what is gone already deletes nothing.</li>
 * </ul>
 * Passes running at the same time (which the scheduled job's lease avoids) are also safe: each deletes
 * only entries that a pass up to the larger {@code S} deletes, and the floor only goes up.
 */
public class ChangeLogCompactor {

	private static final int DELETE_CHUNK = 500;

	private static final String READ_STATE_SQL = "SELECT head, compaction_floor, compacted_to FROM _plasma_sequencer WHERE id = 1";

	private static final String RAISE_FLOOR_SQL = """
			UPDATE _plasma_sequencer SET compaction_floor = ? WHERE id = 1 AND compaction_floor < ?""";

	/**
	 * Deletes the entries of a batch that are a {@code del} (never a ledger marker) or have a later entry of
	 * their row at or below the bound: a primary-key range scan with one index probe per entry. The probe
	 * reads the statement's snapshot, so entries this statement deletes still count as later entries.
	 */
	private static final String DELETE_SUPERSEDED_SQL = """
			DELETE FROM _plasma_changes
			WHERE row_version > ? AND row_version <= ?
			  AND ((op = 'del' AND table_name <> ?)
			    OR EXISTS (SELECT 1 FROM _plasma_changes later
			      WHERE later.table_name = _plasma_changes.table_name AND later.row_id = _plasma_changes.row_id
			        AND later.row_version > _plasma_changes.row_version AND later.row_version <= ?))""";

	private static final String SELECT_KEPT_ANY_SQL = """
			SELECT row_version FROM _plasma_changes WHERE table_name = ? AND row_id = ANY(?) AND row_version <= ?""";

	private static final String COUNT_REMOVED_SQL = """
			UPDATE _plasma_sequencer SET compacted_entries = compacted_entries + ? WHERE id = 1""";

	private static final String FINISH_SQL = """
			UPDATE _plasma_sequencer SET compacted_to = ?, compacted_at = ? WHERE id = 1 AND compacted_to < ?""";

	private final DataSource dataSource;

	private final DatabaseClock clock;

	private final int batchSize;

	private final List<CompactionListener> listeners;

	private final SQLExceptionTranslator translator;

	private final boolean arrays;

	private final String selectBatchSql;

	private final String selectBatchWithKeysSql;

	private volatile CompactionResult lastResult;

	/**
	 * Creates a compactor.
	 * @param dataSource the data source holding Plasma's tables
	 * @param dialect the database's dialect
	 * @param batchSize the most entries examined in one transaction
	 * @param listeners told about every pass
	 */
	public ChangeLogCompactor(DataSource dataSource, PlasmaDialect dialect, int batchSize,
			List<CompactionListener> listeners) {
		if (batchSize < 1) {
			throw new IllegalArgumentException("batchSize must be at least 1");
		}
		this.dataSource = dataSource;
		this.clock = DatabaseClock.of(dialect);
		this.arrays = dialect instanceof PostgresDialect;
		this.batchSize = batchSize;
		this.listeners = List.copyOf(listeners);
		this.translator = new SQLErrorCodeSQLExceptionTranslator(dataSource);
		String range = " FROM _plasma_changes WHERE row_version > ? AND row_version <= ? ORDER BY row_version LIMIT "
				+ batchSize;
		this.selectBatchSql = "SELECT row_version" + range;
		this.selectBatchWithKeysSql = "SELECT row_version, table_name, row_id" + range;
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
	 * Returns the most entries examined in one transaction.
	 * @return the batch size
	 */
	public int batchSize() {
		return this.batchSize;
	}

	private CompactionResult compact(long safeUpToVersion, BatchCheck check, long started) {
		try (Connection connection = this.dataSource.getConnection()) {
			long[] state = readState(connection);
			long head = state[0];
			long floor = state[1];
			long start = state[2];
			long upTo = Math.min(safeUpToVersion, head);
			if (upTo <= start) {
				return new CompactionResult(Math.max(upTo, 0), 0, 0, floor, 0, Duration.ofNanos(System.nanoTime() - started),
						Instant.now());
			}
			raiseFloor(connection, upTo);
			floor = Math.max(floor, upTo);
			long examined = 0;
			long removed = 0;
			int batches = 0;
			long lo = start;
			while (true) {
				if (Thread.currentThread().isInterrupted()) {
					throw new CompactionStoppedException("Plasma: compaction interrupted after " + batches + " batches");
				}
				check.beforeBatch();
				Batch batch = compactBatch(connection, lo, upTo, start);
				if (batch.examined() == 0) {
					break;
				}
				batches++;
				examined += batch.examined();
				removed += batch.removed();
				lo = batch.hi();
				if (batch.examined() < this.batchSize) {
					break;
				}
			}
			finish(connection, upTo);
			return new CompactionResult(upTo, examined, removed, floor, batches,
					Duration.ofNanos(System.nanoTime() - started), Instant.now());
		}
		catch (SQLException ex) {
			throw translate(ex);
		}
	}

	private long[] readState(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(READ_STATE_SQL)) {
			if (!rs.next()) {
				throw new SQLException("Plasma: _plasma_sequencer has no state row; was Plasma's schema initialized?");
			}
			return new long[] { rs.getLong(1), rs.getLong(2), rs.getLong(3) };
		}
	}

	private void raiseFloor(Connection connection, long upTo) throws SQLException {
		inTransaction(connection, () -> {
			try (PreparedStatement update = connection.prepareStatement(RAISE_FLOOR_SQL)) {
				update.setLong(1, upTo);
				update.setLong(2, upTo);
				update.executeUpdate();
			}
			return null;
		});
	}

	private Batch compactBatch(Connection connection, long lo, long upTo, long start) throws SQLException {
		return inTransaction(connection, () -> {
			List<String[]> keys = new ArrayList<>();
			long hi = lo;
			int examined = 0;
			try (PreparedStatement select = connection
				.prepareStatement((start > 0) ? this.selectBatchWithKeysSql : this.selectBatchSql)) {
				select.setLong(1, lo);
				select.setLong(2, upTo);
				try (ResultSet rs = select.executeQuery()) {
					while (rs.next()) {
						hi = rs.getLong(1);
						examined++;
						if (start > 0) {
							keys.add(new String[] { rs.getString(2), rs.getString(3) });
						}
					}
				}
			}
			if (examined == 0) {
				return new Batch(0, 0, hi);
			}
			int removed;
			try (PreparedStatement delete = connection.prepareStatement(DELETE_SUPERSEDED_SQL)) {
				delete.setLong(1, lo);
				delete.setLong(2, hi);
				delete.setString(3, MutationLedger.MARKER_TABLE);
				delete.setLong(4, upTo);
				removed = delete.executeUpdate();
			}
			if (start > 0) {
				Set<Long> kept = new LinkedHashSet<>();
				collectKeptBefore(connection, keys, start, kept);
				removed += delete(connection, kept);
			}
			if (removed > 0) {
				try (PreparedStatement update = connection.prepareStatement(COUNT_REMOVED_SQL)) {
					update.setLong(1, removed);
					update.executeUpdate();
				}
			}
			return new Batch(examined, removed, hi);
		});
	}

	/**
	 * Adds the entries at or below {@code start} of the given rows: what earlier passes kept of a row that
	 * has a newer entry now. Looked up per table with one index probe per row: on PostgreSQL with
	 * {@code row_id = ANY(?)} and an array (planned once), elsewhere with {@code row_id IN (...)} lists.
	 */
	private void collectKeptBefore(Connection connection, List<String[]> keys, long start, Set<Long> doomed)
			throws SQLException {
		Map<String, Set<String>> rowsByTable = new LinkedHashMap<>();
		for (String[] key : keys) {
			rowsByTable.computeIfAbsent(key[0], (table) -> new LinkedHashSet<>()).add(key[1]);
		}
		for (Map.Entry<String, Set<String>> table : rowsByTable.entrySet()) {
			List<String> rowIds = new ArrayList<>(table.getValue());
			if (this.arrays) {
				try (PreparedStatement select = connection.prepareStatement(SELECT_KEPT_ANY_SQL)) {
					select.setString(1, table.getKey());
					select.setArray(2, connection.createArrayOf("text", rowIds.toArray()));
					select.setLong(3, start);
					collect(select, doomed);
				}
				continue;
			}
			for (int from = 0; from < rowIds.size(); from += DELETE_CHUNK) {
				List<String> chunk = rowIds.subList(from, Math.min(rowIds.size(), from + DELETE_CHUNK));
				String sql = "SELECT row_version FROM _plasma_changes WHERE table_name = ? AND row_id IN ("
						+ placeholders(chunk.size()) + ") AND row_version <= ?";
				try (PreparedStatement select = connection.prepareStatement(sql)) {
					int index = 1;
					select.setString(index++, table.getKey());
					for (String rowId : chunk) {
						select.setString(index++, rowId);
					}
					select.setLong(index, start);
					collect(select, doomed);
				}
			}
		}
	}

	private static void collect(PreparedStatement select, Set<Long> versions) throws SQLException {
		try (ResultSet rs = select.executeQuery()) {
			while (rs.next()) {
				versions.add(rs.getLong(1));
			}
		}
	}

	private int delete(Connection connection, Set<Long> doomed) throws SQLException {
		if (doomed.isEmpty()) {
			return 0;
		}
		long[] versions = doomed.stream().mapToLong(Long::longValue).sorted().toArray();
		int removed = 0;
		PreparedStatement full = null;
		try {
			for (int from = 0; from < versions.length; from += DELETE_CHUNK) {
				int size = Math.min(DELETE_CHUNK, versions.length - from);
				PreparedStatement delete;
				if (size == DELETE_CHUNK) {
					if (full == null) {
						full = connection.prepareStatement(deleteSql(DELETE_CHUNK));
					}
					delete = full;
				}
				else {
					delete = connection.prepareStatement(deleteSql(size));
				}
				try {
					for (int i = 0; i < size; i++) {
						delete.setLong(i + 1, versions[from + i]);
					}
					removed += delete.executeUpdate();
				}
				finally {
					if (delete != full) {
						delete.close();
					}
				}
			}
		}
		finally {
			if (full != null) {
				full.close();
			}
		}
		return removed;
	}

	private static String deleteSql(int size) {
		return "DELETE FROM _plasma_changes WHERE row_version IN (" + placeholders(size) + ")";
	}

	private static String placeholders(int count) {
		return String.join(", ", Collections.nCopies(count, "?"));
	}

	private void finish(Connection connection, long upTo) throws SQLException {
		inTransaction(connection, () -> {
			long now = this.clock.nowMillis(connection);
			try (PreparedStatement update = connection.prepareStatement(FINISH_SQL)) {
				update.setLong(1, upTo);
				update.setLong(2, now);
				update.setLong(3, upTo);
				update.executeUpdate();
			}
			return null;
		});
	}

	private <T> T inTransaction(Connection connection, SqlWork<T> work) throws SQLException {
		boolean autoCommit = connection.getAutoCommit();
		int isolation = connection.getTransactionIsolation();
		connection.setAutoCommit(false);
		connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
		try {
			T result = work.run();
			connection.commit();
			return result;
		}
		catch (SQLException | RuntimeException ex) {
			try {
				connection.rollback();
			}
			catch (SQLException rollbackFailure) {
				ex.addSuppressed(rollbackFailure);
			}
			throw ex;
		}
		finally {
			connection.setTransactionIsolation(isolation);
			connection.setAutoCommit(autoCommit);
		}
	}

	private DataAccessException translate(SQLException ex) {
		DataAccessException translated = this.translator.translate("Plasma compaction", null, ex);
		return (translated != null) ? translated : new DataAccessResourceFailureException("Plasma compaction", ex);
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

	@FunctionalInterface
	private interface SqlWork<T> {

		T run() throws SQLException;

	}

	private record Batch(int examined, int removed, long hi) {
	}

}

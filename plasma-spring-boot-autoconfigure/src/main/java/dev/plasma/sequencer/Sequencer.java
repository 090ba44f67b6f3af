package dev.plasma.sequencer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator;
import org.springframework.jdbc.support.SQLExceptionTranslator;

import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.ledger.MutationLedger;

/**
 * Gives committed pending change-log entries their {@code row_version}, so that a reader tailing
 * {@code _plasma_changes} by {@code row_version > cursor} never misses an entry (contract, section 4).
 * <p>
 * The algorithm, one short transaction per batch, at {@code READ COMMITTED}:
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

	private final SQLExceptionTranslator translator;

	private final String selectPendingSql;

	private final String insertEntrySql;

	private final String upsertConfirmationSql;

	/**
	 * Creates a sequencer.
	 * @param dataSource the data source holding Plasma's tables
	 * @param dialect the database's dialect
	 * @param batchSize the most entries sequenced in one transaction
	 * @param listeners told about every committed batch
	 */
	public Sequencer(DataSource dataSource, PlasmaDialect dialect, int batchSize, List<SequencerListener> listeners) {
		if (batchSize < 1) {
			throw new IllegalArgumentException("batchSize must be at least 1");
		}
		this.dataSource = dataSource;
		this.batchSize = batchSize;
		this.listeners = List.copyOf(listeners);
		this.translator = new SQLErrorCodeSQLExceptionTranslator(dataSource);
		this.selectPendingSql = "SELECT id, " + dialect.entryColumns() + " FROM _plasma_pending_changes ORDER BY id LIMIT "
				+ batchSize;
		this.insertEntrySql = "INSERT INTO _plasma_changes (row_version, " + dialect.entryColumns()
				+ ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
		this.upsertConfirmationSql = dialect.upsertConfirmationSql();
	}

	/**
	 * Sequences everything committed so far: when this returns, every pending entry that was committed
	 * before the call has a {@code row_version}.
	 * @return the head after flushing
	 */
	public long flush() {
		try (Connection connection = this.dataSource.getConnection()) {
			if (!hasPending(connection)) {
				return readHead(connection);
			}
			SequencedBatch batch;
			do {
				batch = sequenceBatch(connection);
			}
			while (batch.count() == this.batchSize);
			return batch.lastVersion();
		}
		catch (SQLException ex) {
			throw translate("flush", ex);
		}
	}

	/**
	 * Runs one batch if there is anything pending.
	 * @return what the batch did
	 */
	public SequencedBatch sequenceOnce() {
		try (Connection connection = this.dataSource.getConnection()) {
			if (!hasPending(connection)) {
				return new SequencedBatch(0, 0, readHead(connection), 0, 0, System.currentTimeMillis());
			}
			return sequenceBatch(connection);
		}
		catch (SQLException ex) {
			throw translate("sequence", ex);
		}
	}

	/**
	 * Returns the highest version handed out so far.
	 * @return the head
	 */
	public long head() {
		try (Connection connection = this.dataSource.getConnection()) {
			return readHead(connection);
		}
		catch (SQLException ex) {
			throw translate("read head", ex);
		}
	}

	/**
	 * Returns the number of entries waiting to be sequenced.
	 * @return the pending count
	 */
	public long pendingCount() {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM _plasma_pending_changes")) {
			rs.next();
			return rs.getLong(1);
		}
		catch (SQLException ex) {
			throw translate("count pending", ex);
		}
	}

	/**
	 * Returns the creation time (Unix ms) of the oldest pending entry, or {@code null} when none is pending.
	 * @return the oldest creation time or {@code null}
	 */
	public Long oldestPendingCreatedAt() {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(
						"SELECT created_at FROM _plasma_pending_changes ORDER BY id LIMIT 1")) {
			return rs.next() ? rs.getLong(1) : null;
		}
		catch (SQLException ex) {
			throw translate("read oldest pending", ex);
		}
	}

	private boolean hasPending(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT id FROM _plasma_pending_changes ORDER BY id LIMIT 1")) {
			return rs.next();
		}
	}

	private long readHead(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT head FROM _plasma_sequencer WHERE id = 1")) {
			if (!rs.next()) {
				throw new SQLException("Plasma: _plasma_sequencer has no state row; was Plasma's schema initialized?");
			}
			return rs.getLong(1);
		}
	}

	private SequencedBatch sequenceBatch(Connection connection) throws SQLException {
		boolean autoCommit = connection.getAutoCommit();
		int isolation = connection.getTransactionIsolation();
		connection.setAutoCommit(false);
		connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
		try {
			long head = lockHead(connection);
			long[] ids = new long[this.batchSize];
			long[] createdAts = new long[this.batchSize];
			List<Object[]> confirmations = new java.util.ArrayList<>();
			int count = 0;
			try (PreparedStatement select = connection.prepareStatement(this.selectPendingSql);
					PreparedStatement insert = connection.prepareStatement(this.insertEntrySql);
					ResultSet rs = select.executeQuery()) {
				while (rs.next()) {
					ids[count] = rs.getLong(1);
					insert.setLong(1, head + count + 1);
					insert.setString(2, rs.getString(2));
					insert.setString(3, rs.getString(3));
					insert.setString(4, rs.getString(4));
					insert.setString(5, rs.getString(5));
					createdAts[count] = rs.getLong(6);
					insert.setLong(6, createdAts[count]);
					String clientGroupId = rs.getString(7);
					String clientId = rs.getString(8);
					insert.setString(7, clientGroupId);
					insert.setString(8, clientId);
					long mutationId = rs.getLong(9);
					if (rs.wasNull()) {
						insert.setNull(9, java.sql.Types.BIGINT);
					}
					else {
						insert.setLong(9, mutationId);
						if (MutationLedger.MARKER_TABLE.equals(rs.getString(2))) {
							confirmations.add(new Object[] { clientGroupId, clientId, mutationId, head + count + 1 });
						}
					}
					insert.addBatch();
					count++;
				}
				if (count > 0) {
					insert.executeBatch();
				}
			}
			if (count == 0) {
				connection.commit();
				return new SequencedBatch(0, 0, head, 0, 0, System.currentTimeMillis());
			}
			deletePending(connection, ids, count);
			recordConfirmations(connection, confirmations);
			try (PreparedStatement update = connection.prepareStatement("UPDATE _plasma_sequencer SET head = ? WHERE id = 1")) {
				update.setLong(1, head + count);
				update.executeUpdate();
			}
			connection.commit();
			long[] batchCreatedAts = java.util.Arrays.copyOf(createdAts, count);
			long oldest = Long.MAX_VALUE;
			long newest = 0;
			for (long createdAt : batchCreatedAts) {
				oldest = Math.min(oldest, createdAt);
				newest = Math.max(newest, createdAt);
			}
			SequencedBatch batch = new SequencedBatch(count, head + 1, head + count, oldest, newest,
					System.currentTimeMillis());
			for (SequencerListener listener : this.listeners) {
				listener.sequenced(batch, batchCreatedAts);
			}
			return batch;
		}
		catch (SQLException | RuntimeException ex) {
			connection.rollback();
			throw ex;
		}
		finally {
			connection.setTransactionIsolation(isolation);
			connection.setAutoCommit(autoCommit);
		}
	}

	private long lockHead(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT head FROM _plasma_sequencer WHERE id = 1 FOR UPDATE")) {
			if (!rs.next()) {
				throw new SQLException("Plasma: _plasma_sequencer has no state row; was Plasma's schema initialized?");
			}
			return rs.getLong(1);
		}
	}

	/**
	 * Records the sequenced ledger markers: from now on pulls may confirm these mutations.
	 */
	private void recordConfirmations(Connection connection, List<Object[]> confirmations) throws SQLException {
		if (confirmations.isEmpty()) {
			return;
		}
		try (PreparedStatement upsert = connection.prepareStatement(this.upsertConfirmationSql)) {
			for (Object[] confirmation : confirmations) {
				upsert.setString(1, (String) confirmation[0]);
				upsert.setString(2, (String) confirmation[1]);
				upsert.setLong(3, (Long) confirmation[2]);
				upsert.setLong(4, (Long) confirmation[3]);
				upsert.addBatch();
			}
			upsert.executeBatch();
		}
	}

	/**
	 * Deletes the sequenced pending entries one primary-key lookup each: an {@code IN} list may be run
	 * as a scan that waits for row locks of transactions still open (MariaDB).
	 */
	private void deletePending(Connection connection, long[] ids, int count) throws SQLException {
		try (PreparedStatement delete = connection.prepareStatement("DELETE FROM _plasma_pending_changes WHERE id = ?")) {
			for (int i = 0; i < count; i++) {
				delete.setLong(1, ids[i]);
				delete.addBatch();
			}
			delete.executeBatch();
		}
	}

	private DataAccessException translate(String task, SQLException ex) {
		DataAccessException translated = this.translator.translate("Plasma sequencer: " + task, null, ex);
		return (translated != null) ? translated
				: new org.springframework.dao.DataAccessResourceFailureException("Plasma sequencer: " + task, ex);
	}

}

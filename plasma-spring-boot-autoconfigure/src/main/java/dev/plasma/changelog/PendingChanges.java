package dev.plasma.changelog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import dev.plasma.dialect.PlasmaDialect;

/**
 * Owns {@code _plasma_pending_changes}, the change-log entries written but not yet sequenced: every
 * statement on the table that is the same on every database is here, as constants or built from the
 * dialect's column lists; each runs on the caller's connection, inside the caller's transaction if it
 * has one.
 * <p>
 * The statements that differ per database stay in the dialect, which owns them as a complete strategy:
 * the capture triggers' inserts ({@link PlasmaDialect#createCaptureTriggers}, and H2's trigger class), the
 * capture of a newly synced table's rows ({@link PlasmaDialect#captureExistingRows}), the delete of a
 * moved batch by primary key ({@link PlasmaDialect#deletePendingEntries}: one statement per id by default,
 * MariaDB's {@code STRAIGHT_JOIN}) and PostgreSQL's one-statement move ({@link PlasmaDialect#moveBatchSql}).
 */
public final class PendingChanges {

	private static final String COUNT_SQL = "SELECT COUNT(*) FROM _plasma_pending_changes";

	private static final String OLDEST_CREATED_AT_SQL = "SELECT created_at FROM _plasma_pending_changes ORDER BY id LIMIT 1";

	private PendingChanges() {
	}

	/**
	 * Returns the number of pending entries (a table the sequencer keeps near empty).
	 * @param connection the connection to read with
	 * @return the count
	 * @throws SQLException on database errors
	 */
	public static long count(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(COUNT_SQL)) {
			rs.next();
			return rs.getLong(1);
		}
	}

	/**
	 * Returns the creation time (Unix ms) of the oldest pending entry, found by primary key.
	 * @param connection the connection to read with
	 * @return the creation time, or {@code null} when nothing is pending
	 * @throws SQLException on database errors
	 */
	public static Long oldestCreatedAt(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(OLDEST_CREATED_AT_SQL)) {
			return rs.next() ? rs.getLong(1) : null;
		}
	}

	/**
	 * Returns whether any entry is pending (one primary-key lookup).
	 * @param connection the connection to read with
	 * @return whether an entry is pending
	 * @throws SQLException on database errors
	 */
	public static boolean any(Connection connection) throws SQLException {
		return any(connection, null);
	}

	/**
	 * Returns whether any entry of a region is pending.
	 * @param connection the connection to read with
	 * @param scope the region's entries, {@code null} for all
	 * @return whether an entry is pending
	 * @throws SQLException on database errors
	 */
	public static boolean any(Connection connection, PendingScope scope) throws SQLException {
		String sql = "SELECT p.id FROM _plasma_pending_changes p" + ((scope != null) ? " WHERE " + scope.owns("p") : "")
				+ " ORDER BY p.id LIMIT 1";
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
			return rs.next();
		}
	}

	/**
	 * Returns the number of a region's pending entries.
	 * @param connection the connection to read with
	 * @param scope the region's entries
	 * @return the count
	 * @throws SQLException on database errors
	 */
	public static long count(Connection connection, PendingScope scope) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM _plasma_pending_changes p WHERE " + scope.owns("p"))) {
			rs.next();
			return rs.getLong(1);
		}
	}

	/**
	 * Returns the creation time (Unix ms) of a region's oldest pending entry.
	 * @param connection the connection to read with
	 * @param scope the region's entries
	 * @return the creation time, or {@code null} when nothing is pending
	 * @throws SQLException on database errors
	 */
	public static Long oldestCreatedAt(Connection connection, PendingScope scope) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT p.created_at FROM _plasma_pending_changes p WHERE "
						+ scope.owns("p") + " ORDER BY p.id LIMIT 1")) {
			return rs.next() ? rs.getLong(1) : null;
		}
	}

	/**
	 * Returns the insert of one ledger marker, a {@code put} with parameters table name, row ID, value,
	 * created at, client group ID, client ID, mutation ID and the region of the push.
	 * @param dialect the database's dialect
	 * @return the statement
	 */
	public static String insertLedgerMarkerSql(PlasmaDialect dialect) {
		return "INSERT INTO _plasma_pending_changes (" + dialect.entryColumns()
				+ ", region) VALUES (?, ?, 'put', ?, ?, ?, ?, ?, ?)";
	}

	/**
	 * Returns the select of a region's oldest pending entries that it may take
	 * ({@link PendingScope#takes}), in creation (primary-key) order: {@code id}, then the dialect's entry
	 * columns and scope columns.
	 * @param dialect the database's dialect
	 * @param limit the most entries to read
	 * @param scope the region's entries
	 * @return the statement
	 */
	public static String selectOldestSql(PlasmaDialect dialect, int limit, PendingScope scope) {
		return "SELECT p.id, " + prefixed("p", dialect.entryColumns()) + ", " + prefixed("p", dialect.scopeColumns())
				+ " FROM _plasma_pending_changes p WHERE " + scope.takes("p") + " ORDER BY p.id LIMIT " + limit;
	}

	private static String prefixed(String alias, String columns) {
		return alias + "." + String.join(", " + alias + ".", columns.split(",\\s*"));
	}

	/**
	 * Returns the select of the entries one mutation's writes were captured as (still pending, in its own
	 * transaction), in order: {@code table_name}, {@code row_id}, {@code op} and the row value, with
	 * parameters client group ID, client ID and mutation ID.
	 * @param dialect the database's dialect
	 * @return the statement
	 */
	public static String selectMutationWritesSql(PlasmaDialect dialect) {
		return "SELECT table_name, row_id, op, " + dialect.valueColumn() + " FROM _plasma_pending_changes"
				+ " WHERE client_group_id = ? AND client_id = ? AND mutation_id = ? ORDER BY id";
	}

}

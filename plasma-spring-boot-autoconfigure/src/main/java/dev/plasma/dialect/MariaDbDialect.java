package dev.plasma.dialect;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

import dev.plasma.schema.ColumnKind;
import dev.plasma.schema.SqlIdentifiers;
import dev.plasma.schema.SyncedTable;

/**
 * MariaDB: three row triggers per table ({@code AFTER INSERT}, {@code UPDATE}, {@code DELETE}); trigger
 * bodies resolve Plasma's tables in the database the trigger belongs to.
 */
class MariaDbDialect extends SqlTriggerDialect {

	private static final String INSTALL_LOCK = "'plasma_install'";

	/** Tables of the current database with all three of Plasma's row triggers. */
	private static final String CAPTURED_TABLES = """
			SELECT EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS
			WHERE TRIGGER_SCHEMA = DATABASE() AND EVENT_OBJECT_SCHEMA = DATABASE()
			AND TRIGGER_NAME IN (CONCAT('plasma_', EVENT_OBJECT_TABLE, '_ai'), CONCAT('plasma_', EVENT_OBJECT_TABLE, '_au'),
				CONCAT('plasma_', EVENT_OBJECT_TABLE, '_ad'))
			GROUP BY EVENT_OBJECT_TABLE HAVING COUNT(*) = 3""";

	@Override
	public String displayName() {
		return "MariaDB";
	}

	@Override
	public String readCommittedTransactionSql() {
		return "SET TRANSACTION ISOLATION LEVEL READ COMMITTED";
	}

	/**
	 * Deletes the moved entries with one statement whose listed ids drive a join ({@code STRAIGHT_JOIN})
	 * into the primary key: each is a unique lookup, one server command instead of one per entry. An
	 * {@code IN} list would be a range scan that waits behind open transactions' entries.
	 */
	@Override
	public void deletePendingEntries(Connection connection, long[] ids, int count) throws SQLException {
		StringBuilder sql = new StringBuilder(80 + count * 24).append("DELETE p FROM (");
		for (int i = 0; i < count; i++) {
			sql.append((i == 0) ? "SELECT " : " UNION ALL SELECT ").append(ids[i]).append((i == 0) ? " AS id" : "");
		}
		sql.append(") moved STRAIGHT_JOIN _plasma_pending_changes p FORCE INDEX (PRIMARY) ON p.id = moved.id");
		try (Statement delete = connection.createStatement()) {
			int deleted = delete.executeUpdate(sql.toString());
			if (deleted != count) {
				throw new SQLException("Plasma sequencer: deleted " + deleted + " of " + count + " moved pending entries");
			}
		}
	}

	@Override
	public String sessionIdExpression() {
		return "CONNECTION_ID()";
	}

	@Override
	public String upsertOriginSql() {
		return "INSERT INTO _plasma_origin (session_id, client_group_id, client_id, mutation_id, region) VALUES (CONNECTION_ID(), ?, ?, ?, ?)"
				+ " ON DUPLICATE KEY UPDATE client_group_id = VALUES(client_group_id), client_id = VALUES(client_id),"
				+ " mutation_id = VALUES(mutation_id), region = VALUES(region)";
	}

	@Override
	public String upsertConfirmationSql() {
		return "INSERT INTO _plasma_client_confirmations (client_group_id, client_id, mutation_id, row_version, region) VALUES (?, ?, ?, ?, ?)"
				+ " ON DUPLICATE KEY UPDATE"
				+ " row_version = IF(VALUES(mutation_id) > mutation_id, VALUES(row_version), row_version),"
				+ " region = IF(VALUES(mutation_id) > mutation_id, VALUES(region), region),"
				+ " mutation_id = GREATEST(mutation_id, VALUES(mutation_id))";
	}

	@Override
	public String nextBatchOrderSql() {
		return "SELECT NEXTVAL(_plasma_batch_order)";
	}

	@Override
	String literal(String text) {
		return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
	}

	@Override
	String jsonValue(String ref, ColumnKind kind) {
		String json = switch (kind) {
			case INTEGER, FLOAT -> "CAST(" + ref + " AS CHAR)";
			case BOOLEAN -> "CASE WHEN " + ref + " IS NULL THEN NULL WHEN " + ref + " <> 0 THEN 'true' ELSE 'false' END";
			case DECIMAL, OTHER -> "JSON_QUOTE(CAST(" + ref + " AS CHAR))";
			case DATE -> "JSON_QUOTE(DATE_FORMAT(" + ref + ", '%Y-%m-%d'))";
			case TIME -> "JSON_QUOTE(TIME_FORMAT(" + ref + ", '%H:%i:%s.%f'))";
			case TIMESTAMP -> "JSON_QUOTE(DATE_FORMAT(" + ref + ", '%Y-%m-%dT%H:%i:%s.%f'))";
			case TIMESTAMP_TZ -> "JSON_QUOTE(DATE_FORMAT(CONVERT_TZ(" + ref
					+ ", @@session.time_zone, '+00:00'), '%Y-%m-%dT%H:%i:%s.%fZ'))";
			case BINARY -> "JSON_QUOTE(REPLACE(TO_BASE64(" + ref + "), CHAR(10), ''))";
			case STRING -> "JSON_QUOTE(" + ref + ")";
		};
		return "COALESCE(" + json + ", 'null')";
	}

	@Override
	String textValue(String ref, ColumnKind kind) {
		return "CAST(" + ref + " AS CHAR)";
	}

	@Override
	String concat(List<String> parts) {
		return "CONCAT(" + String.join(", ", parts) + ")";
	}

	@Override
	public String nowMillisExpression() {
		return "CAST(UNIX_TIMESTAMP(SYSDATE(3)) * 1000 AS SIGNED)";
	}

	private String triggerName(String physicalName, String suffix) {
		return quote("plasma_" + physicalName + "_" + suffix);
	}

	/**
	 * Reads the session's mutation origin into local variables with a plain (consistent, non-locking)
	 * read. An {@code INSERT ... SELECT} would take shared locks on {@code _plasma_origin} under
	 * REPEATABLE READ and make concurrent mutation scopes wait for each other.
	 */
	private static final String READ_ORIGIN = "DECLARE plasma_cg VARCHAR(255); DECLARE plasma_c VARCHAR(255); "
			+ "DECLARE plasma_m BIGINT; DECLARE plasma_r VARCHAR(32); "
			+ "SELECT MAX(client_group_id), MAX(client_id), MAX(mutation_id), MAX(region) "
			+ "INTO plasma_cg, plasma_c, plasma_m, plasma_r FROM _plasma_origin WHERE session_id = CONNECTION_ID(); ";

	@Override
	String insertPending(SyncedTable table, String ref, String op, String oldScope) {
		String value = op.equals("put") ? rowJson(table, ref) : "NULL";
		return "INSERT INTO _plasma_pending_changes (" + entryColumns() + ", region" + scopeInsertColumns(table)
				+ ") VALUES (" + literal(table.name()) + ", " + rowId(table, ref) + ", " + literal(op) + ", " + value + ", "
				+ nowMillisExpression() + ", plasma_cg, plasma_c, plasma_m, plasma_r" + scopeValues(table, ref, op, oldScope)
				+ ")";
	}

	@Override
	public List<String> createCaptureTriggers(SyncedTable table) {
		String target = quote(table.physicalName());
		return List.of(
				"CREATE OR REPLACE TRIGGER " + triggerName(table.physicalName(), "ai") + " AFTER INSERT ON " + target
						+ " FOR EACH ROW BEGIN " + READ_ORIGIN + insertPending(table, "NEW", "put", "NULL") + "; END",
				"CREATE OR REPLACE TRIGGER " + triggerName(table.physicalName(), "au") + " AFTER UPDATE ON " + target
						+ " FOR EACH ROW BEGIN " + READ_ORIGIN + "IF NOT ((" + rowId(table, "OLD") + ") <=> ("
						+ rowId(table, "NEW") + ")) THEN " + insertPending(table, "OLD", "del", scopeOf(table, "OLD"))
						+ "; END IF; " + insertPending(table, "NEW", "put", oldScopeOfPut(table)) + "; END",
				"CREATE OR REPLACE TRIGGER " + triggerName(table.physicalName(), "ad") + " AFTER DELETE ON " + target
						+ " FOR EACH ROW BEGIN " + READ_ORIGIN + insertPending(table, "OLD", "del", scopeOf(table, "OLD"))
						+ "; END");
	}

	@Override
	public List<String> dropCaptureTriggers(String physicalName) {
		return List.of("DROP TRIGGER IF EXISTS " + triggerName(physicalName, "ai"),
				"DROP TRIGGER IF EXISTS " + triggerName(physicalName, "au"),
				"DROP TRIGGER IF EXISTS " + triggerName(physicalName, "ad"));
	}

	@Override
	public Set<String> tablesWithCaptureTriggers(Connection connection) throws SQLException {
		return CatalogQuery.names(connection, CAPTURED_TABLES);
	}

	@Override
	public boolean transactionalDdl() {
		return false;
	}

	@Override
	public void lockInstallation(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT GET_LOCK(" + INSTALL_LOCK + ", 120)")) {
			if (!rs.next() || rs.getInt(1) != 1) {
				throw new SQLException("Plasma: timed out waiting for the trigger installation lock");
			}
		}
	}

	@Override
	public void unlockInstallation(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("SELECT RELEASE_LOCK(" + INSTALL_LOCK + ")");
		}
	}

	@Override
	public String quote(String identifier) {
		return SqlIdentifiers.quote(identifier, '`');
	}

}

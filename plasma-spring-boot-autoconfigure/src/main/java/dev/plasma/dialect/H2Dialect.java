package dev.plasma.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import dev.plasma.schema.Column;
import dev.plasma.schema.SqlIdentifiers;
import dev.plasma.schema.SyncedTable;

/**
 * H2 (embedded): a Java trigger class, {@link H2CaptureTrigger}, shipped in the jar.
 */
class H2Dialect implements PlasmaDialect {

	private static final ReentrantLock INSTALL_LOCK = new ReentrantLock();

	private static final String TRIGGER_PREFIX = "PLASMA_CAPTURE_";

	/** Tables of the current schema with Plasma's Java trigger under its own name. */
	private static final String CAPTURED_TABLES = """
			SELECT DISTINCT EVENT_OBJECT_TABLE FROM INFORMATION_SCHEMA.TRIGGERS
			WHERE EVENT_OBJECT_SCHEMA = CURRENT_SCHEMA AND JAVA_CLASS = ?
			AND TRIGGER_NAME = CONCAT(?, EVENT_OBJECT_TABLE)""";

	@Override
	public String displayName() {
		return "H2";
	}

	@Override
	public String valueColumn() {
		return "\"VALUE\"";
	}

	@Override
	public String sessionIdExpression() {
		return "SESSION_ID()";
	}

	@Override
	public String nowMillisExpression() {
		return "DATEDIFF('MILLISECOND', TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00', CURRENT_TIMESTAMP)";
	}

	@Override
	public String upsertOriginSql() {
		return "MERGE INTO _plasma_origin (session_id, client_group_id, client_id, mutation_id, region) KEY (session_id) VALUES ("
				+ sessionIdExpression() + ", ?, ?, ?, ?)";
	}

	@Override
	public String upsertConfirmationSql() {
		return "MERGE INTO _plasma_client_confirmations c USING (VALUES (CAST(? AS VARCHAR(255)), CAST(? AS VARCHAR(255)),"
				+ " CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS VARCHAR(32)))) s (g, cl, m, v, r)"
				+ " ON c.client_group_id = s.g AND c.client_id = s.cl"
				+ " WHEN MATCHED AND c.mutation_id < s.m THEN UPDATE SET mutation_id = s.m, row_version = s.v, region = s.r"
				+ " WHEN NOT MATCHED THEN INSERT (client_group_id, client_id, mutation_id, row_version, region)"
				+ " VALUES (s.g, s.cl, s.m, s.v, s.r)";
	}

	private String triggerName(String physicalName) {
		return quote(TRIGGER_PREFIX + physicalName);
	}

	@Override
	public List<String> createCaptureTriggers(SyncedTable table) {
		return List.of("DROP TRIGGER IF EXISTS " + triggerName(table.physicalName()),
				"CREATE TRIGGER " + triggerName(table.physicalName()) + " AFTER INSERT, UPDATE, DELETE ON "
						+ quote(table.physicalName()) + " FOR EACH ROW CALL '" + H2CaptureTrigger.class.getName() + "'");
	}

	@Override
	public List<String> dropCaptureTriggers(String physicalName) {
		return List.of("DROP TRIGGER IF EXISTS " + triggerName(physicalName));
	}

	@Override
	public Set<String> tablesWithCaptureTriggers(Connection connection) throws SQLException {
		return CatalogQuery.names(connection, CAPTURED_TABLES, H2CaptureTrigger.class.getName(), TRIGGER_PREFIX);
	}

	@Override
	public void readRows(Connection connection, SyncedTable table, RowConsumer consumer) throws SQLException {
		try (Statement select = connection.createStatement()) {
			select.setFetchSize(READ_ROWS_FETCH_SIZE);
			try (ResultSet rs = select.executeQuery("SELECT * FROM " + quote(table.physicalName()))) {
				int width = table.columns().size();
				while (rs.next()) {
					Object[] row = new Object[width];
					for (int i = 0; i < width; i++) {
						row[i] = rs.getObject(i + 1);
					}
					consumer.accept(RowRenderer.rowId(table, row), RowRenderer.json(table, row));
				}
			}
		}
	}

	@Override
	public void readRowsIn(Connection connection, SyncedTable table, Column column, Collection<String> values,
			RowConsumer consumer) throws SQLException {
		int width = table.columns().size();
		InChunks.query(this, connection, "SELECT * FROM " + quote(table.physicalName()) + " WHERE " + quote(column.name()),
				values, (rs) -> {
					Object[] row = new Object[width];
					for (int i = 0; i < width; i++) {
						row[i] = rs.getObject(i + 1);
					}
					consumer.accept(RowRenderer.rowId(table, row), RowRenderer.json(table, row));
				});
	}

	@Override
	public int captureExistingRows(Connection connection, SyncedTable table) throws SQLException {
		java.util.List<String[]> rows = new java.util.ArrayList<>();
		Column scope = table.scopeColumn();
		int scopeIndex = (scope != null) ? table.indexOf(scope) : -1;
		try (Statement select = connection.createStatement();
				ResultSet rs = select.executeQuery("SELECT * FROM " + quote(table.physicalName()))) {
			int width = table.columns().size();
			while (rs.next()) {
				Object[] row = new Object[width];
				for (int i = 0; i < width; i++) {
					row[i] = rs.getObject(i + 1);
				}
				String scopeValue = (scopeIndex >= 0 && row[scopeIndex] != null) ? RowRenderer.text(row[scopeIndex]) : null;
				rows.add(new String[] { RowRenderer.rowId(table, row), RowRenderer.json(table, row), scopeValue });
			}
		}
		try (PreparedStatement insert = connection.prepareStatement("INSERT INTO _plasma_pending_changes (table_name, row_id, op, "
				+ valueColumn() + ", created_at, scope) VALUES (?, ?, 'put', ?, ?, ?)")) {
			for (String[] row : rows) {
				insert.setString(1, table.name());
				insert.setString(2, row[0]);
				insert.setString(3, row[1]);
				insert.setLong(4, System.currentTimeMillis());
				insert.setString(5, row[2]);
				insert.addBatch();
			}
			insert.executeBatch();
		}
		return rows.size();
	}

	@Override
	public boolean transactionalDdl() {
		return false;
	}

	@Override
	public void lockInstallation(Connection connection) {
		INSTALL_LOCK.lock();
	}

	@Override
	public void unlockInstallation(Connection connection) {
		INSTALL_LOCK.unlock();
	}

	@Override
	public String quote(String identifier) {
		return SqlIdentifiers.quote(identifier, '"');
	}

}

package dev.plasma.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

import org.h2.api.Trigger;

import dev.plasma.schema.PlasmaConfigurationException;
import dev.plasma.schema.SyncedTable;
import dev.plasma.schema.TableDeclaration;
import dev.plasma.schema.TableResolver;

/**
 * H2 row trigger that appends a pending change-log entry for every insert, update and delete, rendered
 * by {@link RowRenderer} exactly as the SQL triggers of the other databases render it. Requires H2 to
 * run embedded in the application's JVM.
 */
public class H2CaptureTrigger implements Trigger {

	static final String INSERT_PENDING = """
			INSERT INTO _plasma_pending_changes (table_name, row_id, op, "VALUE", created_at, client_group_id, client_id, mutation_id,
			  region)
			SELECT ?, ?, ?, ?, ?, o.client_group_id, o.client_id, o.mutation_id, o.region
			FROM (SELECT 1 AS one) plasma_one LEFT JOIN _plasma_origin o ON o.session_id = SESSION_ID()""";

	static final String INSERT_SCOPED_PENDING = """
			INSERT INTO _plasma_pending_changes (table_name, row_id, op, "VALUE", created_at, client_group_id, client_id, mutation_id,
			  region, scope, old_scope)
			SELECT ?, ?, ?, ?, ?, o.client_group_id, o.client_id, o.mutation_id, o.region, ?, ?
			FROM (SELECT 1 AS one) plasma_one LEFT JOIN _plasma_origin o ON o.session_id = SESSION_ID()""";

	private SyncedTable table;

	private int scopeIndex = -1;

	@Override
	public void init(Connection connection, String schemaName, String triggerName, String tableName, boolean before,
			int type) throws SQLException {
		String logicalName = null;
		String scopeColumn = null;
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT table_name, scope_column FROM _plasma_tables WHERE physical_name = ?")) {
			statement.setString(1, tableName);
			try (ResultSet rs = statement.executeQuery()) {
				if (rs.next()) {
					logicalName = rs.getString(1);
					scopeColumn = rs.getString(2);
				}
			}
		}
		if (logicalName == null) {
			throw new PlasmaConfigurationException(
					"Plasma: table '" + tableName + "' has a capture trigger but is not registered in _plasma_tables");
		}
		this.table = new TableResolver().resolve(connection, new TableDeclaration(logicalName, false, scopeColumn));
		if (this.table.scopeColumn() != null) {
			this.scopeIndex = this.table.indexOf(this.table.scopeColumn());
		}
	}

	@Override
	public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
		if (newRow == null) {
			append(connection, RowRenderer.rowId(this.table, oldRow), "del", null, null, scope(oldRow));
			return;
		}
		String newId = RowRenderer.rowId(this.table, newRow);
		String oldScope = null;
		if (oldRow != null) {
			String oldId = RowRenderer.rowId(this.table, oldRow);
			if (!Objects.equals(oldId, newId)) {
				append(connection, oldId, "del", null, null, scope(oldRow));
			}
			else {
				oldScope = scope(oldRow);
			}
		}
		append(connection, newId, "put", RowRenderer.json(this.table, newRow), scope(newRow), oldScope);
	}

	/**
	 * Returns the row's read-rule column as text, or {@code null} for a table without a rule.
	 */
	private String scope(Object[] row) throws SQLException {
		if (this.scopeIndex < 0 || row[this.scopeIndex] == null) {
			return null;
		}
		return RowRenderer.text(row[this.scopeIndex]);
	}

	private void append(Connection connection, String rowId, String op, String value, String scope, String oldScope)
			throws SQLException {
		boolean scoped = this.scopeIndex >= 0;
		try (PreparedStatement statement = connection.prepareStatement(scoped ? INSERT_SCOPED_PENDING : INSERT_PENDING)) {
			statement.setString(1, this.table.name());
			statement.setString(2, rowId);
			statement.setString(3, op);
			statement.setString(4, value);
			statement.setLong(5, System.currentTimeMillis());
			if (scoped) {
				statement.setString(6, scope);
				statement.setString(7, oldScope);
			}
			statement.executeUpdate();
		}
	}

}

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
			INSERT INTO _plasma_pending_changes (table_name, row_id, op, "VALUE", created_at, client_group_id, client_id, mutation_id)
			SELECT ?, ?, ?, ?, ?, o.client_group_id, o.client_id, o.mutation_id
			FROM (SELECT 1 AS one) plasma_one LEFT JOIN _plasma_origin o ON o.session_id = SESSION_ID()""";

	private SyncedTable table;

	@Override
	public void init(Connection connection, String schemaName, String triggerName, String tableName, boolean before,
			int type) throws SQLException {
		String logicalName = null;
		try (PreparedStatement statement = connection
			.prepareStatement("SELECT table_name FROM _plasma_tables WHERE physical_name = ?")) {
			statement.setString(1, tableName);
			try (ResultSet rs = statement.executeQuery()) {
				if (rs.next()) {
					logicalName = rs.getString(1);
				}
			}
		}
		if (logicalName == null) {
			throw new PlasmaConfigurationException(
					"Plasma: table '" + tableName + "' has a capture trigger but is not registered in _plasma_tables");
		}
		this.table = new TableResolver().resolve(connection, new TableDeclaration(logicalName, false));
	}

	@Override
	public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
		if (newRow == null) {
			append(connection, RowRenderer.rowId(this.table, oldRow), "del", null);
			return;
		}
		String newId = RowRenderer.rowId(this.table, newRow);
		if (oldRow != null) {
			String oldId = RowRenderer.rowId(this.table, oldRow);
			if (!Objects.equals(oldId, newId)) {
				append(connection, oldId, "del", null);
			}
		}
		append(connection, newId, "put", RowRenderer.json(this.table, newRow));
	}

	private void append(Connection connection, String rowId, String op, String value) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(INSERT_PENDING)) {
			statement.setString(1, this.table.name());
			statement.setString(2, rowId);
			statement.setString(3, op);
			statement.setString(4, value);
			statement.setLong(5, System.currentTimeMillis());
			statement.executeUpdate();
		}
	}

}

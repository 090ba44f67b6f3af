package dev.plasma.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.plasma.schema.Column;
import dev.plasma.schema.ColumnKind;
import dev.plasma.schema.SyncedTable;

/**
 * Base of the dialects whose capture triggers are written in SQL: builds the row JSON and the row ID as
 * SQL expressions over a row reference ({@code NEW}, {@code OLD}, or a table alias for the initial
 * capture).
 */
abstract class SqlTriggerDialect implements PlasmaDialect {

	/**
	 * Returns an expression rendering one column as JSON text ({@code null} for SQL NULL).
	 */
	abstract String jsonValue(String ref, ColumnKind kind);

	/**
	 * Returns an expression rendering one key column as text.
	 */
	abstract String textValue(String ref, ColumnKind kind);

	/**
	 * Returns the concatenation of expressions that are never NULL.
	 */
	abstract String concat(List<String> parts);

	/**
	 * Returns a string literal.
	 */
	String literal(String text) {
		return "'" + text.replace("'", "''") + "'";
	}

	/**
	 * Returns the qualified name of one of Plasma's internal tables as the triggers must write it.
	 */
	String internalTable(String name) {
		return name;
	}

	String columnRef(String ref, Column column) {
		return ref + "." + quote(column.name());
	}

	String rowJson(SyncedTable table, String ref) {
		List<String> parts = new ArrayList<>();
		boolean first = true;
		for (Column column : table.columns()) {
			String key = (first ? "{" : ",") + JsonText.quote(column.jsonName()) + ":";
			parts.add(literal(key));
			parts.add(jsonValue(columnRef(ref, column), column.kind()));
			first = false;
		}
		parts.add(literal("}"));
		return concat(parts);
	}

	String rowId(SyncedTable table, String ref) {
		if (!table.hasCompositeKey()) {
			Column column = table.primaryKey().get(0);
			return textValue(columnRef(ref, column), column.kind());
		}
		List<String> parts = new ArrayList<>();
		for (Column column : table.primaryKey()) {
			if (!parts.isEmpty()) {
				parts.add(literal("/"));
			}
			String text = textValue(columnRef(ref, column), column.kind());
			parts.add("REPLACE(REPLACE(" + text + ", '%', '%25'), '/', '%2F')");
		}
		return concat(parts);
	}

	/**
	 * Returns an INSERT of one pending entry for the row {@code ref}, attributed to the current session's
	 * mutation origin if there is one.
	 */
	String insertPending(SyncedTable table, String ref, String op) {
		String value = op.equals("put") ? rowJson(table, ref) : "NULL";
		return "INSERT INTO " + internalTable("_plasma_pending_changes") + " (" + entryColumns() + ") SELECT "
				+ literal(table.name()) + ", " + rowId(table, ref) + ", " + literal(op) + ", " + value + ", "
				+ nowMillisExpression() + ", o.client_group_id, o.client_id, o.mutation_id FROM (SELECT 1 AS one) plasma_one"
				+ " LEFT JOIN " + internalTable("_plasma_origin") + " o ON o.session_id = " + sessionIdExpression();
	}

	@Override
	public void readRows(Connection connection, SyncedTable table, RowConsumer consumer) throws SQLException {
		String sql = "SELECT " + rowId(table, "t") + ", " + rowJson(table, "t") + " FROM " + quote(table.physicalName())
				+ " t";
		try (Statement statement = connection.createStatement()) {
			statement.setFetchSize(READ_ROWS_FETCH_SIZE);
			try (java.sql.ResultSet rs = statement.executeQuery(sql)) {
				while (rs.next()) {
					consumer.accept(rs.getString(1), rs.getString(2));
				}
			}
		}
	}

	@Override
	public int captureExistingRows(Connection connection, SyncedTable table) throws SQLException {
		String sql = "INSERT INTO " + internalTable("_plasma_pending_changes") + " (" + entryColumns() + ") SELECT "
				+ literal(table.name()) + ", " + rowId(table, "t") + ", 'put', " + rowJson(table, "t") + ", "
				+ nowMillisExpression() + ", NULL, NULL, NULL FROM " + quote(table.physicalName()) + " t";
		try (Statement statement = connection.createStatement()) {
			return statement.executeUpdate(sql);
		}
	}

}

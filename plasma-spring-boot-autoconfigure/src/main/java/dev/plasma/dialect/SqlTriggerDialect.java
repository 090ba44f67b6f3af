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
	 * Returns the rule column's value of the row {@code ref} as text, the form of {@code scope}.
	 */
	String scopeOf(SyncedTable table, String ref) {
		Column scope = table.scopeColumn();
		return (scope != null) ? textValue(columnRef(ref, scope), scope.kind()) : "NULL";
	}

	/**
	 * Returns the extra column list of a table's pending entries: the scope columns for a table with a
	 * read rule, nothing otherwise (its triggers stay exactly as without rules).
	 */
	String scopeInsertColumns(SyncedTable table) {
		return (table.scopeColumn() != null) ? ", " + scopeColumns() : "";
	}

	/**
	 * Returns the extra values matching {@link #scopeInsertColumns}: the new scope of a {@code put} of the
	 * row {@code ref} (NULL for a {@code del}) and {@code oldScope}.
	 */
	String scopeValues(SyncedTable table, String ref, String op, String oldScope) {
		if (table.scopeColumn() == null) {
			return "";
		}
		return ", " + (op.equals("put") ? scopeOf(table, ref) : "NULL") + ", " + oldScope;
	}

	/**
	 * Returns the {@code old_scope} of a {@code put} of {@code NEW}: the previous scope on an update that
	 * keeps the row's key, NULL on an insert or when the key changed (the new key was never readable
	 * under the old scope, so a {@code del} of it would reveal it).
	 */
	String oldScopeOfPut(SyncedTable table) {
		if (table.scopeColumn() == null) {
			return "NULL";
		}
		return "CASE WHEN (" + rowId(table, "OLD") + ") = (" + rowId(table, "NEW") + ") THEN " + scopeOf(table, "OLD")
				+ " END";
	}

	/**
	 * Returns an INSERT of one pending entry for the row {@code ref}, attributed to the current session's
	 * mutation origin if there is one.
	 */
	String insertPending(SyncedTable table, String ref, String op, String oldScope) {
		String value = op.equals("put") ? rowJson(table, ref) : "NULL";
		return "INSERT INTO " + internalTable("_plasma_pending_changes") + " (" + entryColumns() + ", region"
				+ scopeInsertColumns(table) + ") SELECT " + literal(table.name()) + ", " + rowId(table, ref) + ", "
				+ literal(op) + ", " + value + ", " + nowMillisExpression()
				+ ", o.client_group_id, o.client_id, o.mutation_id, o.region" + scopeValues(table, ref, op, oldScope)
				+ " FROM (SELECT 1 AS one) plasma_one" + " LEFT JOIN " + internalTable("_plasma_origin")
				+ " o ON o.session_id = " + sessionIdExpression();
	}

	@Override
	public void readRowsIn(Connection connection, SyncedTable table, Column column, java.util.Collection<String> values,
			RowConsumer consumer) throws SQLException {
		String prefix = "SELECT " + rowId(table, "t") + ", " + rowJson(table, "t") + " FROM "
				+ quote(table.physicalName()) + " t WHERE " + columnRef("t", column);
		InChunks.query(this, connection, prefix, values, (rs) -> consumer.accept(rs.getString(1), rs.getString(2)));
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
		String sql = "INSERT INTO " + internalTable("_plasma_pending_changes") + " (" + entryColumns()
				+ scopeInsertColumns(table) + ") SELECT " + literal(table.name()) + ", " + rowId(table, "t") + ", 'put', "
				+ rowJson(table, "t") + ", " + nowMillisExpression() + ", NULL, NULL, NULL"
				+ scopeValues(table, "t", "put", "NULL") + " FROM " + quote(table.physicalName()) + " t";
		try (Statement statement = connection.createStatement()) {
			return statement.executeUpdate(sql);
		}
	}

}

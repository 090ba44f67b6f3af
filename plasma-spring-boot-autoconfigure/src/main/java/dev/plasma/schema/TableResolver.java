package dev.plasma.schema;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Resolves declared tables against the database metadata of the connection's current schema: the exact
 * stored name, the columns in order with their JSON rendering, and the primary key.
 */
public class TableResolver {

	/**
	 * Resolves one declared table.
	 * @param connection a connection whose current catalog/schema holds the table
	 * @param declaration the declared table
	 * @return the resolved table
	 * @throws PlasmaConfigurationException when the name is not acceptable, the table does not exist or
	 * has no primary key
	 * @throws SQLException on database errors
	 */
	public SyncedTable resolve(Connection connection, TableDeclaration declaration) throws SQLException {
		String name = declaration.name();
		String problem = SqlIdentifiers.problemWithTableName(name);
		if (problem != null) {
			throw new PlasmaConfigurationException(
					"Plasma: table '" + name + "' declared under plasma.tables cannot be used: " + problem + ".");
		}
		DatabaseMetaData metaData = connection.getMetaData();
		String catalog = connection.getCatalog();
		String schema = currentSchema(connection);
		String physicalName = findPhysicalName(metaData, catalog, schema, name);
		if (physicalName == null) {
			throw new PlasmaConfigurationException("Plasma: table '" + name
					+ "' declared under plasma.tables does not exist in the database"
					+ ((schema != null) ? " (schema '" + schema + "')" : "") + ".");
		}
		boolean foldsToUpper = metaData.storesUpperCaseIdentifiers();
		List<Column> columns = new ArrayList<>();
		try (ResultSet rs = metaData.getColumns(catalog, schema, physicalName, null)) {
			Map<Integer, Column> byPosition = new TreeMap<>();
			while (rs.next()) {
				String columnName = rs.getString("COLUMN_NAME");
				String jsonName = (foldsToUpper && columnName.equals(columnName.toUpperCase(Locale.ROOT)))
						? columnName.toLowerCase(Locale.ROOT) : columnName;
				ColumnKind kind = ColumnKind.of(rs.getInt("DATA_TYPE"), rs.getString("TYPE_NAME"),
						rs.getInt("COLUMN_SIZE"));
				byPosition.put(rs.getInt("ORDINAL_POSITION"), new Column(columnName, jsonName, kind));
			}
			columns.addAll(byPosition.values());
		}
		Map<Short, String> keyByPosition = new TreeMap<>();
		try (ResultSet rs = metaData.getPrimaryKeys(catalog, schema, physicalName)) {
			while (rs.next()) {
				keyByPosition.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
			}
		}
		if (keyByPosition.isEmpty()) {
			throw new PlasmaConfigurationException("Plasma: table '" + name
					+ "' declared under plasma.tables has no primary key; Plasma needs one to identify rows.");
		}
		List<Column> primaryKey = new ArrayList<>();
		for (String keyColumn : keyByPosition.values()) {
			columns.stream().filter((column) -> column.name().equals(keyColumn)).findFirst().ifPresent(primaryKey::add);
		}
		return new SyncedTable(name, physicalName, columns, primaryKey, declaration.changeLogSuppressed());
	}

	private String currentSchema(Connection connection) {
		try {
			return connection.getSchema();
		}
		catch (SQLException | AbstractMethodError ex) {
			return null;
		}
	}

	private String findPhysicalName(DatabaseMetaData metaData, String catalog, String schema, String name)
			throws SQLException {
		String caseInsensitiveMatch = null;
		try (ResultSet rs = metaData.getTables(catalog, schema, null, new String[] { "TABLE", "BASE TABLE" })) {
			while (rs.next()) {
				String candidate = rs.getString("TABLE_NAME");
				if (candidate.equals(name)) {
					return candidate;
				}
				if (candidate.equalsIgnoreCase(name)) {
					caseInsensitiveMatch = candidate;
				}
			}
		}
		return caseInsensitiveMatch;
	}

}

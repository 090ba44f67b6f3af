package dev.plasma.schema;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Resolves declared tables against the database metadata of the connection's current schema: the exact
 * stored name, the columns in order with their JSON rendering, and the primary key.
 */
public class TableResolver {

	/**
	 * Resolves every declared table, each to a different physical table.
	 * @param connection a connection whose current catalog/schema holds the tables
	 * @param declarations the declared tables
	 * @return the resolved tables, in declaration order
	 * @throws PlasmaConfigurationException when one table cannot be resolved, or two declarations name the
	 * same physical table (say {@code TODOS} next to {@code todos} where the database folds names)
	 * @throws SQLException on database errors
	 */
	public List<SyncedTable> resolveAll(Connection connection, List<TableDeclaration> declarations) throws SQLException {
		Map<String, SyncedTable> byPhysicalName = new LinkedHashMap<>();
		for (TableDeclaration declaration : declarations) {
			SyncedTable table = resolve(connection, declaration);
			SyncedTable earlier = byPhysicalName.putIfAbsent(table.physicalName(), table);
			if (earlier != null) {
				throw new PlasmaConfigurationException("Plasma: tables '" + earlier.name() + "' and '" + table.name()
						+ "' declared under plasma.tables are the same table '" + table.physicalName()
						+ "' in the database; declare it once.");
			}
		}
		return List.copyOf(byPhysicalName.values());
	}

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
		List<String> stored = storedTableNames(metaData, catalog, schema);
		String physicalName = findPhysicalName(metaData, stored, name);
		if (physicalName == null) {
			throw new PlasmaConfigurationException(doesNotExist(name, schema, stored));
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
		SyncedTable table = new SyncedTable(name, physicalName, columns, primaryKey, declaration.changeLogSuppressed());
		if (declaration.scopeColumn() == null) {
			return table;
		}
		Column scope = table.findColumn(declaration.scopeColumn());
		if (scope == null) {
			throw new PlasmaConfigurationException("Plasma: the read rule of table '" + name + "' names column '"
					+ declaration.scopeColumn() + "', which the table does not have.");
		}
		return new SyncedTable(name, physicalName, columns, primaryKey, declaration.changeLogSuppressed(), scope);
	}

	private String currentSchema(Connection connection) {
		try {
			return connection.getSchema();
		}
		catch (SQLException | AbstractMethodError ex) {
			return null;
		}
	}

	/**
	 * Finds the stored name of the table a configured name means: the table stored under exactly that name,
	 * else the one the database resolves the unquoted name to (upper case on H2, lower case on PostgreSQL
	 * and on MariaDB with {@code lower_case_table_names} set, the name itself where names are
	 * case-sensitive). A table created with a quoted name of another case is not the same table.
	 */
	private String findPhysicalName(DatabaseMetaData metaData, List<String> stored, String name) throws SQLException {
		if (stored.contains(name)) {
			return name;
		}
		if (metaData.storesUpperCaseIdentifiers() || metaData.storesLowerCaseIdentifiers()) {
			String folded = metaData.storesUpperCaseIdentifiers() ? name.toUpperCase(Locale.ROOT)
					: name.toLowerCase(Locale.ROOT);
			return stored.contains(folded) ? folded : null;
		}
		if (metaData.supportsMixedCaseIdentifiers()) {
			return null;
		}
		List<String> ignoringCase = stored.stream().filter((candidate) -> candidate.equalsIgnoreCase(name)).toList();
		return (ignoringCase.size() == 1) ? ignoringCase.get(0) : null;
	}

	private List<String> storedTableNames(DatabaseMetaData metaData, String catalog, String schema) throws SQLException {
		List<String> names = new ArrayList<>();
		try (ResultSet rs = metaData.getTables(catalog, schema, null, new String[] { "TABLE", "BASE TABLE" })) {
			while (rs.next()) {
				names.add(rs.getString("TABLE_NAME"));
			}
		}
		return names;
	}

	private static String doesNotExist(String name, String schema, List<String> stored) {
		List<String> sameButCase = stored.stream().filter((candidate) -> candidate.equalsIgnoreCase(name)).toList();
		return "Plasma: table '" + name + "' declared under plasma.tables does not exist in the database"
				+ ((schema != null) ? " (schema '" + schema + "')" : "") + "."
				+ (sameButCase.isEmpty() ? ""
						: " Tables whose names differ only in case: " + quoted(sameButCase) + "; a declared name means "
								+ "the table stored under exactly that name, or the one the database folds the unquoted "
								+ "name to, so declare one of those names as it is stored.");
	}

	private static String quoted(Collection<String> names) {
		return names.stream().map((name) -> "'" + name + "'").collect(Collectors.joining(", "));
	}

}

package dev.plasma.blob;

import java.util.List;
import java.util.Locale;

import dev.plasma.schema.Column;
import dev.plasma.schema.ColumnKind;
import dev.plasma.schema.PlasmaConfigurationException;
import dev.plasma.schema.SyncedTable;
import dev.plasma.schema.SyncedTables;

/**
 * The declared file columns, checked against the database at start-up: each must name a column of a
 * synced table whose writes are captured (references are derived from the change log) and whose type holds
 * text (a character type, or JSON).
 */
public final class FileColumns {

	private final List<FileColumn> columns;

	private FileColumns(List<FileColumn> columns) {
		this.columns = List.copyOf(columns);
	}

	/**
	 * Checks the declared file columns.
	 * @param declared the declarations
	 * @param tables the synced tables
	 * @return the checked columns, with the column names as the database stores them
	 * @throws PlasmaConfigurationException naming the first declaration that does not fit
	 */
	public static FileColumns resolve(List<FileColumn> declared, SyncedTables tables) {
		List<FileColumn> resolved = declared.stream().map((column) -> resolve(column, tables)).toList();
		return new FileColumns(resolved);
	}

	private static FileColumn resolve(FileColumn declared, SyncedTables tables) {
		String key = "plasma.tables." + declared.table() + ".files." + declared.column();
		SyncedTable table = tables.get(declared.table());
		if (table == null || table.changeLogSuppressed()) {
			throw new PlasmaConfigurationException("Plasma: " + key + " declares a file column of a table whose writes are not captured; file references are tracked from the change log.");
		}
		Column column = table.findColumn(declared.column());
		if (column == null) {
			throw new PlasmaConfigurationException("Plasma: " + key + " names no column of table '" + declared.table()
					+ "'; its columns are " + table.columns().stream().map(Column::name).toList() + ".");
		}
		if (column.kind() != ColumnKind.STRING && column.kind() != ColumnKind.OTHER) {
			throw new PlasmaConfigurationException("Plasma: " + key + " is a " + column.kind().name().toLowerCase(Locale.ROOT)
					+ " column, which cannot hold a file reference's JSON; use a character or JSON column.");
		}
		if (declared.maxSize() <= 0) {
			throw new PlasmaConfigurationException("Plasma: " + key + ".max-size must be positive.");
		}
		for (String mime : declared.mimeTypes()) {
			if (!FileColumn.baseType(mime).matches("[a-z0-9!#$&^_.+-]+/([a-z0-9!#$&^_.+-]+|\\*)|\\*/\\*")) {
				throw new PlasmaConfigurationException("Plasma: " + key + ".mime-types holds '" + mime + "', which is not a MIME type (type/subtype, or type/*).");
			}
		}
		return new FileColumn(table.name(), column.jsonName(), declared.maxSize(), declared.mimeTypes(), declared.immutable());
	}

	/**
	 * Returns the columns.
	 * @return the file columns, by table in declaration order
	 */
	public List<FileColumn> all() {
		return this.columns;
	}

	/**
	 * Returns the file columns of a table.
	 * @param table the configured table name
	 * @return its file columns, with column names as keys of row JSON
	 */
	public List<FileColumn> of(String table) {
		return this.columns.stream().filter((column) -> column.table().equals(table)).toList();
	}

}

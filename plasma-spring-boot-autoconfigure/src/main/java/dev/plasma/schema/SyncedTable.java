package dev.plasma.schema;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A declared table as resolved against the database.
 * <p>
 * The change log's {@code row_id} of a row is the text form of its primary key. For a composite
 * primary key it is the key columns' values in key order, each with {@code %} written as {@code %25}
 * and {@code /} as {@code %2F}, joined by {@code /}; a single-column key is used as it is.
 * @param name the name used in the change log and in patch keys (as configured)
 * @param physicalName the table name exactly as the database stores it
 * @param columns all columns in ordinal order
 * @param primaryKey the primary key columns in key order
 * @param changeLogSuppressed whether writes are never captured
 * @param scopeColumn the column of the table's read rule, recorded by the capture triggers as each
 * entry's {@code scope} (new value) and {@code old_scope} (previous value), or {@code null}
 */
public record SyncedTable(String name, String physicalName, List<Column> columns, List<Column> primaryKey,
		boolean changeLogSuppressed, @Nullable Column scopeColumn) {

	public SyncedTable {
		columns = List.copyOf(columns);
		primaryKey = List.copyOf(primaryKey);
	}

	/**
	 * Creates a table without a read rule.
	 * @param name the configured name
	 * @param physicalName the stored name
	 * @param columns all columns in ordinal order
	 * @param primaryKey the primary key columns in key order
	 * @param changeLogSuppressed whether writes are never captured
	 */
	public SyncedTable(String name, String physicalName, List<Column> columns, List<Column> primaryKey,
			boolean changeLogSuppressed) {
		this(name, physicalName, columns, primaryKey, changeLogSuppressed, null);
	}

	/**
	 * Finds a column by a configured name: the column stored under exactly that name, else the only one
	 * whose name differs in case alone.
	 * @param configuredName the name from configuration
	 * @return the column, or {@code null}
	 */
	public @Nullable Column findColumn(String configuredName) {
		List<Column> ignoringCase = new java.util.ArrayList<>();
		for (Column column : this.columns) {
			if (column.name().equals(configuredName)) {
				return column;
			}
			if (column.name().equalsIgnoreCase(configuredName)) {
				ignoringCase.add(column);
			}
		}
		return (ignoringCase.size() == 1) ? ignoringCase.get(0) : null;
	}

	/**
	 * Returns whether the primary key has more than one column.
	 * @return whether the key is composite
	 */
	public boolean hasCompositeKey() {
		return this.primaryKey.size() > 1;
	}

	/**
	 * Returns the position of a column in {@link #columns()}.
	 * @param column the column
	 * @return its zero-based index
	 */
	public int indexOf(Column column) {
		return this.columns.indexOf(column);
	}

}

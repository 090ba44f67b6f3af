package dev.plasma.schema;

import java.util.List;

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
 */
public record SyncedTable(String name, String physicalName, List<Column> columns, List<Column> primaryKey,
		boolean changeLogSuppressed) {

	public SyncedTable {
		columns = List.copyOf(columns);
		primaryKey = List.copyOf(primaryKey);
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

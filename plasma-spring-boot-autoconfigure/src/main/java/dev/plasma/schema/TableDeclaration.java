package dev.plasma.schema;

import org.jspecify.annotations.Nullable;

/**
 * A table declared in configuration, before it is resolved against the database.
 * @param name the configured table name
 * @param changeLogSuppressed whether writes to the table are never captured
 * @param scopeColumn the column of the table's read rule, whose value the capture triggers record with
 * every entry, or {@code null} for a table without a rule
 */
public record TableDeclaration(String name, boolean changeLogSuppressed, @Nullable String scopeColumn) {

	/**
	 * Declares a table without a read rule.
	 * @param name the configured table name
	 * @param changeLogSuppressed whether writes to the table are never captured
	 */
	public TableDeclaration(String name, boolean changeLogSuppressed) {
		this(name, changeLogSuppressed, null);
	}

}

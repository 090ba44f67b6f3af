package dev.plasma.access;

import org.jspecify.annotations.Nullable;

/**
 * A read rule as configured under {@code plasma.tables.<table>.read}: either {@code column} and
 * {@code grant}, or {@code userColumn}.
 * @param table the table's configured name
 * @param column the scope column of a grant rule
 * @param grant the grant set of a grant rule
 * @param userColumn the owner column of an owner rule
 */
public record ReadRuleDeclaration(String table, @Nullable String column, @Nullable String grant,
		@Nullable String userColumn) {

	/**
	 * Returns the column that decides readability: {@code column} or {@code userColumn}.
	 * @return the scope column's configured name, or {@code null} when neither is set
	 */
	public @Nullable String scopeColumn() {
		return (this.column != null) ? this.column : this.userColumn;
	}

}

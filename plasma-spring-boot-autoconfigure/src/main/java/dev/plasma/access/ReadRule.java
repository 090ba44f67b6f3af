package dev.plasma.access;

import org.jspecify.annotations.Nullable;

import dev.plasma.schema.Column;

/**
 * The read rule of one synced table: a row is readable when its scope column holds a value of the user's
 * allowed set.
 * @param table the synced table's configured name
 * @param scopeColumn the column whose value decides readability
 * @param grant the grant set the value must be in, or {@code null} for an owner rule (the value must be
 * the user's name)
 */
public record ReadRule(String table, Column scopeColumn, @Nullable String grant) {

	/**
	 * Returns whether this is an owner rule.
	 * @return whether the scope must equal the user's name
	 */
	public boolean ownerRule() {
		return this.grant == null;
	}

	String describe() {
		return this.table + "." + this.scopeColumn.name() + "=" + ((this.grant != null) ? "grant:" + this.grant : "user");
	}

}

package dev.plasma.access;

import org.jspecify.annotations.Nullable;

/**
 * One source of a grant set as configured under {@code plasma.access.grants.<grant>[n]}.
 * @param grant the grant set's name
 * @param table the synced table the values come from
 * @param valueColumn the column whose values are granted
 * @param userColumn the column that must equal the user's name
 */
public record GrantSourceDeclaration(String grant, @Nullable String table, @Nullable String valueColumn,
		@Nullable String userColumn) {
}

package dev.plasma.changelog;

import org.jspecify.annotations.Nullable;

/**
 * Who may read a change: its table and, for a table with a read rule, the rule column's value after and
 * before the write (see {@link ChangeEntry#scope()}).
 * @param tableName the synced table's configured name
 * @param scope the rule column's value after the write, or {@code null}
 * @param oldScope the rule column's value before the write, or {@code null}
 */
public record ChangeScope(String tableName, @Nullable String scope, @Nullable String oldScope) {
}

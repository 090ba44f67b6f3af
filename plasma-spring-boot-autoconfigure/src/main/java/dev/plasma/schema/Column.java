package dev.plasma.schema;

/**
 * A column of a synced table.
 * @param name the column name exactly as the database stores it
 * @param jsonName the key used for the column in row JSON (lower case where the database folds
 * unquoted identifiers to upper case, so that JSON keys are the same on every database)
 * @param kind how the value is rendered in JSON
 */
public record Column(String name, String jsonName, ColumnKind kind) {
}

package dev.plasma.schema;

/**
 * A table declared in configuration, before it is resolved against the database.
 * @param name the configured table name
 * @param changeLogSuppressed whether writes to the table are never captured
 */
public record TableDeclaration(String name, boolean changeLogSuppressed) {
}

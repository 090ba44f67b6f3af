/**
 * Plasma's schema and the application's declared tables: running Plasma's changelog, and resolving and
 * validating the synced tables against the database.
 */
@NullMarked
package dev.plasma.schema;

import org.jspecify.annotations.NullMarked;

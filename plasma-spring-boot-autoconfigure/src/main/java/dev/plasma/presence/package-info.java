/**
 * Presence: ephemeral membership of rooms ({@code <syncedTable>:<rowId>}) over the WebSocket, checked
 * against the read rules, shared between instances through {@code _plasma_presence}, never written to
 * synced tables.
 */
@NullMarked
package dev.plasma.presence;

import org.jspecify.annotations.NullMarked;

/**
 * The sequenced change log, {@code _plasma_changes}: reading entries in version order, and the status
 * operators watch (head, floor, pending entries).
 */
@NullMarked
package dev.plasma.changelog;

import org.jspecify.annotations.NullMarked;

/**
 * Change-log compaction: the compactor that folds entries below a safe version, the scheduled job that
 * picks that version from the retention window, and the database lease that lets one instance run it.
 */
@NullMarked
package dev.plasma.compaction;

import org.jspecify.annotations.NullMarked;

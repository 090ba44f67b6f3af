/**
 * Actuator support: the {@code plasma} endpoint (change-log status, compaction on demand) and the health
 * indicator that reports a stuck sequencer.
 */
@NullMarked
package dev.plasma.actuate;

import org.jspecify.annotations.NullMarked;

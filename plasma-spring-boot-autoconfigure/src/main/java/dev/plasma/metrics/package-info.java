/**
 * Micrometer meters of push, pull, the sequencer and compaction, registered at zero when bound.
 */
@NullMarked
package dev.plasma.metrics;

import org.jspecify.annotations.NullMarked;

/**
 * The sequencer: gives committed pending entries consecutive versions in the change log, so that every
 * version below one a reader has seen is already committed; a background loop and on-demand flushes.
 */
@NullMarked
package dev.plasma.sequencer;

import org.jspecify.annotations.NullMarked;

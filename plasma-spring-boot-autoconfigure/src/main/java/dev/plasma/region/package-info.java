/**
 * Regions: each names a sequencer with its own version space (docs/protocol.md, "Regions").
 */
@NullMarked
package dev.plasma.region;

import org.jspecify.annotations.NullMarked;

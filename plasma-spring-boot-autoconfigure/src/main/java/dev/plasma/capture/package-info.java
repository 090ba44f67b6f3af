/**
 * Change capture: installs the triggers that append every row write of a synced table to the pending
 * change log, and attributes writes made inside a mutation to that mutation ({@link dev.plasma.capture.MutationOrigin}).
 */
@NullMarked
package dev.plasma.capture;

import org.jspecify.annotations.NullMarked;

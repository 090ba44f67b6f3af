/**
 * The sync core both protocol adapters share: running pushed mutations exactly once, answering pulls with
 * patches and confirmations, and the {@code c1:} cookie.
 */
@NullMarked
package dev.plasma.sync;

import org.jspecify.annotations.NullMarked;

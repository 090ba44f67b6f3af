/**
 * Read rules (partial sync): which rows of a synced table a user may read. Every rule reduces to "the
 * row's scope column holds a value of the user's allowed set", where the set is either the user's own
 * name (an owner rule) or a named grant set computed by a {@link dev.plasma.access.GrantResolver}
 * (declared in configuration, or an application bean).
 */
@NullMarked
package dev.plasma.access;

import org.jspecify.annotations.NullMarked;

/**
 * Pokes: telling connected clients to pull now when changes they may read were sequenced, on any
 * instance, coalesced per connection; the {@link dev.plasma.poke.PokeBus} that carries "the head moved"
 * between instances, and the short-lived WebSocket tokens.
 */
@NullMarked
package dev.plasma.poke;

import org.jspecify.annotations.NullMarked;

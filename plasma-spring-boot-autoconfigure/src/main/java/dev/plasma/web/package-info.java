/**
 * The HTTP adapters: the native protocol and the Replicache protocol, served through one
 * {@code RouterFunction} under {@code plasma.base-path}.
 */
@NullMarked
package dev.plasma.web;

import org.jspecify.annotations.NullMarked;

/**
 * Client groups: who owns each, when it was last seen, and the job that deletes groups unseen for the
 * retention period (keeping a tombstone).
 */
@NullMarked
package dev.plasma.clients;

import org.jspecify.annotations.NullMarked;

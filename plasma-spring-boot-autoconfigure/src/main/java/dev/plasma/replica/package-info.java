/**
 * Read replicas: pulls answered from a replica of the primary database when it has caught up to what the
 * pull needs ({@link dev.plasma.replica.ReplicaPullRouter}), from the primary otherwise.
 */
@NullMarked
package dev.plasma.replica;

import org.jspecify.annotations.NullMarked;

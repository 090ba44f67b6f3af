package dev.plasma.replica;

/**
 * Told where each pull was answered from while a read replica is configured (for example to meter it).
 * Every bean of this type is told.
 */
public interface ReplicaListener {

	/**
	 * A pull was answered.
	 * @param fromReplica whether the replica answered it (else the primary did)
	 */
	default void pullServed(boolean fromReplica) {
	}

	/**
	 * The primary answers a pull that the replica could not.
	 * @param reason why
	 */
	default void fellBack(ReplicaFallback reason) {
	}

}

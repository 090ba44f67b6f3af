package dev.plasma.replica;

/**
 * Why the primary answered a pull although a read replica is configured.
 */
public enum ReplicaFallback {

	/**
	 * The replica's snapshot had not reached the cookie or the group's newest confirmation, or the user's
	 * grants there differ from the cookie's (only the primary answers a reset for changed grants).
	 */
	BEHIND,

	/** Reading from the replica failed before anything was answered (unreachable, statement failed). */
	ERROR,

	/** The replica was not asked: it failed less than {@code plasma.read-replica.retry-after} ago. */
	BACKOFF

}

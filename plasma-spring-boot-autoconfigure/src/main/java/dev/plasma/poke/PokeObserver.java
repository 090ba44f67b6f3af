package dev.plasma.poke;

/**
 * Told about every poke sent, and every connection dropped because a send did not complete in time (for
 * metrics).
 */
@FunctionalInterface
public interface PokeObserver {

	/** An observer that ignores everything. */
	PokeObserver NONE = (transport, delayMillis) -> {
	};

	/**
	 * A poke was sent.
	 * @param transport the connection's transport
	 * @param delayMillis from the batch's sequencing (or its noticing, when polling) to the send
	 */
	void pokeSent(PokeTransport transport, long delayMillis);

	/**
	 * A connection was dropped because a send to it did not complete within the send timeout (a client
	 * that stopped reading).
	 * @param transport the connection's transport
	 */
	default void connectionDropped(PokeTransport transport) {
	}

}

package dev.plasma.poke;

/**
 * Told about every poke sent (for metrics).
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

}

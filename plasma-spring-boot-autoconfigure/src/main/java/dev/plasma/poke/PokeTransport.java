package dev.plasma.poke;

/**
 * How a poke connection is carried.
 */
public enum PokeTransport {

	/** Server-Sent Events, {@code GET {base}/poke}. */
	SSE("sse"),

	/** WebSocket, {@code {base}/ws}. */
	WEBSOCKET("websocket");

	private final String tag;

	PokeTransport(String tag) {
		this.tag = tag;
	}

	/**
	 * Returns the transport's name in meters.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

}

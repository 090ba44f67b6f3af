package dev.plasma.poke;

import java.io.IOException;

/**
 * One client connection that receives pokes, coalesced: at most one poke per minimum interval, and a
 * poke due within the interval is sent (once, with the highest version) when the interval has passed, so
 * the last change of a burst always leads to a poke. Transports implement the sends; sends of one
 * connection never run concurrently.
 */
public abstract class PokeConnection {

	private final String user;

	private final PokeTransport transport;

	private final Object sendLock = new Object();

	private PokeHub hub;

	private long lastSentNanos;

	private boolean sentOnce;

	private long pendingVersion = -1;

	private long pendingSequencedAt;

	private boolean trailingScheduled;

	private volatile boolean closed;

	/**
	 * Creates a connection.
	 * @param user the connection's user
	 * @param transport how it is carried
	 */
	protected PokeConnection(String user, PokeTransport transport) {
		this.user = user;
		this.transport = transport;
	}

	/**
	 * Returns the connection's user.
	 * @return the user name
	 */
	public String user() {
		return this.user;
	}

	/**
	 * Returns how the connection is carried.
	 * @return the transport
	 */
	public PokeTransport transport() {
		return this.transport;
	}

	void attach(PokeHub hub) {
		this.hub = hub;
	}

	/**
	 * Returns whether the connection was closed.
	 * @return whether it is closed
	 */
	public boolean isClosed() {
		return this.closed;
	}

	/**
	 * Asks for a poke with the given head, sent now or at the end of the current interval.
	 * @param version the head to announce
	 * @param sequencedAt when it was sequenced (Unix ms)
	 */
	public void offer(long version, long sequencedAt) {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			if (version > this.pendingVersion) {
				this.pendingVersion = version;
				this.pendingSequencedAt = sequencedAt;
			}
			long waitNanos = this.sentOnce ? this.lastSentNanos + this.hub.minIntervalNanos() - System.nanoTime() : 0;
			if (waitNanos > 0) {
				if (!this.trailingScheduled) {
					this.trailingScheduled = true;
					this.hub.schedule(this::flush, waitNanos);
				}
				return;
			}
		}
		flush();
	}

	private void flush() {
		long version;
		long sequencedAt;
		synchronized (this) {
			this.trailingScheduled = false;
			if (this.closed || this.pendingVersion < 0) {
				return;
			}
			version = this.pendingVersion;
			sequencedAt = this.pendingSequencedAt;
			this.pendingVersion = -1;
			this.lastSentNanos = System.nanoTime();
			this.sentOnce = true;
		}
		try {
			synchronized (this.sendLock) {
				sendPoke(version);
			}
			this.hub.sent(this, sequencedAt);
		}
		catch (IOException | RuntimeException ex) {
			this.hub.drop(this);
		}
	}

	/**
	 * Sends a heartbeat; a failure closes the connection.
	 */
	final void beat() {
		if (this.closed) {
			return;
		}
		try {
			synchronized (this.sendLock) {
				sendHeartbeat();
			}
		}
		catch (IOException | RuntimeException ex) {
			this.hub.drop(this);
		}
	}

	/**
	 * Runs a send of the transport's own (presence messages) under the connection's send lock.
	 * @param send the send
	 * @throws IOException when the connection is broken
	 */
	protected final void sendExclusively(IoAction send) throws IOException {
		synchronized (this.sendLock) {
			send.run();
		}
	}

	/**
	 * Marks the connection closed; pending pokes are dropped.
	 */
	final void markClosed() {
		this.closed = true;
	}

	/**
	 * Sends one poke.
	 * @param version the head
	 * @throws IOException when the connection is broken
	 */
	protected abstract void sendPoke(long version) throws IOException;

	/**
	 * Sends a heartbeat (an SSE comment, a WebSocket ping), and closes a connection that stayed silent too
	 * long where the transport can tell.
	 * @throws IOException when the connection is broken
	 */
	protected abstract void sendHeartbeat() throws IOException;

	/**
	 * Ends the transport's connection (called once, after it left the hub).
	 */
	protected abstract void end();

	/**
	 * A send that may fail.
	 */
	@FunctionalInterface
	public interface IoAction {

		/**
		 * Runs the send.
		 * @throws IOException when the connection is broken
		 */
		void run() throws IOException;

	}

}

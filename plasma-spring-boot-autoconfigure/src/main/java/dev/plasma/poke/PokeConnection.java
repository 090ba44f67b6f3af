package dev.plasma.poke;

import java.io.IOException;

import org.jspecify.annotations.Nullable;

/**
 * One client connection that receives pokes, coalesced: at most one poke per minimum interval, and a
 * poke due within the interval is sent (once, with the highest version) when the interval has passed, so
 * the last change of a burst always leads to a poke. Transports implement the sends; sends of one
 * connection never run concurrently.
 * <p>
 * Offers and heartbeats only record what is due; the sends run on the hub's sender threads, one task per
 * connection at a time: a connection whose send is queued or in flight gets no second task, and the task
 * sends whatever became due meanwhile (the newest version) before it ends. So a client that stops
 * reading blocks at most the one sender thread that writes to it, never the dispatch thread, the
 * scheduler or another connection; the hub drops it when its send outlasts the send timeout.
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

	private boolean heartbeatDue;

	private boolean trailingScheduled;

	/** Whether a send task is queued or running; guarded by this. */
	private boolean sending;

	/** Whether a send is being written now, and since when (System.nanoTime); guarded by this. */
	private boolean writing;

	private long writingSinceNanos;

	/** Whether the hub gave up on a send that was still being written; guarded by this. */
	private boolean abandoned;

	private @Nullable Thread writer;

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
	 * Asks for a poke with the given head, sent now or at the end of the current interval; never writes
	 * on the calling thread.
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
			wake();
		}
	}

	/**
	 * Asks for a heartbeat; a failed one closes the connection.
	 */
	final void beat() {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.heartbeatDue = true;
			wake();
		}
	}

	/**
	 * Hands a send task to the hub unless one is queued or running (it takes what is due when it gets
	 * there), or schedules the trailing poke when the interval has not passed yet. Guarded by this.
	 */
	private void wake() {
		if (this.sending || this.closed) {
			return;
		}
		boolean pokeDue = false;
		if (this.pendingVersion >= 0) {
			long waitNanos = pokeDueInNanos();
			pokeDue = waitNanos <= 0;
			if (!pokeDue && !this.trailingScheduled) {
				this.trailingScheduled = true;
				this.hub.schedule(this::trailing, waitNanos);
			}
		}
		if (pokeDue || this.heartbeatDue) {
			this.sending = true;
			this.hub.send(this::sendDue);
		}
	}

	private long pokeDueInNanos() {
		return this.sentOnce ? this.lastSentNanos + this.hub.minIntervalNanos() - System.nanoTime() : 0;
	}

	private void trailing() {
		synchronized (this) {
			this.trailingScheduled = false;
			wake();
		}
	}

	/**
	 * The send task: sends what is due (pokes first, one per interval; heartbeats) until nothing is.
	 */
	private void sendDue() {
		while (true) {
			long version = -1;
			long sequencedAt = 0;
			synchronized (this) {
				if (this.closed) {
					this.sending = false;
					return;
				}
				if (this.pendingVersion >= 0 && pokeDueInNanos() <= 0) {
					version = this.pendingVersion;
					sequencedAt = this.pendingSequencedAt;
					this.pendingVersion = -1;
					this.lastSentNanos = System.nanoTime();
					this.sentOnce = true;
				}
				else if (this.heartbeatDue) {
					this.heartbeatDue = false;
				}
				else {
					this.sending = false;
					wake();
					return;
				}
				this.writing = true;
				this.writingSinceNanos = System.nanoTime();
				this.writer = Thread.currentThread();
			}
			boolean failed = false;
			try {
				synchronized (this.sendLock) {
					if (version >= 0) {
						sendPoke(version);
					}
					else {
						sendHeartbeat();
					}
				}
			}
			catch (IOException | RuntimeException ex) {
				failed = true;
			}
			boolean wasAbandoned;
			synchronized (this) {
				this.writing = false;
				this.writer = null;
				wasAbandoned = this.abandoned;
			}
			if (wasAbandoned) {
				Thread.interrupted();
				this.hub.released(this);
				return;
			}
			if (failed) {
				this.hub.drop(this);
				return;
			}
			if (version >= 0) {
				this.hub.sent(this, sequencedAt);
			}
		}
	}

	/**
	 * Gives up on a send that has been written for longer than the limit: marks the connection closed and
	 * interrupts the writing thread (under this connection's lock, so the interrupt never reaches the
	 * thread's next task). The transport is ended by that thread once its write returns, so it is never
	 * touched by two threads at once.
	 * @param limitNanos the longest a send may take
	 * @return whether the connection was abandoned
	 */
	final boolean abandonIfStuck(long limitNanos) {
		synchronized (this) {
			if (this.closed || !this.writing || System.nanoTime() - this.writingSinceNanos <= limitNanos) {
				return false;
			}
			this.closed = true;
			this.abandoned = true;
			if (this.writer != null) {
				this.writer.interrupt();
			}
		}
		return true;
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

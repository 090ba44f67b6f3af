package dev.plasma.web;

import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.plasma.jdbc.ConnectionPoolStatus;

/**
 * Keeps sync requests from waiting on a database that does not answer (a connection pool waits up to
 * its own timeout, 30 seconds by default in HikariCP, for every request).
 * <p>
 * <b>How.</b> The gate remembers when the database last answered a sync request. Within 250 ms of
 * that, requests go straight through. Otherwise a request first waits for a probe: one background
 * thread takes a connection from the data source and gives it back; requests arriving meanwhile wait for
 * the same probe. If the probe does not succeed within {@code connectionWait}, the request, and every
 * request for the next {@code retryAfter}, is refused at once with a
 * {@link DatabaseUnavailableException}; the first request after that waits for a probe again (the same
 * one, if it is still waiting for its connection). A request that fails on the database makes the next
 * one probe. So a request waits at most {@code connectionWait} on an unreachable database, except those
 * let through within 250 ms of its last answer.
 * <p>
 * <b>Busy is not down.</b> A pool whose connections are all open and in use (long transactions, lock
 * waits, a burst of pushes) would also keep a probe waiting. While the
 * {@link ConnectionPoolStatus pool is saturated} and a request was answered within the last 10 seconds
 * (or 5 times {@code connectionWait}, if longer), the database is busy, not gone: requests go through to
 * queue for their connection like any other (bounded by the pool's own timeout), also when a probe times
 * out, and nothing is refused.
 */
public class ConnectionGate {

	private static final Log logger = LogFactory.getLog(ConnectionGate.class);

	private static final long ANSWERED_RECENTLY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

	private final DataSource dataSource;

	private final long connectionWaitNanos;

	private final Duration retryAfter;

	private final ConnectionPoolStatus pool;

	private final long busyGraceNanos;

	private volatile long lastAnswered;

	private volatile long lastSuccess;

	private volatile long refusingUntil;

	private volatile boolean refusing;

	private CompletableFuture<Void> probe;

	/**
	 * Creates a gate.
	 * @param dataSource the data source the sync requests use
	 * @param connectionWait how long a request waits for a probe's connection
	 * @param retryAfter how long requests are refused after a probe failed or timed out
	 */
	public ConnectionGate(DataSource dataSource, Duration connectionWait, Duration retryAfter) {
		this(dataSource, connectionWait, retryAfter, ConnectionPoolStatus.of(dataSource));
	}

	/**
	 * Creates a gate that lets requests queue for a saturated pool.
	 * @param dataSource the data source the sync requests use
	 * @param connectionWait how long a request waits for a probe's connection
	 * @param retryAfter how long requests are refused after a probe failed or timed out
	 * @param pool the status of the data source's pool
	 */
	public ConnectionGate(DataSource dataSource, Duration connectionWait, Duration retryAfter,
			ConnectionPoolStatus pool) {
		this.dataSource = dataSource;
		this.pool = pool;
		this.busyGraceNanos = Math.max(TimeUnit.SECONDS.toNanos(10), 5 * connectionWait.toNanos());
		this.connectionWaitNanos = connectionWait.toNanos();
		this.retryAfter = (retryAfter.toSeconds() < 1) ? Duration.ofSeconds(1) : retryAfter;
		this.lastAnswered = System.nanoTime() - ANSWERED_RECENTLY_NANOS;
		this.lastSuccess = System.nanoTime() - this.busyGraceNanos;
	}

	/**
	 * Lets a request through to the database, or refuses it.
	 * @throws DatabaseUnavailableException when the database gave no connection within the wait
	 */
	public void enter() {
		long now = System.nanoTime();
		if (this.refusing && now - this.refusingUntil < 0) {
			throw unavailable(Duration.ofNanos(this.refusingUntil - now));
		}
		if (now - this.lastAnswered < ANSWERED_RECENTLY_NANOS || busy()) {
			return;
		}
		try {
			probe().get(this.connectionWaitNanos, TimeUnit.NANOSECONDS);
			answered();
		}
		catch (TimeoutException ex) {
			if (busy()) {
				return;
			}
			throw refuse("it gave no connection within " + Duration.ofNanos(this.connectionWaitNanos).toMillis() + " ms");
		}
		catch (ExecutionException ex) {
			throw refuse("getting a connection failed: " + ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw unavailable(this.retryAfter);
		}
	}

	/**
	 * Records that the database answered a request.
	 */
	public void answered() {
		this.lastAnswered = System.nanoTime();
		this.lastSuccess = this.lastAnswered;
		this.refusing = false;
	}

	/**
	 * Records that a request failed on the database: the next request waits for a probe.
	 */
	public void failed() {
		this.lastAnswered = System.nanoTime() - ANSWERED_RECENTLY_NANOS;
	}

	/**
	 * Returns how long clients are told to wait after a database failure.
	 * @return the wait
	 */
	public Duration retryAfter() {
		return this.retryAfter;
	}

	/**
	 * Whether the database is busy rather than unreachable: every pooled connection is in use and a
	 * request was answered recently.
	 */
	private boolean busy() {
		return System.nanoTime() - this.lastSuccess < this.busyGraceNanos && this.pool.saturated();
	}

	private DatabaseUnavailableException refuse(String why) {
		boolean wasRefusing = this.refusing;
		this.refusingUntil = System.nanoTime() + this.retryAfter.toNanos();
		this.refusing = true;
		if (!wasRefusing) {
			logger.warn("Plasma: refusing sync requests for " + this.retryAfter.toSeconds()
					+ " s (HTTP 503), the database is unavailable: " + why);
		}
		return unavailable(this.retryAfter);
	}

	private synchronized CompletableFuture<Void> probe() {
		if (this.probe == null || this.probe.isDone()) {
			CompletableFuture<Void> started = new CompletableFuture<>();
			Thread thread = new Thread(() -> {
				try (Connection connection = this.dataSource.getConnection()) {
					started.complete(null);
				}
				catch (Throwable ex) {
					started.completeExceptionally(ex);
				}
			}, "plasma-connection-probe");
			thread.setDaemon(true);
			thread.start();
			this.probe = started;
		}
		return this.probe;
	}

	private DatabaseUnavailableException unavailable(Duration retryAfter) {
		long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
		return new DatabaseUnavailableException("the database gave no connection within "
				+ Duration.ofNanos(this.connectionWaitNanos).toMillis() + " ms (plasma.web.connection-wait); retry later",
				Duration.ofSeconds(seconds));
	}

}

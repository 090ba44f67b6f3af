package dev.plasma.poke;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import dev.plasma.access.ReadRules;
import dev.plasma.access.ReadView;
import dev.plasma.changelog.ChangeLog;
import dev.plasma.changelog.ChangeScope;
import dev.plasma.changelog.SequencerStateRepository;

/**
 * This instance's poke connections, and the dispatch of head moves to them.
 * <p>
 * The algorithm: head moves from the {@link PokeBus} (this instance's sequencer at once, other instances'
 * through the bus) only raise a target version; one thread, {@code plasma-poke-dispatch}, takes the
 * target, reads the distinct table/scope pairs of the entries between the version it last dispatched and
 * the target with one query ({@link ChangeLog#readScopes}), whatever the number of connections, and
 * offers a poke to every connection of each user who may read one of them ({@link ChangeAudience}).
 * With read rules, each connected user's {@link ReadView} is evaluated once and cached; when a grant
 * source table changed, the views are evaluated again and a user is poked if the old or the new view
 * reads a change (a row moving out of reach, a list shared with them). Many moves arriving during one
 * dispatch fold into the next. Each connection coalesces its pokes ({@link PokeConnection}).
 * <p>
 * No thread of the hub but the senders writes to a socket: the dispatch thread and the {@code plasma-poke-}
 * scheduler (heartbeats every heartbeat interval, trailing pokes) only record what is due, and a bounded
 * pool of {@code plasma-poke-send-N} threads does the writing, one task per connection at a time. A client
 * that stops reading (its socket's buffers full) thus holds one sender thread, not the dispatch. A
 * watchdog drops a connection whose send has been written for longer than the send timeout: it leaves
 * the hub, is counted ({@link PokeObserver#connectionDropped}) and its writing thread is interrupted;
 * that thread ends the transport once the write returns, and until then the pool runs one thread more, so
 * stuck writes never shrink the senders available to other connections. A connection whose send fails is
 * dropped.
 */
public class PokeHub implements PokeBus.Subscriber, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(PokeHub.class);

	private final DataSource dataSource;

	private final ChangeLog changeLog;

	private final ReadRules rules;

	private final long minIntervalNanos;

	private final Duration heartbeat;

	private final int maxConnections;

	private final int sendThreads;

	private final long sendTimeoutNanos;

	private final PokeObserver observer;

	private final Map<String, Set<PokeConnection>> byUser = new ConcurrentHashMap<>();

	private final Map<PokeTransport, AtomicInteger> counts = new EnumMap<>(PokeTransport.class);

	private final AtomicInteger total = new AtomicInteger();

	private final Map<String, ReadView> views = new HashMap<>();

	private final Object signal = new Object();

	/** Per region, the newest head heard of; guarded by {@link #signal}. */
	private final Map<String, Long> targets = new TreeMap<>();

	private long targetSequencedAt;

	/** Per region, the head dispatched last; {@code null} before the first read. */
	private volatile @Nullable Map<String, Long> dispatched;

	private volatile boolean running;

	private Thread dispatcher;

	private ScheduledExecutorService scheduler;

	private volatile ThreadPoolExecutor senders;

	/** Sends given up on whose write has not returned yet; each adds a sender thread. */
	private int abandonedSends;

	/**
	 * Creates the hub.
	 * @param dataSource the data source holding Plasma's tables
	 * @param changeLog the change log, read for the audience of each move
	 * @param rules the read rules
	 * @param minInterval the shortest time between two pokes on one connection
	 * @param heartbeat the pause between heartbeats
	 * @param maxConnections the most connections on this instance
	 * @param sendThreads the threads writing pokes and heartbeats to connections
	 * @param sendTimeout the longest a send may take before its connection is dropped
	 * @param observer told about every poke sent and every connection dropped for a stuck send
	 */
	public PokeHub(DataSource dataSource, ChangeLog changeLog, ReadRules rules, Duration minInterval,
			Duration heartbeat, int maxConnections, int sendThreads, Duration sendTimeout, PokeObserver observer) {
		this.dataSource = dataSource;
		this.changeLog = changeLog;
		this.rules = rules;
		this.minIntervalNanos = minInterval.toNanos();
		this.heartbeat = heartbeat;
		this.maxConnections = maxConnections;
		this.sendThreads = sendThreads;
		this.sendTimeoutNanos = sendTimeout.toNanos();
		this.observer = observer;
		for (PokeTransport transport : PokeTransport.values()) {
			this.counts.put(transport, new AtomicInteger());
		}
	}

	/**
	 * Adds a connection, unless this instance already holds the most it may.
	 * @param connection the connection
	 * @return whether it was added (otherwise answer 503)
	 */
	public boolean register(PokeConnection connection) {
		if (this.total.incrementAndGet() > this.maxConnections) {
			this.total.decrementAndGet();
			return false;
		}
		connection.attach(this);
		this.counts.get(connection.transport()).incrementAndGet();
		this.byUser.compute(connection.user(), (user, connections) -> {
			Set<PokeConnection> set = (connections != null) ? connections : ConcurrentHashMap.newKeySet();
			set.add(connection);
			return set;
		});
		return true;
	}

	/**
	 * Returns whether another connection would be accepted now.
	 * @return whether the limit is not reached
	 */
	public boolean hasRoom() {
		return this.total.get() < this.maxConnections;
	}

	/**
	 * Removes a connection (closed by its client, timed out, or broken) and ends it.
	 * @param connection the connection
	 */
	public void drop(PokeConnection connection) {
		synchronized (connection) {
			if (connection.isClosed()) {
				return;
			}
			connection.markClosed();
		}
		remove(connection);
		end(connection);
	}

	private void remove(PokeConnection connection) {
		boolean[] removed = new boolean[1];
		this.byUser.computeIfPresent(connection.user(), (user, set) -> {
			removed[0] = set.remove(connection);
			return set.isEmpty() ? null : set;
		});
		if (removed[0]) {
			this.total.decrementAndGet();
			this.counts.get(connection.transport()).decrementAndGet();
		}
	}

	private static void end(PokeConnection connection) {
		try {
			connection.end();
		}
		catch (RuntimeException ex) {
			logger.debug("Plasma: ending a poke connection failed", ex);
		}
	}

	/**
	 * Returns the number of connections of a transport on this instance.
	 * @param transport the transport
	 * @return the count
	 */
	public int connections(PokeTransport transport) {
		return this.counts.get(transport).get();
	}

	/**
	 * Returns the version this instance dispatched last, the sum of every region's head (as Replicache's
	 * {@code order}: it only grows), or -1 before the first read.
	 * @return the version
	 */
	public long head() {
		Map<String, Long> heads = this.dispatched;
		return (heads != null) ? sum(heads) : -1;
	}

	private static long sum(Map<String, Long> heads) {
		long sum = 0;
		for (long head : heads.values()) {
			sum += head;
		}
		return sum;
	}

	/**
	 * Pokes a newly connected client at once when it missed changes it may read: a reconnect whose last
	 * seen version lies behind the head.
	 * @param connection the connection
	 * @param lastSeen the version the client last heard of
	 */
	public void catchUp(PokeConnection connection, long lastSeen) {
		Map<String, Long> heads = this.dispatched;
		long head = (heads != null) ? sum(heads) : -1;
		if (heads == null || lastSeen >= head) {
			return;
		}
		try {
			// The version is a sum over regions: no region moved more than the difference since lastSeen, so the
			// entries above (head - difference) of each region hold every one the client missed (maybe a few more
			// it saw, which only ever pokes for changes it may read).
			long missed = head - lastSeen;
			List<ChangeScope> scopes = new ArrayList<>();
			heads.forEach((region, regionHead) -> scopes
				.addAll(this.changeLog.readScopes(region, Math.max(0, regionHead - missed), regionHead)));
			ChangeAudience audience = ChangeAudience.of(scopes, this.rules);
			if (audience.readableBy(loadView(connection.user()))) {
				connection.offer(head, System.currentTimeMillis());
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Plasma: poke catch-up failed; the client's pull timer covers it", ex);
		}
	}

	@Override
	public void headAdvanced(HeadAdvanced head) {
		synchronized (this.signal) {
			Long known = this.targets.get(head.region());
			if (known == null || head.version() > known) {
				this.targets.put(head.region(), head.version());
				this.targetSequencedAt = head.sequencedAt();
				this.signal.notifyAll();
			}
		}
	}

	long minIntervalNanos() {
		return this.minIntervalNanos;
	}

	void schedule(Runnable task, long delayNanos) {
		ScheduledExecutorService executor = this.scheduler;
		if (executor != null) {
			executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
		}
	}

	void send(Runnable task) {
		ThreadPoolExecutor executor = this.senders;
		if (executor != null) {
			try {
				executor.execute(task);
			}
			catch (RejectedExecutionException ex) {
				// stopping
			}
		}
	}

	void sent(PokeConnection connection, long sequencedAt) {
		this.observer.pokeSent(connection.transport(), Math.max(0, System.currentTimeMillis() - sequencedAt));
	}

	/**
	 * The write of an abandoned send returned (failed, most likely): ends the transport on the thread that
	 * wrote to it, and gives back the extra sender thread.
	 * @param connection the abandoned connection
	 */
	void released(PokeConnection connection) {
		end(connection);
		resizeSenders(-1);
	}

	private void dropStuckSends() {
		for (PokeConnection connection : allConnections()) {
			if (connection.abandonIfStuck(this.sendTimeoutNanos)) {
				remove(connection);
				resizeSenders(1);
				this.observer.connectionDropped(connection.transport());
				logger.debug("Plasma: dropped a poke connection whose send did not complete in time");
			}
		}
	}

	private synchronized void resizeSenders(int change) {
		this.abandonedSends += change;
		ThreadPoolExecutor executor = this.senders;
		if (executor == null || executor.isShutdown()) {
			return;
		}
		int size = this.sendThreads + this.abandonedSends;
		if (size > executor.getMaximumPoolSize()) {
			executor.setMaximumPoolSize(size);
			executor.setCorePoolSize(size);
		}
		else {
			executor.setCorePoolSize(size);
			executor.setMaximumPoolSize(size);
		}
	}

	@Override
	public synchronized void start() {
		this.running = true;
		this.abandonedSends = 0;
		this.senders = new ThreadPoolExecutor(this.sendThreads, this.sendThreads, 60, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), new CustomizableThreadFactory("plasma-poke-send-"));
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
				new CustomizableThreadFactory("plasma-poke-"));
		executor.setRemoveOnCancelPolicy(true);
		this.scheduler = executor;
		long beat = this.heartbeat.toMillis();
		executor.scheduleWithFixedDelay(this::beatAll, beat, beat, TimeUnit.MILLISECONDS);
		long check = Math.min(Math.max(this.sendTimeoutNanos / 4, TimeUnit.MILLISECONDS.toNanos(10)),
				TimeUnit.SECONDS.toNanos(1));
		executor.scheduleWithFixedDelay(this::dropStuckSends, check, check, TimeUnit.NANOSECONDS);
		// Read the heads now, before any client connects, so that no write made after the start is taken as
		// already dispatched; the dispatch loop retries when the database does not answer yet.
		try (Connection connection = this.dataSource.getConnection()) {
			this.dispatched = SequencerStateRepository.readHeads(connection);
		}
		catch (SQLException | RuntimeException ex) {
			logger.debug("Plasma: reading the heads at start failed; the dispatch loop retries", ex);
		}
		this.dispatcher = new Thread(this::dispatchLoop, "plasma-poke-dispatch");
		this.dispatcher.setDaemon(true);
		this.dispatcher.start();
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		if (this.dispatcher != null) {
			this.dispatcher.interrupt();
			this.dispatcher = null;
		}
		allConnections().forEach(this::drop);
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
		}
		if (this.senders != null) {
			this.senders.shutdownNow();
			this.senders = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 100;
	}

	private List<PokeConnection> allConnections() {
		List<PokeConnection> all = new ArrayList<>();
		this.byUser.values().forEach(all::addAll);
		return all;
	}

	private void beatAll() {
		allConnections().forEach(PokeConnection::beat);
	}

	private void dispatchLoop() {
		Backoff backoff = new Backoff(100);
		while (this.running) {
			try {
				Map<String, Long> after = this.dispatched;
				if (after == null) {
					try (Connection connection = this.dataSource.getConnection()) {
						after = SequencerStateRepository.readHeads(connection);
					}
					this.dispatched = after;
				}
				Map<String, Long> upTo;
				long sequencedAt;
				synchronized (this.signal) {
					while (!ahead(this.targets, after)) {
						this.signal.wait();
					}
					upTo = new TreeMap<>(after);
					this.targets.forEach((region, version) -> upTo.merge(region, version, Math::max));
					sequencedAt = this.targetSequencedAt;
				}
				dispatch(after, upTo, sequencedAt);
				this.dispatched = upTo;
				backoff.reset();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (SQLException | RuntimeException ex) {
				if (!this.running) {
					return;
				}
				logger.warn("Plasma: dispatching pokes failed, retrying in " + backoff.next() + " ms: " + ex.getMessage());
				if (!backoff.sleep()) {
					return;
				}
			}
		}
	}

	private static boolean ahead(Map<String, Long> targets, Map<String, Long> dispatched) {
		return targets.entrySet()
			.stream()
			.anyMatch((target) -> target.getValue() > dispatched.getOrDefault(target.getKey(), 0L));
	}

	private void dispatch(Map<String, Long> after, Map<String, Long> upTo, long sequencedAt) throws SQLException {
		if (this.byUser.isEmpty()) {
			this.views.clear();
			return;
		}
		List<ChangeScope> scopes = new ArrayList<>();
		for (Map.Entry<String, Long> region : upTo.entrySet()) {
			long from = after.getOrDefault(region.getKey(), 0L);
			if (region.getValue() > from) {
				scopes.addAll(this.changeLog.readScopes(region.getKey(), from, region.getValue()));
			}
		}
		ChangeAudience audience = ChangeAudience.of(scopes, this.rules);
		if (audience.isEmpty()) {
			return;
		}
		this.views.keySet().retainAll(this.byUser.keySet());
		Map<String, ReadView> refreshed = audience.grantsMayHaveChanged() ? loadViews(this.byUser.keySet()) : Map.of();
		for (Map.Entry<String, Set<PokeConnection>> user : this.byUser.entrySet()) {
			if (readable(audience, user.getKey(), refreshed)) {
				for (PokeConnection connection : user.getValue()) {
					connection.offer(sum(upTo), sequencedAt);
				}
			}
		}
		this.views.putAll(refreshed);
	}

	private boolean readable(ChangeAudience audience, String user, Map<String, ReadView> refreshed) throws SQLException {
		if (this.rules.isEmpty()) {
			return audience.readableBy(null);
		}
		ReadView view = this.views.get(user);
		if (view == null) {
			view = refreshed.containsKey(user) ? refreshed.get(user) : loadView(user);
			this.views.put(user, view);
		}
		ReadView fresh = refreshed.get(user);
		return audience.readableBy(view) || (fresh != null && audience.readableBy(fresh));
	}

	private Map<String, ReadView> loadViews(Set<String> users) throws SQLException {
		Map<String, ReadView> loaded = new HashMap<>();
		if (this.rules.isEmpty()) {
			return loaded;
		}
		try (Connection connection = this.dataSource.getConnection()) {
			for (String user : users) {
				loaded.put(user, this.rules.view(connection, user));
			}
		}
		return loaded;
	}

	private @Nullable ReadView loadView(String user) {
		if (this.rules.isEmpty()) {
			return null;
		}
		try (Connection connection = this.dataSource.getConnection()) {
			return this.rules.view(connection, user);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Plasma: evaluating the read rules of a poke connection failed", ex);
		}
	}

}

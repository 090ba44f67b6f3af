package dev.plasma.presence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import dev.plasma.poke.HeadAdvanced;
import dev.plasma.poke.PokeBus;

/**
 * This instance's presence: which of its connections are in which rooms, kept in
 * {@code _plasma_presence} so every instance sees every member.
 * <p>
 * A join, update or leave writes the connection's row and announces the room on the {@link PokeBus};
 * every instance with members in that room re-reads the room's rows and sends the full member list to
 * its members in it. Where the bus does not carry other instances' room changes (polling databases),
 * each instance re-reads all its rooms with one query every poll interval and sends a room's list when
 * it differs from the one sent last (reads of one instance run one at a time, so a list never overtakes a
 * newer one). Every half heartbeat an instance extends its rows' expiry to one
 * and a half heartbeats ahead and deletes other instances' expired rows (an instance that died), so a
 * member disappears within two heartbeats of its instance's death; a closed connection leaves at once.
 */
public class PresenceRooms implements PokeBus.Subscriber, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(PresenceRooms.class);

	private final PresenceTable table;

	private final RoomAccess access;

	private final PokeBus bus;

	private final Duration heartbeat;

	private final Duration pollInterval;

	private final String instanceId = UUID.randomUUID().toString();

	private final Map<String, Map<PresenceListener, String>> local = new ConcurrentHashMap<>();

	private final Map<String, List<PresenceMember>> lastSent = new ConcurrentHashMap<>();

	private final Object reads = new Object();

	private volatile boolean running;

	private ScheduledExecutorService scheduler;

	/**
	 * Creates the rooms.
	 * @param table the owner of {@code _plasma_presence}
	 * @param access decides who may join a room
	 * @param bus carries room changes between instances
	 * @param heartbeat the heartbeat interval
	 * @param pollInterval the pause between two reads of this instance's rooms when the bus does not carry
	 * other instances' room changes
	 */
	public PresenceRooms(PresenceTable table, RoomAccess access, PokeBus bus, Duration heartbeat, Duration pollInterval) {
		this.table = table;
		this.access = access;
		this.bus = bus;
		this.heartbeat = heartbeat;
		this.pollInterval = pollInterval;
	}

	/**
	 * Joins a connection to a room (a second join of the same room replaces the state).
	 * @param listener the connection
	 * @param user its user
	 * @param room the room
	 * @param clientId the client's ID
	 * @param state the member's state, a JSON object as text
	 * @return whether the user may join (otherwise nothing changed)
	 */
	public boolean join(PresenceListener listener, String user, String room, String clientId, String state) {
		String existing = memberOf(listener, room);
		if (existing != null) {
			update(listener, room, state);
			return true;
		}
		if (!this.access.mayJoin(user, room)) {
			return false;
		}
		String memberId = UUID.randomUUID().toString();
		this.table.insert(room, this.instanceId, new PresenceMember(memberId, user, clientId, state), lifetimeMillis());
		this.local.computeIfAbsent(room, (key) -> new ConcurrentHashMap<>()).put(listener, memberId);
		this.bus.publishRoom(room);
		return true;
	}

	/**
	 * Replaces a member's state.
	 * @param listener the connection
	 * @param room the room it joined
	 * @param state the new state JSON
	 * @return whether the connection is in the room
	 */
	public boolean update(PresenceListener listener, String room, String state) {
		String memberId = memberOf(listener, room);
		if (memberId == null) {
			return false;
		}
		this.table.updateState(memberId, state);
		this.bus.publishRoom(room);
		return true;
	}

	/**
	 * Takes a connection out of a room.
	 * @param listener the connection
	 * @param room the room
	 * @return whether the connection was in the room
	 */
	public boolean leave(PresenceListener listener, String room) {
		Map<PresenceListener, String> members = this.local.get(room);
		String memberId = (members != null) ? members.remove(listener) : null;
		if (memberId == null) {
			return false;
		}
		this.local.computeIfPresent(room, (key, map) -> map.isEmpty() ? null : map);
		this.table.delete(memberId);
		this.bus.publishRoom(room);
		return true;
	}

	/**
	 * Takes a closed connection out of every room it joined.
	 * @param listener the connection
	 */
	public void leaveAll(PresenceListener listener) {
		for (String room : new ArrayList<>(this.local.keySet())) {
			try {
				leave(listener, room);
			}
			catch (RuntimeException ex) {
				logger.warn("Plasma: removing a presence member failed; it expires within two heartbeats: "
						+ ex.getMessage());
			}
		}
	}

	/**
	 * Returns the number of rooms with members on this instance.
	 * @return the rooms
	 */
	public int rooms() {
		return this.local.size();
	}

	/**
	 * Returns the number of members on this instance.
	 * @return the members
	 */
	public int members() {
		return this.local.values().stream().mapToInt(Map::size).sum();
	}

	@Override
	public void headAdvanced(HeadAdvanced head) {
	}

	@Override
	public void roomChanged(String room) {
		if (!this.local.containsKey(room)) {
			return;
		}
		synchronized (this.reads) {
			send(room, this.table.read(List.of(room)).getOrDefault(room, List.of()));
		}
	}

	private void send(String room, List<PresenceMember> members) {
		Map<PresenceListener, String> listeners = this.local.get(room);
		if (listeners == null) {
			this.lastSent.remove(room);
			return;
		}
		this.lastSent.put(room, members);
		for (PresenceListener listener : listeners.keySet()) {
			listener.presence(room, members);
		}
	}

	private String memberOf(PresenceListener listener, String room) {
		Map<PresenceListener, String> members = this.local.get(room);
		return (members != null) ? members.get(listener) : null;
	}

	private long lifetimeMillis() {
		return this.heartbeat.toMillis() * 3 / 2;
	}

	@Override
	public synchronized void start() {
		this.running = true;
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
				new CustomizableThreadFactory("plasma-presence-"));
		this.scheduler = executor;
		long half = Math.max(1, this.heartbeat.toMillis() / 2);
		executor.scheduleWithFixedDelay(this::refresh, half, half, TimeUnit.MILLISECONDS);
		long poll = this.bus.deliversRemoteRoomChanges() ? this.heartbeat.toMillis() : this.pollInterval.toMillis();
		executor.scheduleWithFixedDelay(this::pollRooms, poll, poll, TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void refresh() {
		try {
			if (!this.local.isEmpty()) {
				this.table.touch(this.instanceId, lifetimeMillis());
			}
			for (String room : this.table.deleteExpired()) {
				this.bus.publishRoom(room);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Plasma: refreshing presence failed: " + ex.getMessage());
		}
	}

	private void pollRooms() {
		try {
			if (this.local.isEmpty()) {
				this.lastSent.clear();
				return;
			}
			synchronized (this.reads) {
				Map<String, List<PresenceMember>> current = this.table.read(this.local.keySet());
				for (String room : this.local.keySet()) {
					List<PresenceMember> members = current.getOrDefault(room, List.of());
					if (!Objects.equals(members, this.lastSent.get(room))) {
						send(room, members);
					}
				}
				this.lastSent.keySet().retainAll(this.local.keySet());
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Plasma: reading presence rooms failed: " + ex.getMessage());
		}
	}

}

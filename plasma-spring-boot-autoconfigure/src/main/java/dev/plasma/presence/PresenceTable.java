package dev.plasma.presence;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.plasma.dialect.DatabaseClock;

/**
 * Owns {@code _plasma_presence}: one row per connection in a room, with the instance holding the
 * connection and an expiry on the database's clock, refreshed every heartbeat.
 */
public class PresenceTable {

	private static final String INSERT = """
			INSERT INTO _plasma_presence (member_id, room, instance_id, user_name, client_id, state, joined_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)""";

	private static final String UPDATE_STATE = """
			UPDATE _plasma_presence SET state = ? WHERE member_id = ?""";

	private static final String DELETE = """
			DELETE FROM _plasma_presence WHERE member_id = ?""";

	private static final String TOUCH = """
			UPDATE _plasma_presence SET expires_at = ? WHERE instance_id = ?""";

	private static final String EXPIRED_ROOMS = """
			SELECT DISTINCT room FROM _plasma_presence WHERE expires_at < ?""";

	private static final String DELETE_EXPIRED = """
			DELETE FROM _plasma_presence WHERE expires_at < ?""";

	private static final String SELECT_ROOMS = """
			SELECT room, member_id, user_name, client_id, state FROM _plasma_presence
			WHERE room IN (%s) ORDER BY room, joined_at, member_id""";

	private static final int ROOMS_PER_READ = 500;

	private final JdbcTemplate jdbc;

	private final DatabaseClock clock;

	/**
	 * Creates the owner.
	 * @param dataSource the data source holding Plasma's tables
	 * @param clock the database's clock
	 */
	public PresenceTable(DataSource dataSource, DatabaseClock clock) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.clock = clock;
	}

	/**
	 * Adds a member.
	 * @param room the room
	 * @param instanceId the instance holding the connection
	 * @param member the member
	 * @param lifetimeMillis how long the row lives unless refreshed
	 */
	public void insert(String room, String instanceId, PresenceMember member, long lifetimeMillis) {
		long now = now();
		this.jdbc.update(INSERT, member.memberId(), room, instanceId, member.user(), member.clientId(), member.state(), now,
				now + lifetimeMillis);
	}

	/**
	 * Replaces a member's state.
	 * @param memberId the member
	 * @param state the new state JSON
	 */
	public void updateState(String memberId, String state) {
		this.jdbc.update(UPDATE_STATE, state, memberId);
	}

	/**
	 * Removes a member.
	 * @param memberId the member
	 */
	public void delete(String memberId) {
		this.jdbc.update(DELETE, memberId);
	}

	/**
	 * Extends the lifetime of every member held by an instance.
	 * @param instanceId the instance
	 * @param lifetimeMillis the new lifetime from now
	 */
	public void touch(String instanceId, long lifetimeMillis) {
		this.jdbc.update(TOUCH, now() + lifetimeMillis, instanceId);
	}

	/**
	 * Removes the members whose instance stopped refreshing them.
	 * @return the rooms that lost members
	 */
	public List<String> deleteExpired() {
		long now = now();
		List<String> rooms = this.jdbc.queryForList(EXPIRED_ROOMS, String.class, now);
		if (!rooms.isEmpty()) {
			this.jdbc.update(DELETE_EXPIRED, now);
		}
		return rooms;
	}

	/**
	 * Reads the members of rooms, in the order they joined.
	 * @param rooms the rooms
	 * @return the members by room (rooms without members are absent)
	 */
	public Map<String, List<PresenceMember>> read(Collection<String> rooms) {
		Map<String, List<PresenceMember>> members = new LinkedHashMap<>();
		List<String> all = new ArrayList<>(rooms);
		for (int from = 0; from < all.size(); from += ROOMS_PER_READ) {
			List<String> chunk = all.subList(from, Math.min(all.size(), from + ROOMS_PER_READ));
			this.jdbc.query(SELECT_ROOMS.formatted(String.join(", ", Collections.nCopies(chunk.size(), "?"))), (rs) -> {
				members.computeIfAbsent(rs.getString(1), (room) -> new ArrayList<>())
					.add(new PresenceMember(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
			}, chunk.toArray());
		}
		return members;
	}

	private long now() {
		Long now = this.jdbc.execute((Connection connection) -> this.clock.nowMillis(connection));
		return (now != null) ? now : System.currentTimeMillis();
	}

}

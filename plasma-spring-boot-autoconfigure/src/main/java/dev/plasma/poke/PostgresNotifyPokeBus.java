package dev.plasma.poke;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.plasma.changelog.SequencerStateRepository;

/**
 * A {@link PokeBus} on PostgreSQL's {@code LISTEN/NOTIFY}: one dedicated connection per instance (opened
 * by a {@link DedicatedConnectionFactory}, not taken from the pool) listens on the channels
 * {@value #HEAD_CHANNEL} and {@value #ROOM_CHANNEL} on its own thread, {@code plasma-poke-listen}.
 * Payloads stay far below PostgreSQL's 8000-byte limit: {@code <version>:<sequencedAt>} for a head move,
 * the room name for a room. Notifications are sent through the pool after the sequencer batch committed.
 * <p>
 * When the dedicated connection fails, the thread reconnects with back-off (200 ms doubling up to 5 s)
 * and, once listening again, reads the head once, so a move missed while disconnected still leads to
 * pokes (every instance re-reads audiences from the change log, so nothing but the delay is lost).
 */
public class PostgresNotifyPokeBus extends ThreadedPokeBus {

	/** Channel of head moves. */
	public static final String HEAD_CHANNEL = "plasma_poke";

	/** Channel of presence rooms. */
	public static final String ROOM_CHANNEL = "plasma_presence";

	private static final Log logger = LogFactory.getLog(PostgresNotifyPokeBus.class);

	private static final int WAIT_MILLIS = 500;

	private final JdbcTemplate pool;

	private final DedicatedConnectionFactory connections;

	private volatile Connection listening;

	/**
	 * Creates the bus.
	 * @param dataSource the pool, for sending notifications
	 * @param connections opens the dedicated listening connection
	 */
	public PostgresNotifyPokeBus(DataSource dataSource, DedicatedConnectionFactory connections) {
		super("plasma-poke-listen");
		this.pool = new JdbcTemplate(dataSource);
		this.connections = connections;
	}

	@Override
	public void publishHead(HeadAdvanced head) {
		delivery().head(head);
		notify(HEAD_CHANNEL, head.region() + ":" + head.version() + ":" + head.sequencedAt());
	}

	@Override
	public void publishRoom(String room) {
		delivery().room(room);
		notify(ROOM_CHANNEL, room);
	}

	private void notify(String channel, String payload) {
		try {
			this.pool.queryForList("SELECT pg_notify(?, ?)", channel, payload);
		}
		catch (RuntimeException ex) {
			logger.warn("Plasma: NOTIFY " + channel + " failed; other instances learn of it later: " + ex.getMessage());
		}
	}

	@Override
	public boolean deliversRemoteRoomChanges() {
		return true;
	}

	/**
	 * Returns whether the dedicated connection is listening now.
	 * @return whether notifications are received
	 */
	public boolean isListening() {
		return this.listening != null;
	}

	@Override
	void stopped() {
		closeQuietly(this.listening);
	}

	@Override
	void listen() {
		Backoff backoff = new Backoff(200);
		boolean reconnected = false;
		while (isRunning()) {
			Connection connection = null;
			try {
				connection = this.connections.open();
				connection.setAutoCommit(true);
				try (Statement statement = connection.createStatement()) {
					statement.execute("LISTEN " + HEAD_CHANNEL);
					statement.execute("LISTEN " + ROOM_CHANNEL);
				}
				this.listening = connection;
				if (reconnected) {
					long now = System.currentTimeMillis();
					SequencerStateRepository.readHeads(connection)
						.forEach((region, head) -> delivery().head(new HeadAdvanced(region, head, now)));
					logger.info("Plasma: listening for pokes again");
				}
				backoff.reset();
				PGConnection notifications = connection.unwrap(PGConnection.class);
				while (isRunning()) {
					PGNotification[] received = notifications.getNotifications(WAIT_MILLIS);
					if (received != null) {
						for (PGNotification notification : received) {
							deliver(notification.getName(), notification.getParameter());
						}
					}
				}
				this.listening = null;
				closeQuietly(connection);
			}
			catch (SQLException | RuntimeException ex) {
				this.listening = null;
				closeQuietly(connection);
				if (!isRunning()) {
					return;
				}
				reconnected = true;
				logger.warn("Plasma: the poke listener's connection failed, reconnecting in " + backoff.next() + " ms: "
						+ ex.getMessage());
				if (!backoff.sleep()) {
					return;
				}
			}
		}
	}

	private void deliver(String channel, String payload) {
		if (HEAD_CHANNEL.equals(channel)) {
			// "region:version:sequencedAt"
			String[] parts = payload.split(":", 3);
			try {
				if (parts.length == 3) {
					delivery().head(new HeadAdvanced(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2])));
				}
			}
			catch (NumberFormatException ex) {
				logger.debug("Plasma: ignoring a malformed poke notification");
			}
		}
		else if (ROOM_CHANNEL.equals(channel)) {
			delivery().room(payload);
		}
	}

	private static void closeQuietly(Connection connection) {
		if (connection != null) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				// closing a broken connection
			}
		}
	}

}

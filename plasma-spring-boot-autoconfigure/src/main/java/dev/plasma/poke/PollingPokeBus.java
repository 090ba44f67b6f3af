package dev.plasma.poke;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.plasma.changelog.SequencerStateRepository;

/**
 * A {@link PokeBus} for databases without notifications (H2, MariaDB): one thread per instance,
 * {@code plasma-poke-poll}, reads the head with one cheap query every poll interval, whatever the number
 * of connections, and announces a move. This instance's own signals are delivered at once. Room changes
 * of other instances are not delivered: presence polls its rooms itself.
 */
public class PollingPokeBus extends ThreadedPokeBus {

	private static final Log logger = LogFactory.getLog(PollingPokeBus.class);

	private final DataSource dataSource;

	private final Duration pollInterval;

	/** Every region's head at the last poll. */
	private volatile Map<String, Long> seen = Map.of();

	/**
	 * Creates the bus.
	 * @param dataSource the data source holding Plasma's tables
	 * @param pollInterval the pause between two reads of the head
	 */
	public PollingPokeBus(DataSource dataSource, Duration pollInterval) {
		super("plasma-poke-poll");
		this.dataSource = dataSource;
		this.pollInterval = pollInterval;
	}

	@Override
	public void publishHead(HeadAdvanced head) {
		delivery().head(head);
	}

	@Override
	public void publishRoom(String room) {
		delivery().room(room);
	}

	@Override
	public boolean deliversRemoteRoomChanges() {
		return false;
	}

	@Override
	void listen() {
		Backoff backoff = new Backoff(200);
		while (isRunning()) {
			try {
				Thread.sleep(Math.max(this.pollInterval.toMillis(), backoff.current()));
				Map<String, Long> heads;
				try (Connection connection = this.dataSource.getConnection()) {
					heads = SequencerStateRepository.readHeads(connection);
				}
				backoff.reset();
				// The first poll delivers too: the hub compares with the heads it dispatched, so a write made
				// between the hub's start and this bus's first poll still pokes.
				Map<String, Long> seen = this.seen;
				this.seen = heads;
				long now = System.currentTimeMillis();
				heads.forEach((region, head) -> {
					if (head > seen.getOrDefault(region, 0L)) {
						delivery().head(new HeadAdvanced(region, head, now));
					}
				});
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (SQLException | RuntimeException ex) {
				logger.warn("Plasma: reading the change log's head for pokes failed, retrying in " + backoff.next() + " ms: "
						+ ex.getMessage());
			}
		}
	}

}

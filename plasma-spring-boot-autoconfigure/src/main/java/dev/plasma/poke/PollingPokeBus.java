package dev.plasma.poke;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

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

	private volatile long seen = -1;

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
				long head;
				try (Connection connection = this.dataSource.getConnection()) {
					head = SequencerStateRepository.readHead(connection);
				}
				backoff.reset();
				if (head > this.seen) {
					boolean first = this.seen < 0;
					this.seen = head;
					if (!first) {
						delivery().head(new HeadAdvanced(HeadAdvanced.SINGLE_REGION, head, System.currentTimeMillis()));
					}
				}
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

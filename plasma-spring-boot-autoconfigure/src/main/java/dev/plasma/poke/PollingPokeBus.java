package dev.plasma.poke;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

import dev.plasma.changelog.SequencerStateRepository;

/**
 * A {@link PokeBus} for databases without notifications (H2, MariaDB): one thread per instance,
 * {@code plasma-poke-poll}, reads the head with one cheap query every poll interval, whatever the number
 * of connections, and announces a move. This instance's own signals are delivered at once. Room changes
 * of other instances are not delivered: presence polls its rooms itself.
 */
public class PollingPokeBus implements PokeBus, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(PollingPokeBus.class);

	private final DataSource dataSource;

	private final Duration pollInterval;

	private final LocalDelivery delivery = new LocalDelivery();

	private volatile long seen = -1;

	private volatile boolean running;

	private Thread thread;

	/**
	 * Creates the bus.
	 * @param dataSource the data source holding Plasma's tables
	 * @param pollInterval the pause between two reads of the head
	 */
	public PollingPokeBus(DataSource dataSource, Duration pollInterval) {
		this.dataSource = dataSource;
		this.pollInterval = pollInterval;
	}

	@Override
	public void publishHead(HeadAdvanced head) {
		this.delivery.head(head);
	}

	@Override
	public void publishRoom(String room) {
		this.delivery.room(room);
	}

	@Override
	public void subscribe(Subscriber subscriber) {
		this.delivery.add(subscriber);
	}

	@Override
	public boolean deliversRemoteRoomChanges() {
		return false;
	}

	@Override
	public synchronized void start() {
		this.running = true;
		this.thread = new Thread(this::run, "plasma-poke-poll");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		if (this.thread != null) {
			this.thread.interrupt();
			this.thread = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void run() {
		long backoff = 0;
		while (this.running) {
			try {
				Thread.sleep(Math.max(this.pollInterval.toMillis(), backoff));
				long head;
				try (Connection connection = this.dataSource.getConnection()) {
					head = SequencerStateRepository.readHead(connection);
				}
				backoff = 0;
				if (head > this.seen) {
					boolean first = this.seen < 0;
					this.seen = head;
					if (!first) {
						this.delivery.head(new HeadAdvanced(HeadAdvanced.SINGLE_REGION, head, System.currentTimeMillis()));
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (SQLException | RuntimeException ex) {
				backoff = Math.min(5000, Math.max(200, backoff * 2));
				logger.warn("Plasma: reading the change log's head for pokes failed, retrying in " + backoff + " ms: "
						+ ex.getMessage());
			}
		}
	}

}

package dev.plasma.sequencer;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessResourceFailureException;

import dev.plasma.changelog.SequencerStateRepository;
import dev.plasma.changelog.SequencerStateRepository.RegionState;
import dev.plasma.dialect.DatabaseClock;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.scheduling.DaemonWorker;

/**
 * Keeps this instance's region alive and sequences the pending entries of regions that are not, on its
 * own daemon thread, {@code plasma-region-lease}.
 * <p>
 * The algorithm, every {@code takeoverAfter / 3}, on the database's clock:
 * <ol>
 * <li>Renew this region's lease: {@code lease_until = now + takeoverAfter} on the region's row of
 * {@code _plasma_sequencer}.</li>
 * <li>For every other region whose {@code lease_until} has passed (no instance of it renewed it for
 * {@code takeoverAfter}): flush that region's sequencer ({@link Sequencer} for the region, built once).
 * It runs exactly the region's own algorithm: it locks the <em>dead region's</em> row
 * ({@code SELECT ... FOR UPDATE}) and hands out versions from the dead region's head, in its version
 * space. That row lock is the fencing token: an instance of the dead region that comes back (or was only
 * slow) locks the same row, so the two never run a batch at the same time, and a batch deletes the
 * pending entries it versions in the same transaction, so no entry ever gets two versions.</li>
 * </ol>
 * Errors are logged and retried at the next round, never fatal.
 */
public class RegionTakeover implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RegionTakeover.class);

	private final DataSource dataSource;

	private final DatabaseClock clock;

	private final String region;

	private final String instance;

	private final Duration takeoverAfter;

	private final Function<String, Sequencer> sequencers;

	private final Map<String, Sequencer> takenOver = new ConcurrentHashMap<>();

	private final DaemonWorker worker = new DaemonWorker("plasma-region-lease", this::run);

	/**
	 * Creates the lease keeper of an instance.
	 * @param dataSource the data source holding Plasma's tables
	 * @param dialect its dialect
	 * @param region this instance's region
	 * @param instance a name of this instance for operators ({@code leased_by})
	 * @param takeoverAfter how long a lease lasts without renewal
	 * @param sequencers makes the sequencer of another region
	 */
	public RegionTakeover(DataSource dataSource, PlasmaDialect dialect, String region, String instance,
			Duration takeoverAfter, Function<String, Sequencer> sequencers) {
		this.dataSource = dataSource;
		this.clock = DatabaseClock.of(dialect);
		this.region = region;
		this.instance = instance;
		this.takeoverAfter = takeoverAfter;
		this.sequencers = sequencers;
	}

	/**
	 * Runs one round: renews this region's lease and sequences what expired regions left pending.
	 * @return the regions whose entries this round sequenced (taken over), possibly none
	 */
	public List<String> runOnce() {
		List<RegionState> expired;
		try (Connection connection = this.dataSource.getConnection()) {
			long now = this.clock.nowMillis(connection);
			SequencerStateRepository.renewLease(connection, this.region, now + this.takeoverAfter.toMillis(),
					this.instance);
			expired = SequencerStateRepository.readAll(connection)
				.stream()
				.filter((other) -> !other.region().equals(this.region) && other.leaseUntil() < now)
				.toList();
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("Plasma: renewing the region lease failed", ex);
		}
		List<String> sequenced = new java.util.ArrayList<>();
		for (RegionState other : expired) {
			Sequencer sequencer = this.takenOver.computeIfAbsent(other.region(), this.sequencers);
			if (sequencer.pendingCount() > 0) {
				long head = sequencer.flush();
				logger.info("Plasma: region '" + other.region() + "' has not renewed its lease for "
						+ this.takeoverAfter + "; region '" + this.region + "' sequenced its pending entries (head "
						+ head + ")");
				sequenced.add(other.region());
			}
		}
		return sequenced;
	}

	@Override
	public void start() {
		this.worker.start();
	}

	@Override
	public void stop() {
		this.worker.stop();
	}

	@Override
	public boolean isRunning() {
		return this.worker.isRunning();
	}

	private void run() {
		long pause = Math.max(100, this.takeoverAfter.toMillis() / 3);
		while (this.worker.isRunning()) {
			try {
				runOnce();
			}
			catch (RuntimeException ex) {
				if (!this.worker.isRunning()) {
					return;
				}
				logger.warn("Plasma: region lease round failed, retrying: " + ex.getMessage());
			}
			try {
				Thread.sleep(pause);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}

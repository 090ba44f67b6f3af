package dev.plasma.replica;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessResourceFailureException;

import dev.plasma.changelog.SequencerStateRepository;
import dev.plasma.dialect.PlasmaDialect;

/**
 * Reads how far the read replica is behind the primary, for operators (gauges, health, the actuator
 * endpoint); pulls never ask it ({@link ReplicaPullRouter} checks each pull's own needs). One read is two
 * statements on the primary's and the replica's {@code _plasma_sequencer} (every region's head), and on
 * PostgreSQL one more on the replica for its replay delay ({@link PlasmaDialect#replicaReplayDelaySql()}).
 * The replica is read first, so a version the primary sequences in between counts as lag, never as a
 * replica ahead. {@link #status()} reads at most once per {@code maxAge}, so scrapes and health checks
 * cost the databases nothing more.
 * <p>
 * A replica that fails to answer (no connection within its pool's timeout, a statement error) is reported
 * as not answered, with the error, and that answer is kept for {@code maxAge} too. A replay-delay query
 * that fails alone only leaves the delay unknown. The primary failing is an exception, as for every other
 * status read.
 */
public class ReplicaLag {

	private static final Log logger = LogFactory.getLog(ReplicaLag.class);

	private final DataSource primary;

	private final ReadReplica replica;

	private final @Nullable String replayDelaySql;

	private final long maxAgeNanos;

	private final LongSupplier nanoClock;

	private volatile @Nullable Cached cached;

	/**
	 * Creates the reader.
	 * @param primary the primary's data source
	 * @param replica the read replica
	 * @param dialect the primary's (and so the replica's) dialect
	 * @param maxAge how old a {@link #status()} may be
	 */
	public ReplicaLag(DataSource primary, ReadReplica replica, PlasmaDialect dialect, Duration maxAge) {
		this(primary, replica, dialect, maxAge, System::nanoTime);
	}

	ReplicaLag(DataSource primary, ReadReplica replica, PlasmaDialect dialect, Duration maxAge, LongSupplier nanoClock) {
		this.primary = primary;
		this.replica = replica;
		this.replayDelaySql = dialect.replicaReplayDelaySql();
		this.maxAgeNanos = maxAge.toNanos();
		this.nanoClock = nanoClock;
	}

	/**
	 * Returns the status read last if younger than {@code maxAge}, otherwise reads it now.
	 * @return the status
	 * @throws DataAccessResourceFailureException when the primary cannot be read
	 */
	public ReplicaStatus status() {
		Cached current = this.cached;
		if (current != null && this.nanoClock.getAsLong() - current.readAt() < this.maxAgeNanos) {
			return current.status();
		}
		synchronized (this) {
			current = this.cached;
			if (current != null && this.nanoClock.getAsLong() - current.readAt() < this.maxAgeNanos) {
				return current.status();
			}
			return read();
		}
	}

	/**
	 * Reads the status now.
	 * @return the status
	 * @throws DataAccessResourceFailureException when the primary cannot be read
	 */
	public ReplicaStatus read() {
		Map<String, Long> replicaHeads = null;
		Long replayDelay = null;
		String error = null;
		try (Connection connection = this.replica.dataSource().getConnection()) {
			replicaHeads = SequencerStateRepository.readHeads(connection);
			replayDelay = replayDelay(connection);
		}
		catch (SQLException | RuntimeException ex) {
			logger.debug("Plasma: reading the read replica's heads failed", ex);
			error = ex.getClass().getName() + ": " + ex.getMessage();
		}
		Map<String, Long> primaryHeads;
		try (Connection connection = this.primary.getConnection()) {
			primaryHeads = SequencerStateRepository.readHeads(connection);
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("Plasma: reading the primary's heads failed", ex);
		}
		Map<String, Long> behind = new LinkedHashMap<>();
		if (replicaHeads != null) {
			for (Map.Entry<String, Long> head : primaryHeads.entrySet()) {
				behind.put(head.getKey(), Math.max(0, head.getValue() - replicaHeads.getOrDefault(head.getKey(), 0L)));
			}
		}
		ReplicaStatus status = new ReplicaStatus(new ArrayList<>(primaryHeads.keySet()), replicaHeads != null, behind,
				replayDelay, error);
		this.cached = new Cached(status, this.nanoClock.getAsLong());
		return status;
	}

	private @Nullable Long replayDelay(Connection connection) {
		if (this.replayDelaySql == null) {
			return null;
		}
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(this.replayDelaySql)) {
			if (!rs.next()) {
				return null;
			}
			long millis = rs.getLong(1);
			return rs.wasNull() ? null : millis;
		}
		catch (SQLException ex) {
			logger.debug("Plasma: reading the read replica's replay delay failed", ex);
			return null;
		}
	}

	private record Cached(ReplicaStatus status, long readAt) {
	}

}

package dev.plasma.changelog;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.dao.DataAccessResourceFailureException;

import dev.plasma.dialect.DatabaseClock;
import dev.plasma.region.RegionIds;
import dev.plasma.dialect.PlasmaDialect;

/**
 * Reads {@link ChangeLogStatus} with three cheap queries: the sequencer's state row, the oldest pending
 * entry (by primary key) and the number of pending entries (a table the sequencer keeps near empty). The
 * number of change-log entries is never counted: it is {@code head - compacted_entries}, both kept on the
 * sequencer's row (every sequenced version adds one entry, only compaction removes entries). For scrapes,
 * {@link #cached()} reads at most once per {@code maxAge}.
 */
public class ChangeLogStatusReader {

	private final DataSource dataSource;

	private final DatabaseClock clock;

	private final Duration maxAge;

	private volatile ChangeLogStatus cached;

	private volatile CachedRegions cachedRegions;

	/**
	 * Creates a reader.
	 * @param dataSource the data source holding Plasma's tables
	 * @param dialect the database's dialect
	 * @param maxAge how old a {@link #cached()} status may be
	 */
	public ChangeLogStatusReader(DataSource dataSource, PlasmaDialect dialect, Duration maxAge) {
		this.dataSource = dataSource;
		this.clock = DatabaseClock.of(dialect);
		this.maxAge = maxAge;
	}

	/**
	 * Reads the status now.
	 * @return the status
	 */
	public ChangeLogStatus read() {
		try (Connection connection = this.dataSource.getConnection()) {
			long now = this.clock.nowMillis(connection);
			SequencerStateRepository.State state = SequencerStateRepository.read(connection, RegionIds.DEFAULT);
			Long oldestPending = PendingChanges.oldestCreatedAt(connection);
			long pending = (oldestPending != null) ? PendingChanges.count(connection) : 0;
			ChangeLogStatus status = new ChangeLogStatus(state.head(), state.floor(),
					Math.max(0, state.head() - state.compactedEntries()), pending, oldestPending, state.compactedTo(),
					state.compactedEntries(), state.compactedAt(), now, Instant.now());
			this.cached = status;
			return status;
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("Plasma: reading the change-log status failed", ex);
		}
	}

	/**
	 * Reads every region's status now: its state row, and its pending entries (which region takes each
	 * entry depends on the default region for raw writes).
	 * @param rawWritesRegion the region that sequences entries without a region
	 * @return the regions, in region order
	 */
	public List<RegionStatus> readRegions(String rawWritesRegion) {
		try (Connection connection = this.dataSource.getConnection()) {
			long now = this.clock.nowMillis(connection);
			List<RegionStatus> regions = new ArrayList<>();
			for (SequencerStateRepository.RegionState region : SequencerStateRepository.readAll(connection)) {
				PendingScope scope = new PendingScope(region.region(), rawWritesRegion);
				Long oldest = PendingChanges.oldestCreatedAt(connection, scope);
				long pending = (oldest != null) ? PendingChanges.count(connection, scope) : 0;
				regions.add(new RegionStatus(region.region(), region.state().head(), region.state().floor(), pending,
						(oldest != null) ? Math.max(0, now - oldest) : 0, region.leaseUntil(), region.leasedBy(),
						region.leaseUntil() >= now));
			}
			this.cachedRegions = new CachedRegions(regions, Instant.now());
			return regions;
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("Plasma: reading the regions' status failed", ex);
		}
	}

	/**
	 * Returns the regions' status read last if younger than {@code maxAge}, otherwise reads it now.
	 * @param rawWritesRegion the region that sequences entries without a region
	 * @return the regions
	 */
	public List<RegionStatus> cachedRegions(String rawWritesRegion) {
		CachedRegions cached = this.cachedRegions;
		if (cached != null && cached.readAt().plus(this.maxAge).isAfter(Instant.now())) {
			return cached.regions();
		}
		return readRegions(rawWritesRegion);
	}

	private record CachedRegions(List<RegionStatus> regions, Instant readAt) {
	}

	/**
	 * Returns the last status read if it is younger than {@code maxAge}, otherwise reads it now.
	 * @return the status
	 */
	public ChangeLogStatus cached() {
		ChangeLogStatus status = this.cached;
		if (status != null && status.readAt().plus(this.maxAge).isAfter(Instant.now())) {
			return status;
		}
		synchronized (this) {
			status = this.cached;
			if (status != null && status.readAt().plus(this.maxAge).isAfter(Instant.now())) {
				return status;
			}
			return read();
		}
	}

	/**
	 * Makes the next {@link #cached()} read the status again (after a compaction, for example).
	 */
	public void invalidate() {
		this.cached = null;
	}

}

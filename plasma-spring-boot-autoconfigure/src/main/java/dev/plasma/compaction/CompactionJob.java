package dev.plasma.compaction;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessResourceFailureException;

import dev.plasma.changelog.SequencerStateRepository;
import dev.plasma.dialect.DatabaseClock;
import dev.plasma.dialect.PlasmaDialect;

/**
 * One compaction run as the schedule (or an operator) starts it: under the cluster-wide
 * {@link LeaseLock}, renewed before every batch, up to the newest version that is older than the
 * retention window, with one log line per run. A scheduled run compacts the compactor's region and then
 * every other region (each its own entries, floor and progress); a run with a requested version compacts
 * the compactor's region only.
 * <p>
 * The retention cutoff is on the database's clock: {@code now - retention}, with {@code now} read from
 * the database, compared with {@code created_at}, which the capture triggers stamp from the same clock
 * (ledger markers and H2's trigger use the application's clock; on one machine or with synchronised
 * clocks the difference is milliseconds). Because versions are handed out in commit order, not in
 * {@code created_at} order, the run compacts up to the version just below the first entry (above the
 * last pass) that is not older than the cutoff: no entry younger than {@code retention} is ever
 * compacted, even one that sits below an older entry.
 */
public class CompactionJob {

	private static final Log logger = LogFactory.getLog(CompactionJob.class);

	private final ChangeLogCompactor compactor;

	private final LeaseLock lock;

	private final DataSource dataSource;

	private final DatabaseClock clock;

	private final Duration retention;

	private final java.util.Map<String, ChangeLogCompactor> otherCompactors = new java.util.concurrent.ConcurrentHashMap<>();

	/**
	 * Creates the job.
	 * @param compactor the compactor
	 * @param lock the lock that keeps other instances from compacting at the same time
	 * @param dataSource the data source holding Plasma's tables
	 * @param dialect the database's dialect
	 * @param retention how old an entry must be to be compacted
	 */
	public CompactionJob(ChangeLogCompactor compactor, LeaseLock lock, DataSource dataSource, PlasmaDialect dialect,
			Duration retention) {
		if (retention.isNegative()) {
			throw new IllegalArgumentException("retention must not be negative");
		}
		this.compactor = compactor;
		this.lock = lock;
		this.dataSource = dataSource;
		this.clock = DatabaseClock.of(dialect);
		this.retention = retention;
	}

	/**
	 * Runs a scheduled pass: up to the retention cutoff, if no other instance is compacting. Never throws;
	 * a failure is logged (and counted by the compactor's listeners).
	 */
	public void runScheduled() {
		try {
			run(null);
		}
		catch (RuntimeException ex) {
			logger.debug("Plasma: compaction failed", ex);
		}
	}

	/**
	 * Runs a pass now, if no other instance is compacting.
	 * @param safeUpToVersion the version to compact up to, or {@code null} for the retention cutoff
	 * @return what the pass did, or empty when another instance holds the lease
	 */
	public Optional<CompactionResult> run(Long safeUpToVersion) {
		return run(this.compactor.region(), safeUpToVersion);
	}

	/**
	 * Runs a pass over one region now, if no other instance is compacting. For this instance's own region
	 * and no version this is the scheduled pass, which also compacts every other region up to its
	 * retention cutoff; otherwise only the named region is compacted.
	 * @param region the region to compact
	 * @param safeUpToVersion the version (in the region's version space) to compact up to, or {@code null}
	 * for the region's retention cutoff
	 * @return what the pass did in the region, or empty when another instance holds the lease
	 */
	public Optional<CompactionResult> run(String region, Long safeUpToVersion) {
		if (!region.equals(this.compactor.region())) {
			return runOtherRegion(region, safeUpToVersion);
		}
		Optional<LeaseLock.Lease> acquired = this.lock.tryAcquire();
		if (acquired.isEmpty()) {
			logger.info("Plasma: compaction skipped, another instance holds the lease");
			return Optional.empty();
		}
		long started = System.nanoTime();
		try (LeaseLock.Lease lease = acquired.get()) {
			long upTo = (safeUpToVersion != null) ? safeUpToVersion : retentionCutoffVersion();
			CompactionResult result = this.compactor.compactChangeLog(upTo, lease::renew);
			logger.info(describe(safeUpToVersion, result));
			if (safeUpToVersion == null) {
				for (String other : otherRegions()) {
					ChangeLogCompactor compactor = this.otherCompactors.computeIfAbsent(other, this.compactor::forRegion);
					CompactionResult otherResult = compactor.compactChangeLog(retentionCutoffVersion(other), lease::renew);
					logger.info("Region '" + other + "': " + describe(null, otherResult));
				}
			}
			return Optional.of(result);
		}
		catch (RuntimeException ex) {
			logger.warn("Plasma: compaction failed after " + Duration.ofNanos(System.nanoTime() - started).toMillis()
					+ " ms (committed batches stay; the next run finishes): " + ex);
			throw ex;
		}
	}

	private Optional<CompactionResult> runOtherRegion(String region, Long safeUpToVersion) {
		Optional<LeaseLock.Lease> acquired = this.lock.tryAcquire();
		if (acquired.isEmpty()) {
			logger.info("Plasma: compaction skipped, another instance holds the lease");
			return Optional.empty();
		}
		try (LeaseLock.Lease lease = acquired.get()) {
			ChangeLogCompactor other = this.otherCompactors.computeIfAbsent(region, this.compactor::forRegion);
			long upTo = (safeUpToVersion != null) ? safeUpToVersion : retentionCutoffVersion(region);
			CompactionResult result = other.compactChangeLog(upTo, lease::renew);
			logger.info("Region '" + region + "': " + describe(safeUpToVersion, result));
			return Optional.of(result);
		}
	}

	private String describe(Long requested, CompactionResult result) {
		String bound = (requested != null) ? "requested" : "entries older than " + format(this.retention);
		if (result.batches() == 0) {
			return "Plasma: compaction found nothing to compact up to version " + result.upToVersion() + " (" + bound
					+ "), floor " + result.floor();
		}
		return "Plasma: compacted the change log up to version " + result.upToVersion() + " (" + bound + "): examined "
				+ result.examined() + ", removed " + result.removed() + " in " + result.batches() + " batches, floor "
				+ result.floor() + ", " + result.duration().toMillis() + " ms";
	}

	private static String format(Duration duration) {
		long millis = duration.toMillis();
		long[] units = { 86_400_000, 3_600_000, 60_000, 1000 };
		String[] names = { "d", "h", "m", "s" };
		for (int i = 0; i < units.length; i++) {
			if (millis > 0 && millis % units[i] == 0) {
				return (millis / units[i]) + names[i];
			}
		}
		return millis + "ms";
	}

	/**
	 * Returns the newest version up to which every entry is older than the retention window: just below
	 * the first entry above the last complete pass whose {@code created_at} is within the window, or the
	 * head when there is none.
	 * @return the version to compact up to
	 */
	public long retentionCutoffVersion() {
		return retentionCutoffVersion(this.compactor.region());
	}

	private java.util.List<String> otherRegions() {
		try (Connection connection = this.dataSource.getConnection()) {
			return SequencerStateRepository.readAll(connection)
				.stream()
				.map(SequencerStateRepository.RegionState::region)
				.filter((region) -> !region.equals(this.compactor.region()))
				.toList();
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("Plasma compaction: reading the regions failed", ex);
		}
	}

	/**
	 * Returns a region's retention cutoff, like {@link #retentionCutoffVersion()}.
	 * @param region the region
	 * @return the version to compact the region up to
	 */
	public long retentionCutoffVersion(String region) {
		try (Connection connection = this.dataSource.getConnection()) {
			SequencerStateRepository.State state = SequencerStateRepository.read(connection, region);
			long head = state.head();
			long compactedTo = state.compactedTo();
			long cutoff = this.clock.nowMillis(connection) - this.retention.toMillis();
			Long firstYoung = ChangeLogCompactor.firstVersionCreatedSince(connection, region, compactedTo, head,
					cutoff);
			return (firstYoung != null) ? firstYoung - 1 : head;
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("Plasma compaction: reading the retention cutoff failed", ex);
		}
	}

	/**
	 * Returns the retention window.
	 * @return the retention
	 */
	public Duration retention() {
		return this.retention;
	}

	/**
	 * Returns the compactor this job runs.
	 * @return the compactor
	 */
	public ChangeLogCompactor compactor() {
		return this.compactor;
	}

}

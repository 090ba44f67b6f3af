package dev.plasma.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.plasma.changelog.ChangeLogStatus;
import dev.plasma.clients.ClientGroupCleanupListener;
import dev.plasma.clients.ClientGroups;
import dev.plasma.changelog.ChangeLogStatusReader;
import dev.plasma.changelog.RegionStatus;
import dev.plasma.region.RegionIds;
import dev.plasma.compaction.CompactionListener;
import dev.plasma.compaction.CompactionResult;
import dev.plasma.sync.AccessDenial;
import dev.plasma.sync.FailureReason;
import dev.plasma.sync.MutationOutcome;

/**
 * Plasma's meters, all registered (at zero) when bound, so dashboards show zero rather than missing data:
 * <ul>
 * <li>{@code plasma.compaction.runs} (counter, tag {@code outcome} = {@code success} | {@code failure}):
 * compaction passes run by this instance (schedule, endpoint or API);</li>
 * <li>{@code plasma.compaction.duration} (timer): how long each of those passes took, whatever its outcome;</li>
 * <li>{@code plasma.compaction.removed} (counter): change-log entries those passes removed;</li>
 * <li>{@code plasma.compaction.floor} (gauge): the compaction floor; cookies below it get a reset;</li>
 * <li>{@code plasma.compaction.last.success} (gauge): when a compaction pass last completed, on any
 * instance, in Unix epoch seconds (0 for never);</li>
 * <li>{@code plasma.changelog.entries} (gauge): entries in the change log;</li>
 * <li>{@code plasma.changelog.head} (gauge): the highest sequenced version;</li>
 * <li>{@code plasma.sequencer.pending} (gauge): committed entries waiting for the sequencer;</li>
 * <li>{@code plasma.region.head}, {@code plasma.region.floor}, {@code plasma.region.pending} and
 * {@code plasma.region.lag} (gauges, tag {@code region}, registered for the regions known when the registry
 * is bound, and for a region created later as soon as a region gauge is read after it appeared): each region's head, compaction floor, pending entries and the age in seconds of its oldest
 * pending entry;</li>
 * <li>{@code plasma.push.mutations} (counter, tag {@code outcome} = {@code applied} | {@code duplicate} |
 * {@code failed} | {@code gap}): pushed mutations by what happened to them;</li>
 * <li>{@code plasma.pull.requests} (counter, tag {@code kind} = {@code incremental} | {@code reset}): pulls
 * answered;</li>
 * <li>{@code plasma.push.duration} and {@code plasma.pull.duration} (timers): how long push and pull
 * requests took;</li>
 * <li>{@code plasma.push.failures} (counter, tag {@code reason} = {@code denied} | {@code error}): pushed
 * mutations that failed permanently, {@code denied} when the user may not make them;</li>
 * <li>{@code plasma.access.denied} (counter, tag {@code reason} = {@code unauthenticated} |
 * {@code foreign-group}): sync requests refused with HTTP 401 (no user) or 403 (another user's client
 * group);</li>
 * <li>{@code plasma.clients.groups} (gauge, tag {@code state} = {@code active} | {@code deleted}): client
 * groups in use, and tombstones of groups deleted for inactivity;</li>
 * <li>{@code plasma.clients.cleanup.deleted} (counter): client groups deleted by cleanup runs of this
 * instance;</li>
 * <li>{@code plasma.clients.cleanup.last.run} (gauge): when a cleanup run of this instance last completed,
 * in Unix epoch seconds (0 for never).</li>
 * </ul>
 * The gauges read a {@link ChangeLogStatusReader#cached() cached} status, so a scrape costs at most three
 * small queries per cache period (none of them counts the change log) and a compaction run refreshes it.
 * The client-group gauges read counts cached for {@value #CLIENT_COUNTS_MAX_AGE_MILLIS} ms. A gauge reads
 * {@code NaN} while the database cannot be read. Push, pull and access meters are fed through
 * {@link MicrometerSyncObserver}, compaction meters through {@link CompactionListener}, cleanup meters
 * through {@link ClientGroupCleanupListener}.
 */
public class PlasmaMetrics implements MeterBinder, CompactionListener, ClientGroupCleanupListener {

	private static final long CLIENT_COUNTS_MAX_AGE_MILLIS = 10_000;

	private static final Log logger = LogFactory.getLog(PlasmaMetrics.class);

	private final Supplier<ChangeLogStatusReader> statusReader;

	private String rawWritesRegion = RegionIds.DEFAULT;

	private final List<Meters> bound = new CopyOnWriteArrayList<>();

	/** Per registry, the regions whose gauges are registered. */
	private final Map<MeterRegistry, Set<String>> regionsBound = new ConcurrentHashMap<>();

	private final Supplier<ClientGroups> clientGroups;

	private volatile long lastSuccessEpochSeconds;

	private volatile long lastCleanupEpochSeconds;

	private volatile ClientGroups.Counts clientCounts;

	private volatile long clientCountsReadAt;

	/**
	 * Creates the binder without client-group gauges (they read {@code NaN}).
	 * @param statusReader supplies the status reader for the gauges; may supply {@code null}, then the
	 * gauges read {@code NaN}
	 */
	public PlasmaMetrics(Supplier<ChangeLogStatusReader> statusReader) {
		this(statusReader, () -> null);
	}

	/**
	 * Creates the binder.
	 * @param statusReader supplies the status reader for the gauges; may supply {@code null}, then the
	 * gauges read {@code NaN}
	 * @param clientGroups supplies the client groups for their gauges; may supply {@code null}, then
	 * those gauges read {@code NaN}
	 */
	public PlasmaMetrics(Supplier<ChangeLogStatusReader> statusReader, Supplier<ClientGroups> clientGroups) {
		this.statusReader = statusReader;
		this.clientGroups = clientGroups;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.bound.add(new Meters(registry));
		gauge(registry, "plasma.compaction.floor", "The compaction floor; cookies below it get a reset",
				(status) -> status.floor());
		gauge(registry, "plasma.changelog.entries", "Entries in the change log", (status) -> status.entries());
		gauge(registry, "plasma.changelog.head", "Highest sequenced change-log version", (status) -> status.head());
		gauge(registry, "plasma.sequencer.pending", "Committed entries waiting for the sequencer",
				(status) -> status.pending());
		Gauge.builder("plasma.compaction.last.success", this, PlasmaMetrics::lastSuccess)
			.description("When a compaction pass last completed, on any instance (Unix epoch seconds, 0 for never)")
			.baseUnit("seconds")
			.strongReference(true)
			.register(registry);
		bindRegions(registry);
		clientGauge(registry, "active", ClientGroups.Counts::active);
		clientGauge(registry, "deleted", ClientGroups.Counts::deleted);
		Gauge.builder("plasma.clients.cleanup.last.run", this, (metrics) -> metrics.lastCleanupEpochSeconds)
			.description("When a client-group cleanup run of this instance last completed (Unix epoch seconds, 0 for never)")
			.baseUnit("seconds")
			.strongReference(true)
			.register(registry);
	}

	/**
	 * Registers the region gauges of every region known when the registry is bound.
	 */
	private void bindRegions(MeterRegistry registry) {
		List<RegionStatus> regions;
		try {
			ChangeLogStatusReader reader = this.statusReader.get();
			regions = (reader != null) ? reader.readRegions(this.rawWritesRegion) : List.of();
		}
		catch (RuntimeException ex) {
			logger.debug("Plasma: reading the regions for metrics failed", ex);
			regions = List.of();
		}
		bindNewRegions(registry, regions);
	}

	/**
	 * Registers the gauges of the regions not registered in the registry yet.
	 */
	private void bindNewRegions(MeterRegistry registry, List<RegionStatus> regions) {
		Set<String> known = this.regionsBound.computeIfAbsent(registry, (key) -> ConcurrentHashMap.newKeySet());
		for (RegionStatus region : regions) {
			if (!known.add(region.region())) {
				continue;
			}
			regionGauge(registry, "plasma.region.head", "Highest version the region handed out", region.region(),
					RegionStatus::head, null);
			regionGauge(registry, "plasma.region.floor", "The region's compaction floor", region.region(),
					RegionStatus::floor, null);
			regionGauge(registry, "plasma.region.pending", "Committed entries waiting for the region's sequencer",
					region.region(), RegionStatus::pending, null);
			regionGauge(registry, "plasma.region.lag", "How long the region's oldest pending entry has waited",
					region.region(), (status) -> status.lagMillis() / 1000.0, "seconds");
		}
	}

	private void regionGauge(MeterRegistry registry, String name, String description, String region,
			ToDoubleFunction<RegionStatus> value, String baseUnit) {
		Gauge.builder(name, this, (metrics) -> {
			ChangeLogStatusReader reader = metrics.statusReader.get();
			if (reader == null) {
				return Double.NaN;
			}
			try {
				List<RegionStatus> regions = reader.cachedRegions(metrics.rawWritesRegion);
				metrics.bindNewRegions(registry, regions);
				return regions.stream()
					.filter((status) -> status.region().equals(region))
					.mapToDouble(value)
					.findFirst()
					.orElse(Double.NaN);
			}
			catch (RuntimeException ex) {
				return Double.NaN;
			}
		}).description(description).tag("region", region).baseUnit(baseUnit).strongReference(true).register(registry);
	}

	/**
	 * Sets the region that sequences writes without a region, so that each region's pending entries are
	 * counted as its sequencer takes them.
	 * @param rawWritesRegion the default region for raw writes
	 */
	public void setRawWritesRegion(String rawWritesRegion) {
		this.rawWritesRegion = RegionIds.require(rawWritesRegion, "default region for raw writes");
	}

	private void clientGauge(MeterRegistry registry, String state, ToDoubleFunction<ClientGroups.Counts> value) {
		Gauge.builder("plasma.clients.groups", this, (metrics) -> {
			ClientGroups.Counts counts = metrics.clientCounts();
			return (counts != null) ? value.applyAsDouble(counts) : Double.NaN;
		}).description("Client groups by state").tag("state", state).strongReference(true).register(registry);
	}

	private ClientGroups.Counts clientCounts() {
		long now = System.currentTimeMillis();
		if (this.clientCounts != null && now - this.clientCountsReadAt < CLIENT_COUNTS_MAX_AGE_MILLIS) {
			return this.clientCounts;
		}
		ClientGroups groups = this.clientGroups.get();
		if (groups == null) {
			return null;
		}
		try {
			this.clientCounts = groups.count();
			this.clientCountsReadAt = now;
			return this.clientCounts;
		}
		catch (RuntimeException ex) {
			logger.debug("Plasma: counting client groups for metrics failed", ex);
			return null;
		}
	}

	private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<ChangeLogStatus> value) {
		Gauge.builder(name, this, (metrics) -> metrics.read(value))
			.description(description)
			.strongReference(true)
			.register(registry);
	}

	private double read(ToDoubleFunction<ChangeLogStatus> value) {
		ChangeLogStatus status = status();
		return (status != null) ? value.applyAsDouble(status) : Double.NaN;
	}

	private ChangeLogStatus status() {
		ChangeLogStatusReader reader = this.statusReader.get();
		if (reader == null) {
			return null;
		}
		try {
			return reader.cached();
		}
		catch (RuntimeException ex) {
			logger.debug("Plasma: reading the change-log status for metrics failed", ex);
			return null;
		}
	}

	private double lastSuccess() {
		ChangeLogStatus status = status();
		long cluster = (status != null) ? status.compactedAt() / 1000 : 0;
		return Math.max(cluster, this.lastSuccessEpochSeconds);
	}

	@Override
	public void compacted(CompactionResult result) {
		this.lastSuccessEpochSeconds = result.finishedAt().getEpochSecond();
		ChangeLogStatusReader reader = this.statusReader.get();
		if (reader != null) {
			reader.invalidate();
		}
		for (Meters meters : this.bound) {
			meters.compactionSuccess.increment();
			meters.compactionRemoved.increment(result.removed());
			meters.compactionDuration.record(result.duration());
		}
	}

	@Override
	public void compactionFailed(Duration duration, RuntimeException failure) {
		for (Meters meters : this.bound) {
			meters.compactionFailure.increment();
			meters.compactionDuration.record(duration);
		}
	}

	@Override
	public void cleanedUp(int deleted, Instant finishedAt) {
		this.lastCleanupEpochSeconds = finishedAt.getEpochSecond();
		this.clientCountsReadAt = 0;
		for (Meters meters : this.bound) {
			meters.clientsDeleted.increment(deleted);
		}
	}

	/**
	 * Counts one permanently failed mutation.
	 * @param reason why it failed
	 */
	void mutationFailed(FailureReason reason) {
		for (Meters meters : this.bound) {
			meters.pushFailures.get(reason).increment();
		}
	}

	/**
	 * Counts one refused sync request.
	 * @param denial why it was refused
	 */
	void accessDenied(AccessDenial denial) {
		for (Meters meters : this.bound) {
			meters.accessDenied.get(denial).increment();
		}
	}

	/**
	 * Counts one pushed mutation.
	 * @param outcome what happened to it
	 */
	void mutationProcessed(MutationOutcome outcome) {
		for (Meters meters : this.bound) {
			meters.pushMutations.get(outcome).increment();
		}
	}

	/**
	 * Records one push request.
	 * @param duration how long it took
	 */
	void pushCompleted(Duration duration) {
		for (Meters meters : this.bound) {
			meters.pushDuration.record(duration);
		}
	}

	/**
	 * Records one pull request.
	 * @param reset whether it was a reset
	 * @param duration how long it took
	 */
	void pullCompleted(boolean reset, Duration duration) {
		for (Meters meters : this.bound) {
			(reset ? meters.pullResets : meters.pullIncrementals).increment();
			meters.pullDuration.record(duration);
		}
	}

	/**
	 * The counters and timers registered on one registry.
	 */
	private static final class Meters {

		final Counter compactionSuccess;

		final Counter compactionFailure;

		final Counter compactionRemoved;

		final Timer compactionDuration;

		final Map<MutationOutcome, Counter> pushMutations = new EnumMap<>(MutationOutcome.class);

		final Counter pullIncrementals;

		final Counter pullResets;

		final Timer pushDuration;

		final Timer pullDuration;

		final Map<FailureReason, Counter> pushFailures = new EnumMap<>(FailureReason.class);

		final Map<AccessDenial, Counter> accessDenied = new EnumMap<>(AccessDenial.class);

		final Counter clientsDeleted;

		Meters(MeterRegistry registry) {
			this.compactionSuccess = runs(registry, "success");
			this.compactionFailure = runs(registry, "failure");
			this.compactionRemoved = Counter.builder("plasma.compaction.removed")
				.description("Change-log entries removed by compaction")
				.register(registry);
			this.compactionDuration = Timer.builder("plasma.compaction.duration")
				.description("Duration of compaction passes")
				.register(registry);
			for (MutationOutcome outcome : MutationOutcome.values()) {
				this.pushMutations.put(outcome, Counter.builder("plasma.push.mutations")
					.description("Pushed mutations by outcome")
					.tag("outcome", outcome.tag())
					.register(registry));
			}
			this.pullIncrementals = pulls(registry, "incremental");
			this.pullResets = pulls(registry, "reset");
			this.pushDuration = Timer.builder("plasma.push.duration").description("Duration of push requests").register(registry);
			this.pullDuration = Timer.builder("plasma.pull.duration").description("Duration of pull requests").register(registry);
			for (FailureReason reason : FailureReason.values()) {
				this.pushFailures.put(reason, Counter.builder("plasma.push.failures")
					.description("Pushed mutations that failed permanently, by reason")
					.tag("reason", reason.tag())
					.register(registry));
			}
			for (AccessDenial denial : AccessDenial.values()) {
				this.accessDenied.put(denial, Counter.builder("plasma.access.denied")
					.description("Sync requests refused with HTTP 401 or 403, by reason")
					.tag("reason", denial.tag())
					.register(registry));
			}
			this.clientsDeleted = Counter.builder("plasma.clients.cleanup.deleted")
				.description("Client groups deleted for inactivity by this instance")
				.register(registry);
		}

		private static Counter runs(MeterRegistry registry, String outcome) {
			return Counter.builder("plasma.compaction.runs")
				.description("Compaction passes by outcome")
				.tag("outcome", outcome)
				.register(registry);
		}

		private static Counter pulls(MeterRegistry registry, String kind) {
			return Counter.builder("plasma.pull.requests")
				.description("Pull requests by kind of answer")
				.tag("kind", kind)
				.register(registry);
		}

	}

}

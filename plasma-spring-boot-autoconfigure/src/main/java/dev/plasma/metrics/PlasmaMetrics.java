package dev.plasma.metrics;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
import dev.plasma.changelog.ChangeLogStatusReader;
import dev.plasma.compaction.CompactionListener;
import dev.plasma.compaction.CompactionResult;
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
 * <li>{@code plasma.push.mutations} (counter, tag {@code outcome} = {@code applied} | {@code duplicate} |
 * {@code failed} | {@code gap}): pushed mutations by what happened to them;</li>
 * <li>{@code plasma.pull.requests} (counter, tag {@code kind} = {@code incremental} | {@code reset}): pulls
 * answered;</li>
 * <li>{@code plasma.push.duration} and {@code plasma.pull.duration} (timers): how long push and pull
 * requests took.</li>
 * </ul>
 * The gauges read a {@link ChangeLogStatusReader#cached() cached} status, so a scrape costs at most three
 * small queries per cache period (none of them counts the change log) and a compaction run refreshes it.
 * A gauge reads {@code NaN} while the database cannot be read. Push and pull meters are fed through
 * {@link MicrometerSyncObserver}, compaction meters through {@link CompactionListener}.
 */
public class PlasmaMetrics implements MeterBinder, CompactionListener {

	private static final Log logger = LogFactory.getLog(PlasmaMetrics.class);

	private final Supplier<ChangeLogStatusReader> statusReader;

	private final List<Meters> bound = new CopyOnWriteArrayList<>();

	private volatile long lastSuccessEpochSeconds;

	/**
	 * Creates the binder.
	 * @param statusReader supplies the status reader for the gauges; may supply {@code null}, then the
	 * gauges read {@code NaN}
	 */
	public PlasmaMetrics(Supplier<ChangeLogStatusReader> statusReader) {
		this.statusReader = statusReader;
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

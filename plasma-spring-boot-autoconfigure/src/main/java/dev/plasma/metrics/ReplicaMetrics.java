package dev.plasma.metrics;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.plasma.region.RegionIds;
import dev.plasma.replica.ReplicaFallback;
import dev.plasma.replica.ReplicaLag;
import dev.plasma.replica.ReplicaListener;
import dev.plasma.replica.ReplicaStatus;

/**
 * Plasma's read-replica meters, bound only while a read replica is configured, all registered (at zero)
 * when bound:
 * <ul>
 * <li>{@code plasma.pull.source} (counter, tag {@code source} = {@code replica} | {@code primary}): pulls
 * answered, by the database that answered them;</li>
 * <li>{@code plasma.pull.replica.fallbacks} (counter, tag {@code reason} = {@code behind} | {@code error} |
 * {@code backoff}): pulls the primary answered instead of the replica, by why
 * ({@link ReplicaFallback});</li>
 * <li>{@code plasma.replica.available} (gauge): 1 when the replica answered the last lag read, 0 when it
 * did not;</li>
 * <li>{@code plasma.replica.lag} (gauge, base unit {@code versions}, tag {@code region}, registered for the
 * regions the primary knows when the registry is bound): how many versions the replica's head is behind
 * the primary's;</li>
 * <li>{@code plasma.replica.replay.delay} (gauge, seconds): how long the replica's replay trails the
 * primary, 0 once it replayed everything it received (PostgreSQL only).</li>
 * </ul>
 * The gauges read {@link ReplicaLag#status()}, cached for a short time, so a scrape costs the databases at
 * most one read per cache period. A gauge reads {@code NaN} while its value is unknown: the replica did not
 * answer, the database cannot tell the replay delay, or the primary cannot be read. A region that appears
 * after binding has no {@code plasma.replica.lag} gauge until the next start.
 */
public class ReplicaMetrics implements MeterBinder, ReplicaListener {

	private static final Log logger = LogFactory.getLog(ReplicaMetrics.class);

	private final @Nullable ReplicaLag lag;

	private volatile @Nullable MeterRegistry registry;

	/**
	 * Creates the binder without the lag gauges.
	 */
	public ReplicaMetrics() {
		this(null);
	}

	/**
	 * Creates the binder.
	 * @param lag reads how far the replica is behind, {@code null} for no lag gauges
	 */
	public ReplicaMetrics(@Nullable ReplicaLag lag) {
		this.lag = lag;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		source(registry, true);
		source(registry, false);
		for (ReplicaFallback reason : ReplicaFallback.values()) {
			fallbacks(registry, reason);
		}
		if (this.lag != null) {
			bindLag(registry);
		}
		this.registry = registry;
	}

	private void bindLag(MeterRegistry registry) {
		gauge(registry, "plasma.replica.available", "Whether the read replica answered the last lag read (1) or not (0)",
				null, (status) -> status.answered() ? 1 : 0);
		gauge(registry, "plasma.replica.replay.delay", "How long the read replica's replay trails the primary", "seconds",
				(status) -> (status.replayDelayMillis() != null) ? status.replayDelayMillis() / 1000.0 : Double.NaN);
		for (String region : regions()) {
			Gauge.builder("plasma.replica.lag", this, (metrics) -> {
				ReplicaStatus status = metrics.status();
				Long behind = (status != null) ? status.versionsBehind().get(region) : null;
				return (behind != null) ? behind : Double.NaN;
			})
				.description("Versions the read replica's head is behind the primary's")
				.tag("region", region)
				.baseUnit("versions")
				.strongReference(true)
				.register(registry);
		}
	}

	private List<String> regions() {
		ReplicaStatus status = status();
		return (status != null) ? status.regions() : List.of(RegionIds.DEFAULT);
	}

	private void gauge(MeterRegistry registry, String name, String description, @Nullable String baseUnit,
			ToDoubleFunction<ReplicaStatus> value) {
		Gauge.builder(name, this, (metrics) -> {
			ReplicaStatus status = metrics.status();
			return (status != null) ? value.applyAsDouble(status) : Double.NaN;
		}).description(description).baseUnit(baseUnit).strongReference(true).register(registry);
	}

	private @Nullable ReplicaStatus status() {
		ReplicaLag lag = this.lag;
		if (lag == null) {
			return null;
		}
		try {
			return lag.status();
		}
		catch (RuntimeException ex) {
			logger.debug("Plasma: reading the read replica's lag for metrics failed", ex);
			return null;
		}
	}

	private static Counter source(MeterRegistry registry, boolean replica) {
		return Counter.builder("plasma.pull.source")
			.description("pulls answered, by the database that answered them")
			.tag("source", replica ? "replica" : "primary")
			.register(registry);
	}

	private static Counter fallbacks(MeterRegistry registry, ReplicaFallback reason) {
		return Counter.builder("plasma.pull.replica.fallbacks")
			.description("pulls the primary answered instead of the read replica, by reason")
			.tag("reason", reason.name().toLowerCase(Locale.ROOT))
			.register(registry);
	}

	@Override
	public void pullServed(boolean fromReplica) {
		MeterRegistry registry = this.registry;
		if (registry != null) {
			source(registry, fromReplica).increment();
		}
	}

	@Override
	public void fellBack(ReplicaFallback reason) {
		MeterRegistry registry = this.registry;
		if (registry != null) {
			fallbacks(registry, reason).increment();
		}
	}

}

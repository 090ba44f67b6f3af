package dev.plasma.metrics;

import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import dev.plasma.replica.ReplicaFallback;
import dev.plasma.replica.ReplicaListener;

/**
 * Plasma's read-replica meters, bound only while a read replica is configured, all registered (at zero)
 * when bound:
 * <ul>
 * <li>{@code plasma.pull.source} (counter, tag {@code source} = {@code replica} | {@code primary}): pulls
 * answered, by the database that answered them;</li>
 * <li>{@code plasma.pull.replica.fallbacks} (counter, tag {@code reason} = {@code behind} | {@code error} |
 * {@code backoff}): pulls the primary answered instead of the replica, by why
 * ({@link ReplicaFallback}).</li>
 * </ul>
 */
public class ReplicaMetrics implements MeterBinder, ReplicaListener {

	private volatile @Nullable MeterRegistry registry;

	@Override
	public void bindTo(MeterRegistry registry) {
		source(registry, true);
		source(registry, false);
		for (ReplicaFallback reason : ReplicaFallback.values()) {
			fallbacks(registry, reason);
		}
		this.registry = registry;
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

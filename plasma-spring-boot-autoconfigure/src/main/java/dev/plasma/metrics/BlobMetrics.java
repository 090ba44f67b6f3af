package dev.plasma.metrics;

import java.util.Locale;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import dev.plasma.blob.BlobListener;
import dev.plasma.blob.BlobState;
import dev.plasma.blob.BlobTable;
import dev.plasma.blob.UploadRefusedException;

/**
 * Plasma's blob meters, all registered (at zero) when bound:
 * <ul>
 * <li>{@code plasma.blobs.count} (gauge, tag {@code state} = {@code uploading} | {@code present} |
 * {@code orphaned}): blobs by state;</li>
 * <li>{@code plasma.blobs.stored.bytes} (gauge): the bytes of the present blobs;</li>
 * <li>{@code plasma.blobs.uploads} (counter, tag {@code outcome} = {@code stored} | {@code deduplicated} |
 * {@code incomplete} | a refusal such as {@code hash-mismatch}): upload requests;</li>
 * <li>{@code plasma.blobs.downloads} (counter) and {@code plasma.blobs.downloaded.bytes} (counter):
 * downloads served;</li>
 * <li>{@code plasma.blobs.collected.bytes} (counter): bytes of orphaned blobs deleted by this instance;</li>
 * <li>{@code plasma.blobs.gc.last.run} (gauge): when a collection of this instance last completed, in Unix
 * epoch seconds (0 for never);</li>
 * <li>{@code plasma.blobs.immutable.changed} (counter): immutable file columns given another blob (by raw
 * SQL);</li>
 * <li>{@code plasma.blobs.reference.bound} (counter): download checks that met more references than they
 * read.</li>
 * </ul>
 * The state gauges query {@code _plasma_blobs} on each scrape and read {@code NaN} while it cannot be read.
 */
public class BlobMetrics implements MeterBinder, BlobListener {

	private final Supplier<@Nullable BlobTable> table;

	private volatile @Nullable MeterRegistry registry;

	private volatile long lastRunEpochSeconds;

	/**
	 * Creates the binder.
	 * @param table the owner of {@code _plasma_blobs}, or {@code null} while there is none
	 */
	public BlobMetrics(Supplier<@Nullable BlobTable> table) {
		this.table = table;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (BlobState state : BlobState.values()) {
			gauge(registry, "plasma.blobs.count", "blobs by state", (table) -> table.count(state), "state",
					state.name().toLowerCase(Locale.ROOT));
		}
		gauge(registry, "plasma.blobs.stored.bytes", "bytes of the present blobs", BlobTable::presentBytes);
		for (String outcome : new String[] { "STORED", "DEDUPLICATED", "INCOMPLETE" }) {
			uploads(registry, outcome);
		}
		for (UploadRefusedException.Reason reason : UploadRefusedException.Reason.values()) {
			uploads(registry, reason.name());
		}
		Counter.builder("plasma.blobs.downloads").description("blob downloads served").register(registry);
		Counter.builder("plasma.blobs.downloaded.bytes").description("bytes of blob downloads").register(registry);
		Counter.builder("plasma.blobs.collected.bytes").description("bytes of orphaned blobs deleted").register(registry);
		Counter.builder("plasma.blobs.immutable.changed").description("immutable file columns given another blob")
			.register(registry);
		Counter.builder("plasma.blobs.reference.bound").description("download checks that met the reference bound")
			.register(registry);
		Gauge.builder("plasma.blobs.gc.last.run", this, (metrics) -> metrics.lastRunEpochSeconds)
			.description("when a blob collection of this instance last completed (Unix epoch seconds)")
			.register(registry);
		this.registry = registry;
	}

	private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<BlobTable> value,
			String... tags) {
		Gauge.builder(name, this, (metrics) -> {
			BlobTable table = metrics.table.get();
			try {
				return (table != null) ? value.applyAsDouble(table) : Double.NaN;
			}
			catch (RuntimeException ex) {
				return Double.NaN;
			}
		}).description(description).tags(tags).register(registry);
	}

	private static Counter uploads(MeterRegistry registry, String outcome) {
		return Counter.builder("plasma.blobs.uploads")
			.description("blob upload requests by outcome")
			.tag("outcome", outcome.toLowerCase(Locale.ROOT).replace('_', '-'))
			.register(registry);
	}

	@Override
	public void uploaded(String outcome) {
		MeterRegistry registry = this.registry;
		if (registry != null) {
			uploads(registry, outcome).increment();
		}
	}

	@Override
	public void downloaded(long bytes) {
		MeterRegistry registry = this.registry;
		if (registry != null) {
			registry.counter("plasma.blobs.downloads").increment();
			registry.counter("plasma.blobs.downloaded.bytes").increment(bytes);
		}
	}

	@Override
	public void immutableChanged(String table, String column) {
		MeterRegistry registry = this.registry;
		if (registry != null) {
			registry.counter("plasma.blobs.immutable.changed").increment();
		}
	}

	@Override
	public void referenceBoundHit(String hash) {
		MeterRegistry registry = this.registry;
		if (registry != null) {
			registry.counter("plasma.blobs.reference.bound").increment();
		}
	}

	@Override
	public void collected(int orphaned, long bytes) {
		this.lastRunEpochSeconds = System.currentTimeMillis() / 1000;
		MeterRegistry registry = this.registry;
		if (registry != null) {
			registry.counter("plasma.blobs.collected.bytes").increment(bytes);
		}
	}

}

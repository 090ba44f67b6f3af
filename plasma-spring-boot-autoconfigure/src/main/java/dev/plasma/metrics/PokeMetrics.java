package dev.plasma.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import dev.plasma.poke.PokeHub;
import dev.plasma.poke.PokeObserver;
import dev.plasma.poke.PokeTransport;
import dev.plasma.presence.PresenceRooms;

/**
 * Plasma's realtime meters, all registered (at zero) when bound:
 * <ul>
 * <li>{@code plasma.poke.connections} (gauge, tag {@code transport} = {@code sse} | {@code websocket}): open
 * poke connections on this instance;</li>
 * <li>{@code plasma.poke.sent} (counter, tag {@code transport}): pokes sent;</li>
 * <li>{@code plasma.poke.dropped} (counter, tag {@code transport}): connections dropped because a send to
 * them did not complete within {@code plasma.poke.send-timeout} (clients that stopped reading);</li>
 * <li>{@code plasma.poke.delay} (timer): from sequencing (or, when polling, noticing) a batch to sending its
 * poke;</li>
 * <li>{@code plasma.presence.rooms} (gauge) and {@code plasma.presence.members} (gauge): rooms with members
 * on this instance, and those members.</li>
 * </ul>
 */
public class PokeMetrics implements MeterBinder, PokeObserver {

	private final Supplier<@Nullable PokeHub> hub;

	private final Supplier<@Nullable PresenceRooms> presence;

	private final Map<PokeTransport, Counter> sent = new EnumMap<>(PokeTransport.class);

	private final Map<PokeTransport, Counter> dropped = new EnumMap<>(PokeTransport.class);

	private volatile @Nullable Timer delay;

	/**
	 * Creates the meters.
	 * @param hub this instance's poke connections (looked up on each read, may be absent)
	 * @param presence this instance's presence rooms (may be absent)
	 */
	public PokeMetrics(Supplier<@Nullable PokeHub> hub, Supplier<@Nullable PresenceRooms> presence) {
		this.hub = hub;
		this.presence = presence;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (PokeTransport transport : PokeTransport.values()) {
			Gauge.builder("plasma.poke.connections", this, (metrics) -> metrics.connections(transport))
				.description("Open poke connections on this instance")
				.tag("transport", transport.tag())
				.register(registry);
			this.sent.put(transport, Counter.builder("plasma.poke.sent")
				.description("Pokes sent")
				.tag("transport", transport.tag())
				.register(registry));
			this.dropped.put(transport, Counter.builder("plasma.poke.dropped")
				.description("Connections dropped because a send did not complete in time")
				.tag("transport", transport.tag())
				.register(registry));
		}
		this.delay = Timer.builder("plasma.poke.delay")
			.description("From sequencing a batch to sending its poke")
			.register(registry);
		Gauge.builder("plasma.presence.rooms", this, (metrics) -> metrics.presence(true))
			.description("Presence rooms with members on this instance")
			.register(registry);
		Gauge.builder("plasma.presence.members", this, (metrics) -> metrics.presence(false))
			.description("Presence members on this instance")
			.register(registry);
	}

	@Override
	public void pokeSent(PokeTransport transport, long delayMillis) {
		Counter counter = this.sent.get(transport);
		if (counter != null) {
			counter.increment();
		}
		Timer timer = this.delay;
		if (timer != null) {
			timer.record(delayMillis, TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public void connectionDropped(PokeTransport transport) {
		Counter counter = this.dropped.get(transport);
		if (counter != null) {
			counter.increment();
		}
	}

	private double connections(PokeTransport transport) {
		PokeHub current = this.hub.get();
		return (current != null) ? current.connections(transport) : 0;
	}

	private double presence(boolean rooms) {
		PresenceRooms current = this.presence.get();
		if (current == null) {
			return 0;
		}
		return rooms ? current.rooms() : current.members();
	}

}

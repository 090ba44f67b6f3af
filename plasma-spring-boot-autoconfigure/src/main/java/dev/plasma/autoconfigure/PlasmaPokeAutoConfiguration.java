package dev.plasma.autoconfigure;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.micrometer.core.instrument.binder.MeterBinder;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;

import dev.plasma.access.ReadRules;
import dev.plasma.changelog.ChangeLog;
import dev.plasma.dialect.DatabaseClock;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.metrics.PokeMetrics;
import dev.plasma.poke.DedicatedConnectionFactory;
import dev.plasma.poke.PokeBus;
import dev.plasma.poke.PokeHub;
import dev.plasma.poke.PokeObserver;
import dev.plasma.poke.PokeSequencerListener;
import dev.plasma.poke.PokeTokens;
import dev.plasma.poke.PokeTransport;
import dev.plasma.poke.PollingPokeBus;
import dev.plasma.poke.PostgresNotifyPokeBus;
import dev.plasma.presence.PresenceRooms;
import dev.plasma.presence.PresenceTable;
import dev.plasma.presence.RoomAccess;
import dev.plasma.schema.SyncedTables;
import dev.plasma.sequencer.Sequencer;
import dev.plasma.web.PokeHandler;
import dev.plasma.web.PokeTokenInterceptor;
import dev.plasma.web.PokeWebSocketHandler;
import dev.plasma.web.SyncAccess;

/**
 * Realtime in a servlet web application, unless {@code plasma.poke.enabled=false}: the {@link PokeBus}
 * (PostgreSQL: {@code LISTEN/NOTIFY} on a dedicated connection; other databases: polling the head), the
 * {@link PokeHub} fed by every sequencer batch, presence rooms, {@code GET {base}/poke} (Server-Sent
 * Events) and {@code POST {base}/ws-token} on a {@link RouterFunction} of their own, and, with
 * {@code spring-websocket} on the classpath, the WebSocket {@code {base}/ws}.
 */
@AutoConfiguration(after = { PlasmaAutoConfiguration.class, PlasmaWebMvcAutoConfiguration.class,
		PlasmaMetricsAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBooleanProperty(name = "plasma.poke.enabled", matchIfMissing = true)
@ConditionalOnBean({ Sequencer.class, ChangeLog.class, ReadRules.class, SyncAccess.class })
public final class PlasmaPokeAutoConfiguration {

	private static DataSource dataSource(ObjectProvider<DataSource> plasmaDataSource, ObjectProvider<DataSource> dataSource) {
		return PlasmaAutoConfiguration.plasmaDataSource(plasmaDataSource, dataSource);
	}

	@Bean
	@ConditionalOnMissingBean
	DedicatedConnectionFactory plasmaDedicatedConnectionFactory(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource) {
		return DedicatedConnectionFactory.of(dataSource(plasmaDataSource, dataSource));
	}

	@Bean
	@ConditionalOnMissingBean
	PokeBus plasmaPokeBus(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, PlasmaDialect dialect, PlasmaProperties properties,
			DedicatedConnectionFactory connections) {
		DataSource source = dataSource(plasmaDataSource, dataSource);
		if (dialect.supportsNotifications()) {
			return new PostgresNotifyPokeBus(source, connections);
		}
		return new PollingPokeBus(source, properties.getPoke().getPollInterval());
	}

	@Bean
	@ConditionalOnMissingBean
	PokeSequencerListener plasmaPokeSequencerListener(PokeBus bus) {
		return new PokeSequencerListener(bus);
	}

	@Bean
	@ConditionalOnMissingBean
	PokeHub plasmaPokeHub(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, ChangeLog changeLog, ReadRules rules, PlasmaProperties properties,
			PokeBus bus, ObjectProvider<PokeObserver> observers) {
		PlasmaProperties.Poke poke = properties.getPoke();
		List<PokeObserver> all = observers.orderedStream().toList();
		PokeObserver observer = new PokeObserver() {

			@Override
			public void pokeSent(PokeTransport transport, long delayMillis) {
				all.forEach((each) -> each.pokeSent(transport, delayMillis));
			}

			@Override
			public void connectionDropped(PokeTransport transport) {
				all.forEach((each) -> each.connectionDropped(transport));
			}

		};
		PokeHub hub = new PokeHub(dataSource(plasmaDataSource, dataSource), changeLog, rules, poke.getMinInterval(),
				poke.getHeartbeat(), poke.getMaxConnections(), poke.getSendThreads(), poke.getSendTimeout(), observer);
		bus.subscribe(hub);
		return hub;
	}

	@Bean
	@ConditionalOnMissingBean
	PokeTokens plasmaPokeTokens(PlasmaProperties properties) {
		return new PokeTokens(properties.getPoke().getTokenSecret(), properties.getPoke().getTokenLifetime(),
				Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	PresenceTable plasmaPresenceTable(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, PlasmaDialect dialect) {
		return new PresenceTable(dataSource(plasmaDataSource, dataSource), DatabaseClock.of(dialect));
	}

	@Bean
	@ConditionalOnMissingBean
	RoomAccess plasmaRoomAccess(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, SyncedTables tables, ReadRules rules, ChangeLog changeLog) {
		return new RoomAccess(dataSource(plasmaDataSource, dataSource), tables, rules, changeLog);
	}

	@Bean
	@ConditionalOnMissingBean
	PresenceRooms plasmaPresenceRooms(PresenceTable table, RoomAccess access, PokeBus bus, PlasmaProperties properties) {
		PresenceRooms rooms = new PresenceRooms(table, access, bus, properties.getPoke().getHeartbeat(),
				properties.getPoke().getPollInterval());
		bus.subscribe(rooms);
		return rooms;
	}

	@Bean
	@ConditionalOnMissingBean
	PokeHandler plasmaPokeHandler(ObjectProvider<JsonMapper> jsonMapper, SyncAccess access, PokeHub hub,
			PokeTokens tokens, PlasmaProperties properties) {
		return new PokeHandler(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), access, hub, tokens,
				properties.getPoke().getSseTimeout(), properties.getWeb().getRetryAfter());
	}

	@Bean
	@ConditionalOnMissingBean(name = "plasmaPokeRouterFunction")
	RouterFunction<ServerResponse> plasmaPokeRouterFunction(PlasmaProperties properties, PokeHandler handler) {
		String base = PlasmaWebMvcAutoConfiguration.basePath(properties);
		return RouterFunctions.route().GET(base + "/poke", handler::poke).POST(base + "/ws-token", handler::wsToken).build();
	}

	/**
	 * Poke and presence meters, with Micrometer.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	@ConditionalOnBean(type = "io.micrometer.core.instrument.MeterRegistry")
	static class PokeMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PokeMetrics plasmaPokeMetrics(ObjectProvider<PokeHub> hub, ObjectProvider<PresenceRooms> presence) {
			return new PokeMetrics(hub::getIfAvailable, presence::getIfAvailable);
		}

	}

	/**
	 * The WebSocket {@code {base}/ws}, when {@code spring-websocket} is on the classpath (the application
	 * adds {@code spring-boot-starter-websocket}).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(WebSocketHandler.class)
	static class PokeWebSocketConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PokeWebSocketHandler plasmaPokeWebSocketHandler(PokeHub hub, PresenceRooms presence,
				ObjectProvider<JsonMapper> jsonMapper, PlasmaProperties properties) {
			return new PokeWebSocketHandler(hub, presence, jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
					properties.getPoke().getHeartbeat(), (int) properties.getPoke().getMaxPresenceState().toBytes());
		}

		@Bean
		@ConditionalOnMissingBean
		PokeTokenInterceptor plasmaPokeTokenInterceptor(PokeTokens tokens, PokeHub hub, PlasmaProperties properties) {
			return new PokeTokenInterceptor(tokens, hub, properties.getWeb().getRetryAfter());
		}

		@Bean
		@ConditionalOnMissingBean(name = "plasmaWebSocketRequestHandler")
		WebSocketHttpRequestHandler plasmaWebSocketRequestHandler(PokeWebSocketHandler handler,
				PokeTokenInterceptor interceptor) {
			WebSocketHttpRequestHandler requestHandler = new WebSocketHttpRequestHandler(handler,
					new DefaultHandshakeHandler());
			requestHandler.setHandshakeInterceptors(List.of(interceptor));
			return requestHandler;
		}

		@Bean
		@ConditionalOnMissingBean(name = "plasmaWebSocketHandlerMapping")
		SimpleUrlHandlerMapping plasmaWebSocketHandlerMapping(PlasmaProperties properties,
				WebSocketHttpRequestHandler plasmaWebSocketRequestHandler) {
			SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(
					Map.of(PlasmaWebMvcAutoConfiguration.basePath(properties) + "/ws", plasmaWebSocketRequestHandler));
			mapping.setOrder(1);
			return mapping;
		}

	}

}

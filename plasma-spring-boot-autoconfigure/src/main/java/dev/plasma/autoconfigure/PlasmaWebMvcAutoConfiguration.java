package dev.plasma.autoconfigure;

import javax.sql.DataSource;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

import dev.plasma.blob.BlobAccess;
import dev.plasma.blob.BlobUploads;
import dev.plasma.clients.ClientGroups;
import dev.plasma.identity.SyncUserResolver;
import dev.plasma.sync.PullProcessor;
import dev.plasma.sync.PushProcessor;
import dev.plasma.sync.SyncObserver;
import dev.plasma.web.BlobHandler;
import dev.plasma.web.ConnectionGate;
import dev.plasma.web.NativeSyncHandler;
import dev.plasma.web.ReplicacheSyncHandler;
import dev.plasma.web.RequestLimits;
import dev.plasma.web.SyncAccess;

/**
 * Serves the sync endpoints in a servlet web application: one {@link RouterFunction} on
 * {@code plasma.web.base-path} routing {@code POST}s to the native and the Replicache handlers (other
 * methods get 405), the {@link SyncAccess} check (user and client-group owner), a {@link ConnectionGate} that answers 503 at once while the database does not give
 * connections, and CORS for the sync endpoints when {@code plasma.web.cors.allowed-origins} is set.
 */
@AutoConfiguration(after = { PlasmaAutoConfiguration.class, PlasmaClientsAutoConfiguration.class,
		PlasmaIdentityAutoConfiguration.class, PlasmaBlobsAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBean({ PushProcessor.class, PullProcessor.class, ClientGroups.class, SyncUserResolver.class })
public final class PlasmaWebMvcAutoConfiguration {

	private static final String[] PATHS = { "/push", "/pull", "/replicache/push", "/replicache/pull" };

	private static JsonMapper jsonMapper(ObjectProvider<JsonMapper> jsonMapper) {
		return jsonMapper.getIfAvailable(() -> JsonMapper.builder().build());
	}

	private static RequestLimits limits(PlasmaProperties properties) {
		return new RequestLimits(properties.getWeb().getMaxPushBodySize().toBytes(),
				properties.getWeb().getMaxPullBodySize().toBytes(), properties.getPush().getMaxMutations());
	}

	static String basePath(PlasmaProperties properties) {
		String base = properties.getWeb().getBasePath();
		return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
	}

	@Bean
	@ConditionalOnMissingBean
	ConnectionGate plasmaConnectionGate(@PlasmaDataSource ObjectProvider<DataSource> plasmaDataSource,
			ObjectProvider<DataSource> dataSource, PlasmaProperties properties) {
		return new ConnectionGate(PlasmaAutoConfiguration.plasmaDataSource(plasmaDataSource, dataSource),
				properties.getWeb().getConnectionWait(), properties.getWeb().getRetryAfter());
	}

	@Bean
	@ConditionalOnMissingBean
	SyncAccess plasmaSyncAccess(SyncUserResolver resolver, ClientGroups clientGroups,
			ObjectProvider<SyncObserver> observers) {
		return new SyncAccess(resolver, clientGroups, SyncObserver.composite(observers.orderedStream().toList()));
	}

	@Bean
	@ConditionalOnMissingBean
	NativeSyncHandler plasmaNativeSyncHandler(ObjectProvider<JsonMapper> jsonMapper, PlasmaProperties properties,
			PushProcessor pushProcessor, PullProcessor pullProcessor, ConnectionGate gate, SyncAccess access) {
		return new NativeSyncHandler(jsonMapper(jsonMapper), limits(properties), pushProcessor, pullProcessor,
				properties.getAcceptedSchemaVersions(), gate, access);
	}

	@Bean
	@ConditionalOnMissingBean
	ReplicacheSyncHandler plasmaReplicacheSyncHandler(ObjectProvider<JsonMapper> jsonMapper,
			PlasmaProperties properties, PushProcessor pushProcessor, PullProcessor pullProcessor,
			ConnectionGate gate, SyncAccess access) {
		return new ReplicacheSyncHandler(jsonMapper(jsonMapper), limits(properties), pushProcessor, pullProcessor,
				properties.getAcceptedSchemaVersions(), gate, access);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean({ BlobUploads.class, BlobAccess.class })
	BlobHandler plasmaBlobHandler(ObjectProvider<JsonMapper> jsonMapper, BlobUploads uploads, BlobAccess access,
			SyncAccess syncAccess, ConnectionGate gate) {
		return new BlobHandler(jsonMapper(jsonMapper), uploads, access, syncAccess, gate);
	}

	@Bean
	@ConditionalOnMissingBean(name = "plasmaRouterFunction")
	RouterFunction<ServerResponse> plasmaRouterFunction(PlasmaProperties properties, NativeSyncHandler nativeHandler,
			ReplicacheSyncHandler replicacheHandler, ObjectProvider<BlobHandler> blobHandler) {
		String base = basePath(properties);
		RouterFunctions.Builder routes = RouterFunctions.route()
			.POST(base + "/push", nativeHandler::push)
			.POST(base + "/pull", nativeHandler::pull)
			.POST(base + "/replicache/push", replicacheHandler::push)
			.POST(base + "/replicache/pull", replicacheHandler::pull);
		for (String path : PATHS) {
			routes.route(RequestPredicates.path(base + path),
					(request) -> ServerResponse.status(HttpStatus.METHOD_NOT_ALLOWED).header(HttpHeaders.ALLOW, "POST").build());
		}
		blobHandler.ifAvailable((blobs) -> routes.OPTIONS(base + "/blobs", blobs::options)
			.PUT(base + "/blobs/{hash}", blobs::put)
			.PATCH(base + "/blobs/{hash}", blobs::patch)
			.HEAD(base + "/blobs/{hash}", blobs::head)
			.GET(base + "/blobs/{hash}", blobs::get));
		return routes.build();
	}

	@Bean
	@ConditionalOnMissingBean(name = "plasmaCorsConfigurer")
	PlasmaCorsConfigurer plasmaCorsConfigurer(PlasmaProperties properties) {
		return new PlasmaCorsConfigurer(basePath(properties), properties.getWeb().getCors());
	}

}

package dev.plasma.autoconfigure;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

import dev.plasma.sync.PullProcessor;
import dev.plasma.sync.PushProcessor;
import dev.plasma.web.NativeSyncHandler;
import dev.plasma.web.ReplicacheSyncHandler;

/**
 * Serves the sync endpoints in a servlet web application: one {@link RouterFunction} on
 * {@code plasma.base-path} routing to the native and the Replicache handlers.
 */
@AutoConfiguration(after = PlasmaAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnBean({ PushProcessor.class, PullProcessor.class })
public final class PlasmaWebMvcAutoConfiguration {

	private static JsonMapper jsonMapper(ObjectProvider<JsonMapper> jsonMapper) {
		return jsonMapper.getIfAvailable(() -> JsonMapper.builder().build());
	}

	@Bean
	@ConditionalOnMissingBean
	NativeSyncHandler plasmaNativeSyncHandler(ObjectProvider<JsonMapper> jsonMapper, PlasmaProperties properties,
			PushProcessor pushProcessor, PullProcessor pullProcessor) {
		return new NativeSyncHandler(jsonMapper(jsonMapper), properties.getPush().getMaxBodySize().toBytes(),
				pushProcessor, pullProcessor, properties.getAcceptedSchemaVersions());
	}

	@Bean
	@ConditionalOnMissingBean
	ReplicacheSyncHandler plasmaReplicacheSyncHandler(ObjectProvider<JsonMapper> jsonMapper,
			PlasmaProperties properties, PushProcessor pushProcessor, PullProcessor pullProcessor) {
		return new ReplicacheSyncHandler(jsonMapper(jsonMapper), properties.getPush().getMaxBodySize().toBytes(),
				pushProcessor, pullProcessor, properties.getAcceptedSchemaVersions());
	}

	@Bean
	@ConditionalOnMissingBean(name = "plasmaRouterFunction")
	RouterFunction<ServerResponse> plasmaRouterFunction(PlasmaProperties properties, NativeSyncHandler nativeHandler,
			ReplicacheSyncHandler replicacheHandler) {
		String base = properties.getBasePath().endsWith("/")
				? properties.getBasePath().substring(0, properties.getBasePath().length() - 1) : properties.getBasePath();
		return RouterFunctions.route()
			.POST(base + "/push", nativeHandler::push)
			.POST(base + "/pull", nativeHandler::pull)
			.POST(base + "/replicache/push", replicacheHandler::push)
			.POST(base + "/replicache/pull", replicacheHandler::pull)
			.build();
	}

}

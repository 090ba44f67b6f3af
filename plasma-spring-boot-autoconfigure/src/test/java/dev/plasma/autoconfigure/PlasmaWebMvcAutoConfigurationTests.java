package dev.plasma.autoconfigure;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.function.ServerRequest;

import dev.plasma.web.NativeSyncHandler;
import dev.plasma.web.ReplicacheSyncHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sync endpoints: served in a servlet web application on {@code plasma.base-path}, absent otherwise.
 */
class PlasmaWebMvcAutoConfigurationTests {

	private static final AtomicInteger DATABASES = new AtomicInteger();

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(DataSourceAutoConfiguration.class,
			PlasmaSchemaAutoConfiguration.class, PlasmaAutoConfiguration.class, PlasmaClientsAutoConfiguration.class,
			PlasmaIdentityAutoConfiguration.class, PlasmaWebMvcAutoConfiguration.class);

	private static String freshDatabase() {
		return "spring.datasource.url=jdbc:h2:mem:web" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
	}

	@Test
	@SuppressWarnings("unchecked")
	void routesBothProtocolsUnderTheDefaultBasePath() {
		new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues(freshDatabase(), "plasma.sequencer.enabled=false")
			.run((context) -> {
				assertThat(context).hasSingleBean(NativeSyncHandler.class).hasSingleBean(ReplicacheSyncHandler.class);
				RouterFunction<?> router = context.getBean("plasmaRouterFunction", RouterFunction.class);
				assertThat(routes(router, "POST", "/plasma/push")).isTrue();
				assertThat(routes(router, "POST", "/plasma/pull")).isTrue();
				assertThat(routes(router, "POST", "/plasma/replicache/push")).isTrue();
				assertThat(routes(router, "POST", "/plasma/replicache/pull")).isTrue();
				assertThat(routes(router, "GET", "/plasma/pull")).as("routed to the 405 answer").isTrue();
				assertThat(routes(router, "POST", "/plasma/other")).isFalse();
			});
	}

	@Test
	void servesUnderTheOldBasePathPropertyUnlessTheNewOneIsSet() {
		new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues(freshDatabase(), "plasma.sequencer.enabled=false", "plasma.base-path=/old",
					"plasma.web.base-path=/new")
			.run((context) -> {
				RouterFunction<?> router = context.getBean("plasmaRouterFunction", RouterFunction.class);
				assertThat(routes(router, "POST", "/new/pull")).isTrue();
				assertThat(routes(router, "POST", "/old/pull")).isFalse();
			});
	}

	@Test
	void corsIsOffUntilAnOriginIsAllowedAndThenCoversOnlyTheSyncEndpoints() {
		WebApplicationContextRunner runner = new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues(freshDatabase(), "plasma.sequencer.enabled=false", "plasma.web.base-path=/sync");
		runner.run((context) -> assertThat(corsMappings(context.getBean(PlasmaCorsConfigurer.class))).isEmpty());
		runner
			.withPropertyValues("plasma.web.cors.allowed-origin-patterns=https://*.example.com",
					"plasma.web.cors.allow-credentials=true", "plasma.web.cors.max-age=1h")
			.run((context) -> {
				java.util.Map<String, CorsConfiguration> mappings = corsMappings(context.getBean(PlasmaCorsConfigurer.class));
				assertThat(mappings).containsOnlyKeys("/sync/blobs/**", "/sync/**");
				assertThat(mappings.get("/sync/blobs/**").getAllowedMethods()).containsExactly("GET", "HEAD", "PUT", "PATCH");
				assertThat(mappings.get("/sync/blobs/**").getExposedHeaders()).contains("Upload-Offset", "ETag");
				CorsConfiguration cors = mappings.get("/sync/**");
				assertThat(cors.getAllowedOrigins()).isEmpty();
				assertThat(cors.checkOrigin("https://app.example.com")).isEqualTo("https://app.example.com");
				assertThat(cors.checkOrigin("https://example.org")).isNull();
				assertThat(cors.getAllowedMethods()).containsExactly("POST");
				assertThat(cors.getAllowCredentials()).isTrue();
				assertThat(cors.getMaxAge()).isEqualTo(3600);
			});
	}

	private static java.util.Map<String, CorsConfiguration> corsMappings(PlasmaCorsConfigurer configurer) {
		CorsRegistry registry = new CorsRegistry() {
		};
		configurer.addCorsMappings(registry);
		return (java.util.Map<String, CorsConfiguration>) org.springframework.test.util.ReflectionTestUtils
			.invokeMethod(registry, "getCorsConfigurations");
	}

	@Test
	void servesUnderAConfiguredBasePath() {
		new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues(freshDatabase(), "plasma.sequencer.enabled=false", "plasma.web.base-path=/api/sync/")
			.run((context) -> {
				RouterFunction<?> router = context.getBean("plasmaRouterFunction", RouterFunction.class);
				assertThat(routes(router, "POST", "/api/sync/pull")).isTrue();
				assertThat(routes(router, "POST", "/plasma/pull")).isFalse();
			});
	}

	@Test
	void servesNothingOutsideAServletWebApplication() {
		new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues(freshDatabase(), "plasma.sequencer.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(NativeSyncHandler.class)
				.doesNotHaveBean("plasmaRouterFunction"));
	}

	private static boolean routes(RouterFunction<?> router, String method, String path) {
		MockHttpServletRequest request = new MockHttpServletRequest(method, path);
		return router.route(ServerRequest.create(request, java.util.List.of())).isPresent();
	}

}

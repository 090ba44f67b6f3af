package dev.plasma.autoconfigure;

import org.springframework.web.servlet.config.annotation.CorsRegistration;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Allows cross-origin {@code POST}s to the sync endpoints (and only to them) from the origins of
 * {@code plasma.web.cors.*}; adds nothing while no origin is allowed.
 */
final class PlasmaCorsConfigurer implements WebMvcConfigurer {

	private final String basePath;

	private final PlasmaProperties.Cors cors;

	PlasmaCorsConfigurer(String basePath, PlasmaProperties.Cors cors) {
		this.basePath = basePath;
		this.cors = cors;
	}

	@Override
	public void addCorsMappings(CorsRegistry registry) {
		if (!this.cors.hasAllowedOrigins()) {
			return;
		}
		CorsRegistration registration = registry.addMapping(this.basePath + "/**")
			.allowedMethods("POST")
			.allowedHeaders(this.cors.getAllowedHeaders().toArray(String[]::new))
			.exposedHeaders("Retry-After")
			.allowCredentials(this.cors.isAllowCredentials())
			.maxAge(this.cors.getMaxAge().toSeconds())
			.allowedOrigins(this.cors.getAllowedOrigins().toArray(String[]::new));
		if (!this.cors.getAllowedOriginPatterns().isEmpty()) {
			registration.allowedOriginPatterns(this.cors.getAllowedOriginPatterns().toArray(String[]::new));
		}
	}

}

package dev.plasma.autoconfigure;

import org.springframework.web.servlet.config.annotation.CorsRegistration;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Allows cross-origin {@code POST}s to the sync endpoints, and {@code GET}, {@code HEAD}, {@code PUT} and
 * {@code PATCH} to the blob endpoints (with the upload headers), and only to them, from the origins of
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
		java.util.List<String> blobHeaders = new java.util.ArrayList<>(this.cors.getAllowedHeaders());
		blobHeaders.addAll(java.util.List.of("Upload-Offset", "Upload-Length", "Range"));
		register(registry.addMapping(this.basePath + "/blobs/**")
			.allowedMethods("GET", "HEAD", "PUT", "PATCH")
			.allowedHeaders(blobHeaders.toArray(String[]::new))
			.exposedHeaders("Retry-After", "Upload-Offset", "Upload-Length", "ETag", "Content-Range"));
		register(registry.addMapping(this.basePath + "/**")
			.allowedMethods("POST")
			.allowedHeaders(this.cors.getAllowedHeaders().toArray(String[]::new))
			.exposedHeaders("Retry-After"));
	}

	private void register(CorsRegistration registration) {
		registration.allowCredentials(this.cors.isAllowCredentials())
			.maxAge(this.cors.getMaxAge().toSeconds())
			.allowedOrigins(this.cors.getAllowedOrigins().toArray(String[]::new));
		if (!this.cors.getAllowedOriginPatterns().isEmpty()) {
			registration.allowedOriginPatterns(this.cors.getAllowedOriginPatterns().toArray(String[]::new));
		}
	}

}

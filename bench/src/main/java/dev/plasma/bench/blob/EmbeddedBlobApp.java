package dev.plasma.bench.blob;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.plasma.blob.BlobStore;
import dev.plasma.identity.SyncUserResolver;

/**
 * A minimal application on the Plasma starter, in this JVM, on a loopback port: one synced table
 * {@code bench_files} with a file column {@code file} that takes any {@code application/octet-stream} up to
 * twice the payload, the blob store under test, and every request made by the user {@code bench}.
 */
final class EmbeddedBlobApp implements AutoCloseable {

	static final String TABLE_DDL = "CREATE TABLE bench_files (id VARCHAR(36) PRIMARY KEY, file VARCHAR(1000))";

	static final String MIME = "application/octet-stream";

	private final ConfigurableApplicationContext context;

	private EmbeddedBlobApp(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Starts the app; {@code bench_files} must exist.
	 * @param jdbcUrl the database
	 * @param user its user (empty password)
	 * @param store {@code database} or {@code filesystem}
	 * @param directory the filesystem store's directory
	 * @param maxSize the largest blob accepted, in bytes
	 * @return the running app
	 */
	static EmbeddedBlobApp start(String jdbcUrl, String user, String store, Path directory, long maxSize) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.main.banner-mode", "off");
		properties.put("server.address", "127.0.0.1");
		properties.put("server.port", "0");
		properties.put("spring.datasource.url", jdbcUrl);
		properties.put("spring.datasource.username", user);
		properties.put("spring.datasource.password", "");
		properties.put("plasma.tables.bench_files.files.file.max-size", maxSize + "B");
		properties.put("plasma.tables.bench_files.files.file.mime-types", MIME);
		properties.put("plasma.blobs.max-size", maxSize + "B");
		properties.put("plasma.blobs.store", store);
		properties.put("plasma.blobs.directory", directory.toString());
		properties.put("plasma.blobs.gc-cron", "-");
		ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.SERVLET)
			.properties(properties)
			.run();
		return new EmbeddedBlobApp(context);
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port");
	}

	BlobStore store() {
		return this.context.getBean(BlobStore.class);
	}

	@Override
	public void close() {
		this.context.close();
	}

	/**
	 * The application: auto-configuration only (no component scan) and one user for every request.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

		@Bean
		SyncUserResolver benchUser() {
			return (request) -> "bench";
		}

	}

}

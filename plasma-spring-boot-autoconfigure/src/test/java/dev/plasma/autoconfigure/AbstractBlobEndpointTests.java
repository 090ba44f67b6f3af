package dev.plasma.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.S3Client;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.http.converter.ByteArrayHttpMessageConverter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.function.HandlerFunction;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

import dev.plasma.identity.SyncUserResolver;
import dev.plasma.schema.PlasmaConfigurationException;
import dev.plasma.sequencer.Sequencer;
import dev.plasma.testsupport.S3ProxyServer;
import dev.plasma.testsupport.TestDatabase;

import static dev.plasma.testsupport.TestBlobs.bytes;
import static dev.plasma.testsupport.TestBlobs.sha256;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code {base}/blobs/{sha256}} over HTTP on one database, with the three shipped stores (S3 on S3Proxy): uploads, their refusals
 * as JSON 4xx leaving nothing, resumable uploads, downloads for the uploader and for readers of a
 * referencing row (404 for anyone else), ranges, references following raw SQL, and start-up validation of
 * file columns.
 */
public abstract class AbstractBlobEndpointTests {

	protected abstract TestDatabase database();

	@TempDir
	Path directory;

	private String url;

	private WebApplicationContextRunner runner;

	@BeforeEach
	void prepareDatabase() {
		this.url = database().freshUrl();
		JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(this.url, database().user(), ""));
		jdbc.execute("CREATE TABLE docs (id VARCHAR(36) PRIMARY KEY, owner VARCHAR(64), file VARCHAR(1000), pages INT)");
		this.runner = new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, PlasmaSchemaAutoConfiguration.class,
					PlasmaAutoConfiguration.class, PlasmaClientsAutoConfiguration.class, PlasmaIdentityAutoConfiguration.class,
					PlasmaS3BlobsAutoConfiguration.class, PlasmaBlobsAutoConfiguration.class,
					PlasmaWebMvcAutoConfiguration.class))
			.withBean(SyncUserResolver.class, () -> (request) -> request.getHeader("X-User"))
			.withPropertyValues("spring.datasource.url=" + this.url, "spring.datasource.username=" + database().user(),
					"spring.datasource.password=", "plasma.sequencer.enabled=false", "plasma.tables.docs.read.user-column=owner",
					"plasma.tables.docs.files.file.max-size=300KB", "plasma.tables.docs.files.file.mime-types=image/*,text/plain",
					"plasma.blobs.max-size=1MB");
	}

	private String bucket;

	/**
	 * Returns the properties selecting a store: a directory for the filesystem store, a fresh bucket on
	 * S3Proxy for the S3 store.
	 */
	private String[] store(String store) {
		if (!"s3".equals(store)) {
			return new String[] { "plasma.blobs.store=" + store, "plasma.blobs.directory=" + this.directory };
		}
		this.bucket = S3ProxyServer.get().createBucket();
		return S3ProxyServer.get().storeProperties(this.bucket);
	}

	/**
	 * Asserts that the store holds no bytes at all.
	 */
	private void assertStoreEmpty(String store, AssertableWebApplicationContext context) throws java.io.IOException {
		switch (store) {
			case "database" -> assertThat(count(context, "SELECT COUNT(*) FROM _plasma_blob_chunks")).isZero();
			case "filesystem" -> {
				try (var files = java.nio.file.Files.walk(this.directory)) {
					assertThat(files.filter(java.nio.file.Files::isRegularFile).toList()).isEmpty();
				}
			}
			default -> assertThat(S3ProxyServer.get().keys(this.bucket)).isEmpty();
		}
	}

	private void run(String store, Consumer<AssertableWebApplicationContext> test) {
		this.runner.withPropertyValues(store(store))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				test.accept(context);
			});
	}

	@SuppressWarnings("unchecked")
	private static MockHttpServletResponse send(AssertableWebApplicationContext context, String method, String path,
			String user, Map<String, String> headers, byte[] body) throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest(method, path);
		if (user != null) {
			request.addHeader("X-User", user);
		}
		headers.forEach(request::addHeader);
		if (headers.containsKey("Content-Type")) {
			request.setContentType(headers.get("Content-Type"));
		}
		request.setContent(body);
		RouterFunction<ServerResponse> router = context.getBean("plasmaRouterFunction", RouterFunction.class);
		List<org.springframework.http.converter.HttpMessageConverter<?>> converters = List.of(new ByteArrayHttpMessageConverter());
		ServerRequest serverRequest = ServerRequest.create(request, converters);
		HandlerFunction<ServerResponse> handler = router.route(serverRequest).orElseThrow();
		MockHttpServletResponse response = new MockHttpServletResponse();
		handler.handle(serverRequest).writeTo(request, response, () -> converters);
		return response;
	}

	private static MockHttpServletResponse put(AssertableWebApplicationContext context, String user, String hash,
			String type, byte[] body) throws Exception {
		return send(context, "PUT", "/plasma/blobs/" + hash, user, Map.of("Content-Type", type), body);
	}

	private static long count(AssertableWebApplicationContext context, String sql) {
		return new JdbcTemplate(context.getBean(javax.sql.DataSource.class)).queryForObject(sql, Long.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "database", "filesystem", "s3" })
	void anUploadedBlobIsServedToItsUploaderAndToReadersOfAReferencingRowOnly(String store) throws Exception {
		run(store, (context) -> {
			try {
				byte[] content = bytes(100_000, 1);
				String hash = sha256(content);
				MockHttpServletResponse upload = put(context, "alice", hash, "image/png", content);
				assertThat(upload.getStatus()).isEqualTo(201);
				assertThat(upload.getContentAsString()).contains("\"state\":\"present\"");
				assertThat(put(context, "alice", hash, "image/png", content).getStatus()).as("deduplicated").isEqualTo(200);
				MockHttpServletResponse download = send(context, "GET", "/plasma/blobs/" + hash, "alice", Map.of(), new byte[0]);
				assertThat(download.getStatus()).isEqualTo(200);
				assertThat(download.getContentAsByteArray()).isEqualTo(content);
				assertThat(download.getHeader("Content-Type")).isEqualTo("image/png");
				assertThat(download.getHeader("Content-Length")).isEqualTo("100000");
				assertThat(download.getHeader("ETag")).isEqualTo("\"" + hash + "\"");
				assertThat(download.getHeader("Cache-Control")).isEqualTo("private, immutable");
				MockHttpServletResponse range = send(context, "GET", "/plasma/blobs/" + hash, "alice",
						Map.of("Range", "bytes=10-19"), new byte[0]);
				assertThat(range.getStatus()).isEqualTo(206);
				assertThat(range.getHeader("Content-Range")).isEqualTo("bytes 10-19/100000");
				assertThat(range.getContentAsByteArray()).isEqualTo(java.util.Arrays.copyOfRange(content, 10, 20));
				assertThat(send(context, "GET", "/plasma/blobs/" + hash, "alice", Map.of("Range", "bytes=200000-"), new byte[0])
					.getStatus()).isEqualTo(416);
				assertThat(send(context, "GET", "/plasma/blobs/" + hash, "bob", Map.of(), new byte[0]).getStatus()).isEqualTo(404);
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
				String reference = "{\"hash\":\"" + hash + "\",\"size\":100000,\"mime\":\"image/png\"}";
				jdbc.update("INSERT INTO docs (id, owner, file) VALUES ('d1', 'bob', ?)", reference);
				context.getBean(Sequencer.class).flush();
				assertThat(count(context, "SELECT COUNT(*) FROM _plasma_blob_refs WHERE hash = '" + hash + "'")).isOne();
				assertThat(send(context, "GET", "/plasma/blobs/" + hash, "bob", Map.of(), new byte[0]).getStatus()).isEqualTo(200);
				assertThat(send(context, "GET", "/plasma/blobs/" + hash, "carol", Map.of(), new byte[0]).getStatus()).isEqualTo(404);
				jdbc.update("UPDATE docs SET owner = 'carol' WHERE id = 'd1'");
				context.getBean(Sequencer.class).flush();
				assertThat(send(context, "GET", "/plasma/blobs/" + hash, "bob", Map.of(), new byte[0]).getStatus()).isEqualTo(404);
				assertThat(send(context, "GET", "/plasma/blobs/" + hash, "carol", Map.of(), new byte[0]).getStatus()).isEqualTo(200);
				jdbc.update("DELETE FROM docs WHERE id = 'd1'");
				context.getBean(Sequencer.class).flush();
				assertThat(count(context, "SELECT COUNT(*) FROM _plasma_blob_refs")).isZero();
				assertThat(count(context, "SELECT COUNT(*) FROM _plasma_blobs WHERE unreferenced_since IS NOT NULL")).isOne();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "database", "filesystem", "s3" })
	void badUploadsAreRefusedWithAJsonErrorAndLeaveNothing(String store) throws Exception {
		run(store, (context) -> {
			try {
				byte[] content = bytes(1000, 2);
				String hash = sha256(content);
				MockHttpServletResponse mismatch = put(context, "alice", sha256(bytes(1000, 3)), "image/png", content);
				assertThat(mismatch.getStatus()).isEqualTo(400);
				assertThat(mismatch.getContentAsString()).contains("\"error\":\"HashMismatch\"");
				assertThat(put(context, "alice", "not-a-hash", "image/png", content).getContentAsString())
					.contains("\"error\":\"BadHash\"");
				assertThat(put(context, "alice", hash.toUpperCase(), "image/png", content).getStatus()).isEqualTo(400);
				byte[] large = bytes(300 * 1024 + 1, 4);
				MockHttpServletResponse oversize = put(context, "alice", sha256(large), "image/png", large);
				assertThat(oversize.getStatus()).isEqualTo(413);
				assertThat(oversize.getContentAsString()).contains("\"error\":\"TooLarge\"");
				MockHttpServletResponse type = put(context, "alice", hash, "application/zip", content);
				assertThat(type.getStatus()).isEqualTo(415);
				assertThat(type.getContentAsString()).contains("\"error\":\"TypeNotAllowed\"");
				assertThat(put(context, null, hash, "image/png", content).getStatus()).isEqualTo(401);
				assertThat(count(context, "SELECT COUNT(*) FROM _plasma_blobs")).isZero();
				assertStoreEmpty(store, context);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "database", "filesystem", "s3" })
	void anUploadCutShortResumesWithHeadAndPatch(String store) throws Exception {
		run(store, (context) -> {
			try {
				byte[] content = bytes(5000, 5);
				String hash = sha256(content);
				MockHttpServletResponse first = send(context, "PUT", "/plasma/blobs/" + hash, "alice",
						Map.of("Content-Type", "text/plain", "Upload-Length", "5000"), java.util.Arrays.copyOf(content, 2000));
				assertThat(first.getStatus()).isEqualTo(202);
				assertThat(first.getHeader("Upload-Offset")).isEqualTo("2000");
				MockHttpServletResponse head = send(context, "HEAD", "/plasma/blobs/" + hash, "alice", Map.of(), new byte[0]);
				assertThat(head.getStatus()).isEqualTo(200);
				assertThat(head.getHeader("Upload-Offset")).isEqualTo("2000");
				assertThat(head.getHeader("Upload-Length")).isEqualTo("5000");
				assertThat(send(context, "HEAD", "/plasma/blobs/" + hash, "bob", Map.of(), new byte[0]).getStatus()).isEqualTo(404);
				MockHttpServletResponse wrong = send(context, "PATCH", "/plasma/blobs/" + hash, "alice",
						Map.of("Upload-Offset", "1999"), java.util.Arrays.copyOfRange(content, 1999, 5000));
				assertThat(wrong.getStatus()).isEqualTo(409);
				assertThat(wrong.getHeader("Upload-Offset")).isEqualTo("2000");
				assertThat(wrong.getContentAsString()).contains("\"error\":\"OffsetMismatch\"");
				MockHttpServletResponse rest = send(context, "PATCH", "/plasma/blobs/" + hash, "alice",
						Map.of("Upload-Offset", "2000"), java.util.Arrays.copyOfRange(content, 2000, 5000));
				assertThat(rest.getStatus()).isEqualTo(200);
				assertThat(rest.getContentAsString()).contains("\"state\":\"present\"");
				assertThat(send(context, "GET", "/plasma/blobs/" + hash, "alice", Map.of(), new byte[0]).getContentAsByteArray())
					.isEqualTo(content);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	@Test
	void aFileColumnThatDoesNotExistOrCannotHoldJsonStopsTheApplication() {
		this.runner.withPropertyValues("plasma.tables.docs.files.missing.max-size=1MB")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(PlasmaConfigurationException.class)
				.hasMessageContaining("plasma.tables.docs.files.missing names no column of table 'docs'"));
		this.runner.withPropertyValues("plasma.tables.docs.files.pages.immutable=false")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(PlasmaConfigurationException.class)
				.hasMessageContaining("cannot hold a file reference's JSON"));
		this.runner.withPropertyValues("plasma.tables.docs.files.file.max-sise=1MB")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(PlasmaConfigurationException.class)
				.hasMessageContaining("unknown key 'plasma.tables.docs.files.file.max-sise'"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "database", "filesystem", "s3" })
	void aSecondUserWhoseBytesHashToAPresentBlobMayDownloadAndReferenceIt(String store) throws Exception {
		run(store, (context) -> {
			try {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
				context.getBean(dev.plasma.mutation.MutatorRegistry.class).register("setFile", (args, mutation) -> jdbc.update(
						"INSERT INTO docs (id, owner, file) VALUES (?, ?, ?)", args.get("id").stringValue(), mutation.userName(),
						"{\"hash\":\"" + args.get("hash").stringValue() + "\"}"));
				byte[] content = bytes(5000, 31);
				String hash = sha256(content);
				assertThat(put(context, "alice", hash, "text/plain", content).getStatus()).isEqualTo(201);
				assertThat(send(context, "GET", "/plasma/blobs/" + hash, "bob", Map.of(), new byte[0]).getStatus()).isEqualTo(404);
				MockHttpServletResponse guess = put(context, "carol", hash, "text/plain", bytes(5000, 32));
				assertThat(guess.getStatus()).isEqualTo(400);
				assertThat(guess.getContentAsString()).contains("\"error\":\"HashMismatch\"");
				assertThat(send(context, "GET", "/plasma/blobs/" + hash, "carol", Map.of(), new byte[0]).getStatus()).isEqualTo(404);
				assertThat(push(context, "carol", 1, "c1", hash)).isEqualTo(dev.plasma.sync.MutationOutcome.FAILED);
				assertThat(put(context, "bob", hash, "text/plain", content).getStatus()).isEqualTo(200);
				assertThat(send(context, "GET", "/plasma/blobs/" + hash, "bob", Map.of(), new byte[0]).getContentAsByteArray())
					.isEqualTo(content);
				assertThat(push(context, "bob", 1, "b1", hash)).isEqualTo(dev.plasma.sync.MutationOutcome.APPLIED);
				assertThat(count(context, "SELECT COUNT(*) FROM _plasma_blob_uploaders WHERE hash = '" + hash + "'")).isEqualTo(2);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	@Test
	void storeSettingsThatCannotWorkStopTheApplication() {
		this.runner.withPropertyValues("plasma.blobs.store=s3", "plasma.blobs.s3.bucket=b", "plasma.blobs.s3.region=eu-west-1")
			.withClassLoader(new FilteredClassLoader(S3Client.class))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(PlasmaConfigurationException.class)
				.hasMessageContaining("plasma.blobs.store=s3 needs the AWS SDK's S3 client"));
		this.runner.withPropertyValues("plasma.blobs.store=s3", "plasma.blobs.s3.region=eu-west-1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(PlasmaConfigurationException.class)
				.hasMessageContaining("needs plasma.blobs.s3.bucket"));
		this.runner.withPropertyValues("plasma.blobs.store=filesystem")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(PlasmaConfigurationException.class)
				.hasMessageContaining("needs plasma.blobs.directory"));
		this.runner.withPropertyValues("plasma.blobs.max-references-checked=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(PlasmaConfigurationException.class)
				.hasMessageContaining("plasma.blobs.max-references-checked must be at least 1"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "database", "filesystem", "s3" })
	void blobsUnreferencedBeyondTheGraceAreCollectedAndReReferencedOnesStay(String store) throws Exception {
		this.runner.withPropertyValues(store(store)).withPropertyValues("plasma.blobs.orphan-grace=300ms").run((context) -> {
			try {
				assertThat(context).hasNotFailed();
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
				byte[] first = bytes(2000, 11);
				byte[] second = bytes(3000, 12);
				String gone = sha256(first);
				String kept = sha256(second);
				assertThat(put(context, "alice", gone, "text/plain", first).getStatus()).isEqualTo(201);
				assertThat(put(context, "alice", kept, "text/plain", second).getStatus()).isEqualTo(201);
				jdbc.update("INSERT INTO docs (id, owner, file) VALUES ('a', 'alice', ?)", "{\"hash\":\"" + gone + "\"}");
				jdbc.update("INSERT INTO docs (id, owner, file) VALUES ('b', 'alice', ?)", "{\"hash\":\"" + kept + "\"}");
				context.getBean(Sequencer.class).flush();
				jdbc.update("DELETE FROM docs");
				context.getBean(Sequencer.class).flush();
				jdbc.update("INSERT INTO docs (id, owner, file) VALUES ('c', 'bob', ?)", "{\"hash\":\"" + kept + "\"}");
				context.getBean(Sequencer.class).flush();
				Thread.sleep(400);
				dev.plasma.blob.BlobCollection collection = new dev.plasma.actuate.PlasmaEndpoint(
						new dev.plasma.changelog.ChangeLogStatusReader(context.getBean(javax.sql.DataSource.class),
								context.getBean(dev.plasma.dialect.PlasmaDialect.class), java.time.Duration.ofSeconds(1)),
						null, context.getBean(dev.plasma.blob.BlobCollector.class))
					.operation("gcOrphanedBlobs")
					.getBody();
				assertThat(collection.ran()).isTrue();
				assertThat(collection.orphaned()).isOne();
				assertThat(collection.bytesCollected()).isEqualTo(2000);
				assertThat(jdbc.queryForObject("SELECT state FROM _plasma_blobs WHERE hash = ?", String.class, gone))
					.isEqualTo("orphaned");
				assertThat(jdbc.queryForObject("SELECT state FROM _plasma_blobs WHERE hash = ?", String.class, kept))
					.isEqualTo("present");
				assertThat(context.getBean(dev.plasma.blob.BlobStore.class).contains(gone)).isFalse();
				assertThat(send(context, "GET", "/plasma/blobs/" + gone, "alice", Map.of(), new byte[0]).getStatus()).isEqualTo(404);
				assertThat(send(context, "GET", "/plasma/blobs/" + kept, "bob", Map.of(), new byte[0]).getContentAsByteArray())
					.isEqualTo(second);
				assertThat(put(context, "alice", gone, "text/plain", first).getStatus()).as("uploaded again").isEqualTo(201);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	@ParameterizedTest
	@ValueSource(strings = { "database", "filesystem", "s3" })
	void aMutationMayReferenceOnlyBlobsItsUserUploadedOrCanReadAndNeverReplaceAnImmutableOne(String store) throws Exception {
		run(store, (context) -> {
			try {
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
				context.getBean(dev.plasma.mutation.MutatorRegistry.class).register("setFile", (args, mutation) -> {
					String id = args.get("id").stringValue();
					String file = "{\"hash\":\"" + args.get("hash").stringValue() + "\"}";
					if (jdbc.update("UPDATE docs SET file = ? WHERE id = ?", file, id) == 0) {
						jdbc.update("INSERT INTO docs (id, owner, file) VALUES (?, ?, ?)", id, mutation.userName(), file);
					}
				});
				byte[] first = bytes(1000, 21);
				byte[] second = bytes(1000, 22);
				String x = sha256(first);
				String y = sha256(second);
				assertThat(put(context, "alice", x, "text/plain", first).getStatus()).isEqualTo(201);
				assertThat(put(context, "alice", y, "text/plain", second).getStatus()).isEqualTo(201);
				assertThat(push(context, "bob", 1, "b1", x)).as("bob never uploaded nor read x")
					.isEqualTo(dev.plasma.sync.MutationOutcome.FAILED);
				assertThat(push(context, "alice", 1, "a1", x)).isEqualTo(dev.plasma.sync.MutationOutcome.APPLIED);
				context.getBean(Sequencer.class).flush();
				assertThat(push(context, "bob", 2, "b1", x)).as("alice's row is not bob's to read")
					.isEqualTo(dev.plasma.sync.MutationOutcome.FAILED);
				assertThat(push(context, "alice", 2, "a1", y)).as("immutable")
					.isEqualTo(dev.plasma.sync.MutationOutcome.FAILED);
				assertThat(push(context, "alice", 3, "a2", y)).isEqualTo(dev.plasma.sync.MutationOutcome.APPLIED);
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM docs", Long.class)).isEqualTo(2);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	private static dev.plasma.sync.MutationOutcome push(AssertableWebApplicationContext context, String user, long id,
			String rowId, String hash) {
		tools.jackson.databind.JsonNode args = tools.jackson.databind.json.JsonMapper.builder()
			.build()
			.readTree("{\"id\":\"" + rowId + "\",\"hash\":\"" + hash + "\"}");
		return context.getBean(dev.plasma.sync.PushProcessor.class)
			.push("group-" + user, user, List.of(new dev.plasma.sync.PushMutation("client-" + user, id, "setFile", args, 0)))
			.get(0)
			.outcome();
	}

}

package dev.plasma.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.S3Client;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
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
@ExtendWith(OutputCaptureExtension.class)
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

	/**
	 * Waits (at most 5 s) for the background derivation of references to make a count reach a value.
	 */
	private static void awaitCount(AssertableWebApplicationContext context, String sql, long expected)
			throws InterruptedException {
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
		while (count(context, sql) != expected && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(count(context, sql)).as(sql).isEqualTo(expected);
	}

	@Test
	void compactionDerivesTheReferencesOfEntriesItIsAboutToFold() {
		run("database", (context) -> {
			try {
				byte[] content = bytes(2000, 21);
				String hash = sha256(content);
				assertThat(put(context, "alice", hash, "text/plain", content).getStatus()).isEqualTo(201);
				javax.sql.DataSource dataSource = context.getBean(javax.sql.DataSource.class);
				JdbcTemplate jdbc = new JdbcTemplate(dataSource);
				jdbc.update("INSERT INTO docs (id, owner, file) VALUES ('d1', 'alice', ?)",
						"{\"hash\":\"" + hash + "\",\"size\":2000,\"mime\":\"text/plain\"}");
				context.getBean(Sequencer.class).flush();
				awaitCount(context, "SELECT COUNT(*) FROM _plasma_blob_refs", 1);
				jdbc.update("DELETE FROM docs WHERE id = 'd1'");
				dev.plasma.dialect.PlasmaDialect dialect = context.getBean(dev.plasma.dialect.PlasmaDialect.class);
				Sequencer silent = new Sequencer(dataSource, dialect, 1000, List.of(),
						new dev.plasma.changelog.PendingScope("0", "0"));
				long head = silent.flush();
				assertThat(count(context, "SELECT COUNT(*) FROM _plasma_blob_refs")).as("the delete is not derived yet")
					.isOne();
				new dev.plasma.compaction.ChangeLogCompactor(dataSource, dialect, 100,
						List.of(context.getBean(dev.plasma.blob.BlobReferenceTracker.class)))
					.compactChangeLog(head);
				assertThat(count(context, "SELECT COUNT(*) FROM _plasma_changes")).as("the row's entries are folded away")
					.isZero();
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
				awaitCount(context, "SELECT COUNT(*) FROM _plasma_blob_refs WHERE hash = '" + hash + "'", 1);
				assertThat(send(context, "GET", "/plasma/blobs/" + hash, "bob", Map.of(), new byte[0]).getStatus()).isEqualTo(200);
				assertThat(send(context, "GET", "/plasma/blobs/" + hash, "carol", Map.of(), new byte[0]).getStatus()).isEqualTo(404);
				jdbc.update("UPDATE docs SET owner = 'carol' WHERE id = 'd1'");
				context.getBean(Sequencer.class).flush();
				assertThat(send(context, "GET", "/plasma/blobs/" + hash, "bob", Map.of(), new byte[0]).getStatus()).isEqualTo(404);
				assertThat(send(context, "GET", "/plasma/blobs/" + hash, "carol", Map.of(), new byte[0]).getStatus()).isEqualTo(200);
				jdbc.update("DELETE FROM docs WHERE id = 'd1'");
				context.getBean(Sequencer.class).flush();
				awaitCount(context, "SELECT COUNT(*) FROM _plasma_blob_refs", 0);
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
				assertThat(first.getHeader("Tus-Resumable")).isEqualTo("1.0.0");
				MockHttpServletResponse head = send(context, "HEAD", "/plasma/blobs/" + hash, "alice",
						Map.of("Tus-Resumable", "1.0.0"), new byte[0]);
				assertThat(head.getStatus()).isEqualTo(200);
				assertThat(head.getHeader("Upload-Offset")).isEqualTo("2000");
				assertThat(head.getHeader("Upload-Length")).isEqualTo("5000");
				assertThat(head.getHeader("Tus-Resumable")).isEqualTo("1.0.0");
				assertThat(head.getHeader("Cache-Control")).isEqualTo("no-store");
				MockHttpServletResponse bobsHead = send(context, "HEAD", "/plasma/blobs/" + hash, "bob", Map.of(), new byte[0]);
				assertThat(bobsHead.getStatus()).isEqualTo(404);
				assertThat(bobsHead.getHeader("Tus-Resumable")).isEqualTo("1.0.0");
				assertThat(bobsHead.getHeader("Cache-Control")).isEqualTo("no-store");
				MockHttpServletResponse wrong = send(context, "PATCH", "/plasma/blobs/" + hash, "alice",
						patchHeaders("1999"), java.util.Arrays.copyOfRange(content, 1999, 5000));
				assertThat(wrong.getStatus()).isEqualTo(409);
				assertThat(wrong.getHeader("Upload-Offset")).isEqualTo("2000");
				assertThat(wrong.getHeader("Tus-Resumable")).isEqualTo("1.0.0");
				assertThat(wrong.getContentAsString()).contains("\"error\":\"OffsetMismatch\"");
				MockHttpServletResponse rest = send(context, "PATCH", "/plasma/blobs/" + hash, "alice",
						patchHeaders("2000"), java.util.Arrays.copyOfRange(content, 2000, 5000));
				assertThat(rest.getStatus()).isEqualTo(200);
				assertThat(rest.getHeader("Tus-Resumable")).isEqualTo("1.0.0");
				assertThat(rest.getHeader("Upload-Offset")).isEqualTo("5000");
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
	void aPatchWithoutTheTusContentTypeIs415AndARequestForAnotherTusVersionIs412AndBothLeaveTheUploadAsItWas() {
		run("database", (context) -> {
			try {
				byte[] content = bytes(3000, 6);
				String hash = sha256(content);
				assertThat(send(context, "PUT", "/plasma/blobs/" + hash, "alice",
						Map.of("Content-Type", "text/plain", "Upload-Length", "3000"), java.util.Arrays.copyOf(content, 1000))
					.getStatus()).isEqualTo(202);
				byte[] rest = java.util.Arrays.copyOfRange(content, 1000, 3000);
				MockHttpServletResponse octets = send(context, "PATCH", "/plasma/blobs/" + hash, "alice",
						Map.of("Upload-Offset", "1000", "Content-Type", "application/octet-stream"), rest);
				assertThat(octets.getStatus()).isEqualTo(415);
				assertThat(octets.getHeader("Tus-Resumable")).isEqualTo("1.0.0");
				assertThat(octets.getContentAsString()).contains("\"error\":\"UnsupportedMediaType\"")
					.contains("application/offset+octet-stream");
				assertThat(send(context, "PATCH", "/plasma/blobs/" + hash, "alice", Map.of("Upload-Offset", "1000"), rest)
					.getStatus()).as("no Content-Type").isEqualTo(415);
				for (String method : List.of("PATCH", "HEAD", "PUT")) {
					Map<String, String> headers = new java.util.HashMap<>(patchHeaders("1000"));
					headers.put("Tus-Resumable", "0.2.2");
					MockHttpServletResponse old = send(context, method, "/plasma/blobs/" + hash, "alice", headers, rest);
					assertThat(old.getStatus()).as(method).isEqualTo(412);
					assertThat(old.getHeader("Tus-Version")).as(method).isEqualTo("1.0.0");
					assertThat(old.getHeader("Tus-Resumable")).as(method).isEqualTo("1.0.0");
					assertThat(old.getContentAsString()).as(method).contains("\"error\":\"UnsupportedTusVersion\"");
				}
				MockHttpServletResponse head = send(context, "HEAD", "/plasma/blobs/" + hash, "alice", Map.of(), new byte[0]);
				assertThat(head.getHeader("Upload-Offset")).isEqualTo("1000");
				MockHttpServletResponse done = send(context, "PATCH", "/plasma/blobs/" + hash, "alice",
						Map.of("Upload-Offset", "1000", "Content-Type", "Application/Offset+Octet-Stream; x=y",
								"Tus-Resumable", "1.0.0"),
						rest);
				assertThat(done.getStatus()).isEqualTo(200);
				assertThat(done.getContentAsString()).contains("\"state\":\"present\"");
				MockHttpServletResponse download = send(context, "GET", "/plasma/blobs/" + hash, "alice",
						Map.of("Tus-Resumable", "0.2.2"), new byte[0]);
				assertThat(download.getStatus()).as("GET is not tus").isEqualTo(200);
				assertThat(download.getContentAsByteArray()).isEqualTo(content);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	private static Map<String, String> patchHeaders(String offset) {
		return Map.of("Upload-Offset", offset, "Content-Type", "application/offset+octet-stream", "Tus-Resumable", "1.0.0");
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
						file(args)));
				byte[] content = bytes(5000, 31);
				String hash = sha256(content);
				assertThat(put(context, "alice", hash, "text/plain", content).getStatus()).isEqualTo(201);
				assertThat(send(context, "GET", "/plasma/blobs/" + hash, "bob", Map.of(), new byte[0]).getStatus()).isEqualTo(404);
				MockHttpServletResponse guess = put(context, "carol", hash, "text/plain", bytes(5000, 32));
				assertThat(guess.getStatus()).isEqualTo(400);
				assertThat(guess.getContentAsString()).contains("\"error\":\"HashMismatch\"");
				assertThat(send(context, "GET", "/plasma/blobs/" + hash, "carol", Map.of(), new byte[0]).getStatus()).isEqualTo(404);
				assertThat(push(context, "carol", 1, "c1", reference(hash, 5000, "text/plain")))
					.isEqualTo(dev.plasma.sync.MutationOutcome.FAILED);
				assertThat(put(context, "bob", hash, "text/plain", content).getStatus()).isEqualTo(200);
				assertThat(send(context, "GET", "/plasma/blobs/" + hash, "bob", Map.of(), new byte[0]).getContentAsByteArray())
					.isEqualTo(content);
				assertThat(push(context, "bob", 1, "b1", reference(hash, 5000, "text/plain")))
					.isEqualTo(dev.plasma.sync.MutationOutcome.APPLIED);
				assertThat(count(context, "SELECT COUNT(*) FROM _plasma_blob_uploaders WHERE hash = '" + hash + "'")).isEqualTo(2);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	@Test
	void aMutationsReferenceMustBeWellFormedAndClaimTheSizeAndTypeTheBlobWasUploadedWith(CapturedOutput output) {
		List<dev.plasma.sync.FailureReason> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
		this.runner.withPropertyValues(store("database"))
			.withBean(dev.plasma.sync.SyncObserver.class, () -> new dev.plasma.sync.SyncObserver() {
				@Override
				public void mutationFailed(dev.plasma.sync.FailureReason reason) {
					failures.add(reason);
				}
			})
			.run((context) -> {
				try {
					JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
					context.getBean(dev.plasma.mutation.MutatorRegistry.class).register("setFile", (args, mutation) -> jdbc.update(
							"INSERT INTO docs (id, owner, file) VALUES (?, ?, ?)", args.get("id").stringValue(), mutation.userName(),
							file(args)));
					byte[] content = bytes(1000, 41);
					String hash = sha256(content);
					String html = sha256(bytes(500, 42));
					String never = sha256(bytes(10, 43));
					assertThat(put(context, "alice", hash, "text/plain; charset=utf-8", content).getStatus()).isEqualTo(201);
					assertThat(put(context, "bob", html, "text/plain", bytes(500, 42)).getStatus()).isEqualTo(201);
					long id = 0;
					Map<String, String> denials = new java.util.LinkedHashMap<>();
					denials.put(reference(hash, 999, "text/plain"), "claims 999 bytes; the file " + hash + " has 1000");
					denials.put(reference(hash, 1000, "image/png"),
							"claims another MIME type than the file " + hash + " was uploaded with (text/plain)");
					denials.put(reference(hash, 1000, "application/zip"),
							"the reference's MIME type is not one docs.file accepts (image/*, text/plain)");
					denials.put(reference(hash, 400_000, "text/plain"), "is more than docs.file accepts (307200)");
					String notAReference = "the value of docs.file is not a file reference";
					for (String malformed : List.of("\"not json\"", "\"[\\\"" + hash + "\\\"]\"", "[1]", "42",
							"{\"hash\":\"" + hash.toUpperCase(java.util.Locale.ROOT) + "\",\"size\":1000,\"mime\":\"text/plain\"}",
							"{\"hash\":\"" + hash + "\",\"size\":-1,\"mime\":\"text/plain\"}",
							"{\"hash\":\"" + hash + "\",\"size\":1000.5,\"mime\":\"text/plain\"}",
							"{\"hash\":\"" + hash + "\",\"size\":\"1000\",\"mime\":\"text/plain\"}",
							"{\"hash\":\"" + hash + "\",\"size\":1000}",
							"{\"hash\":\"" + hash + "\",\"size\":1000,\"mime\":\" \"}",
							"{\"hash\":\"" + hash + "\",\"size\":1000,\"mime\":\"text/plain\",\"name\":7}")) {
						denials.put(malformed, notAReference);
					}
					for (Map.Entry<String, String> denial : denials.entrySet()) {
						assertThat(push(context, "alice", ++id, "d" + id, denial.getKey())).as(denial.getKey())
							.isEqualTo(dev.plasma.sync.MutationOutcome.FAILED);
						assertThat(output.getAll()).as(denial.getKey()).contains(denial.getValue());
					}
					assertThat(failures).hasSize(denials.size()).containsOnly(dev.plasma.sync.FailureReason.DENIED);
					assertThat(count(context, "SELECT COUNT(*) FROM docs")).isZero();

					String forbidden = "the file " + html + " was neither uploaded by the user nor is it readable to them";
					String absent = "the file " + never + " was neither uploaded by the user nor is it readable to them";
					assertThat(push(context, "alice", ++id, "d" + id, reference(html, 500, "text/plain")))
						.isEqualTo(dev.plasma.sync.MutationOutcome.FAILED);
					assertThat(push(context, "alice", ++id, "d" + id, reference(never, 500, "text/plain")))
						.isEqualTo(dev.plasma.sync.MutationOutcome.FAILED);
					assertThat(push(context, "alice", ++id, "d" + id, reference(html, 1, "image/png")))
						.as("a wrong claim about a blob the user may not use tells nothing about it")
						.isEqualTo(dev.plasma.sync.MutationOutcome.FAILED);
					assertThat(output.getAll()).contains(forbidden, absent);
					assertThat(output.getAll()).doesNotContain("the file " + html + " has").doesNotContain(html + " was uploaded with");

					assertThat(push(context, "alice", ++id, "ok", "{\"hash\":\"" + hash
							+ "\",\"size\":1000,\"mime\":\"Text/Plain; charset=utf-8\",\"name\":\"notes.txt\"}"))
						.isEqualTo(dev.plasma.sync.MutationOutcome.APPLIED);
					assertThat(jdbc.queryForObject("SELECT file FROM docs WHERE id = 'ok'", String.class)).contains(hash, "notes.txt");
					assertThat(failures).hasSize(denials.size() + 3).containsOnly(dev.plasma.sync.FailureReason.DENIED);
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
				context.getBean(dev.plasma.blob.BlobReferenceTracker.class).catchUpIfBehind();
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
					String file = file(args);
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
				String refX = reference(x, 1000, "text/plain");
				String refY = reference(y, 1000, "text/plain");
				assertThat(push(context, "bob", 1, "b1", refX)).as("bob never uploaded nor read x")
					.isEqualTo(dev.plasma.sync.MutationOutcome.FAILED);
				assertThat(push(context, "alice", 1, "a1", refX)).isEqualTo(dev.plasma.sync.MutationOutcome.APPLIED);
				context.getBean(Sequencer.class).flush();
				assertThat(push(context, "bob", 2, "b1", refX)).as("alice's row is not bob's to read")
					.isEqualTo(dev.plasma.sync.MutationOutcome.FAILED);
				assertThat(push(context, "alice", 2, "a1", refY)).as("immutable")
					.isEqualTo(dev.plasma.sync.MutationOutcome.FAILED);
				assertThat(push(context, "alice", 3, "a2", refY)).isEqualTo(dev.plasma.sync.MutationOutcome.APPLIED);
				assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM docs", Long.class)).isEqualTo(2);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	private static String reference(String hash, long size, String mime) {
		return "{\"hash\":\"" + hash + "\",\"size\":" + size + ",\"mime\":\"" + mime + "\"}";
	}

	/**
	 * Returns the {@code file} argument of a {@code setFile} mutation as the column's text: a JSON string
	 * verbatim, anything else as its JSON.
	 */
	private static String file(tools.jackson.databind.JsonNode args) {
		tools.jackson.databind.JsonNode file = args.get("file");
		return file.isString() ? file.stringValue() : file.toString();
	}

	/**
	 * Pushes {@code setFile} of a row with {@code file}, a JSON value: an object is written as its JSON, a
	 * string as its text.
	 */
	private static dev.plasma.sync.MutationOutcome push(AssertableWebApplicationContext context, String user, long id,
			String rowId, String file) {
		tools.jackson.databind.JsonNode args = tools.jackson.databind.json.JsonMapper.builder()
			.build()
			.readTree("{\"id\":\"" + rowId + "\",\"file\":" + file + "}");
		return context.getBean(dev.plasma.sync.PushProcessor.class)
			.push("group-" + user, user, List.of(new dev.plasma.sync.PushMutation("client-" + user, id, "setFile", args, 0)))
			.get(0)
			.outcome();
	}

}

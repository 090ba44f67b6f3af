package dev.plasma.web;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.plasma.identity.SyncUserResolver;
import dev.plasma.testsupport.S3ProxyServer;
import dev.plasma.testsupport.TestDatabase;

import static dev.plasma.testsupport.TestBlobs.bytes;
import static dev.plasma.testsupport.TestBlobs.sha256;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Blob uploads through a real embedded server on one database, with each of the three stores (S3 on
 * S3Proxy): a connection dropped in the middle of a body keeps what arrived and the upload resumes from the
 * offset {@code HEAD} reports, concurrent uploads of one hash end with one stored copy, and a second
 * {@code PATCH} of an upload another request is sending is refused without disturbing it.
 */
public abstract class AbstractBlobHttpTests {

	private static final int MB = 1024 * 1024;

	private static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";

	protected abstract TestDatabase database();

	@TempDir
	Path directory;

	private ConfigurableApplicationContext context;

	private String base;

	private String bucket;

	private final HttpClient http = HttpClient.newHttpClient();

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
	}

	private void start(String store) {
		String url = database().freshUrl();
		new JdbcTemplate(new DriverManagerDataSource(url, database().user(), ""))
			.execute("CREATE TABLE docs (id VARCHAR(36) PRIMARY KEY, owner VARCHAR(64), file VARCHAR(1000))");
		List<String> properties = new ArrayList<>(List.of("spring.datasource.url=" + url,
				"spring.datasource.username=" + database().user(), "spring.datasource.password=", "server.port=0",
				"server.address=127.0.0.1", "spring.liquibase.enabled=false", "plasma.sequencer.enabled=false",
				"plasma.tables.docs.read.user-column=owner", "plasma.tables.docs.files.file.max-size=12MB",
				"plasma.tables.docs.files.file.mime-types=text/plain", "plasma.blobs.max-size=12MB",
				"plasma.blobs.s3.part-size=5MB"));
		if ("s3".equals(store)) {
			this.bucket = S3ProxyServer.get().createBucket();
			properties.addAll(List.of(S3ProxyServer.get().storeProperties(this.bucket)));
		}
		else {
			properties.addAll(List.of("plasma.blobs.store=" + store, "plasma.blobs.directory=" + this.directory));
		}
		this.context = new SpringApplicationBuilder(App.class).web(WebApplicationType.SERVLET)
			.properties(properties.toArray(String[]::new))
			.run();
		this.base = "http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port") + "/plasma/blobs/";
	}

	private HttpResponse<byte[]> send(String method, String hash, String user, byte[] body, String... headers)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + hash))
			.header("X-User", user)
			.method(method, (body != null) ? BodyPublishers.ofByteArray(body) : BodyPublishers.noBody());
		if (headers.length > 0) {
			request.headers(headers);
		}
		return this.http.send(request.build(), BodyHandlers.ofByteArray());
	}

	/**
	 * Sends the headers of a {@code PUT} of the whole content and only part of its body, then closes the
	 * connection.
	 */
	private void putAndDrop(String hash, byte[] content, int sent) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", URI.create(this.base).getPort())) {
			OutputStream out = socket.getOutputStream();
			String head = "PUT /plasma/blobs/" + hash + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-User: alice\r\n"
					+ "Content-Type: text/plain\r\nContent-Length: " + content.length + "\r\n\r\n";
			out.write(head.getBytes(StandardCharsets.US_ASCII));
			out.write(content, 0, sent);
			out.flush();
		}
	}

	private long offsetOnceBrokenOff(String hash) throws Exception {
		long deadline = System.nanoTime() + 30_000_000_000L;
		while (System.nanoTime() < deadline) {
			HttpResponse<byte[]> head = send("HEAD", hash, "alice", null);
			if (head.statusCode() == 200 && Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow()) > 0) {
				return Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
			}
			Thread.sleep(100);
		}
		throw new AssertionError("HEAD never reported the bytes kept of the dropped upload");
	}

	private List<String> storedObjects(String store) throws IOException {
		JdbcTemplate jdbc = new JdbcTemplate(this.context.getBean(javax.sql.DataSource.class));
		return switch (store) {
			case "database" -> jdbc.queryForList("SELECT DISTINCT blob_key FROM _plasma_blob_chunks", String.class);
			case "filesystem" -> {
				try (var files = Files.walk(this.directory)) {
					yield files.filter(Files::isRegularFile).map((file) -> file.getFileName().toString()).toList();
				}
			}
			default -> S3ProxyServer.get().keys(this.bucket);
		};
	}

	@ParameterizedTest
	@ValueSource(strings = { "database", "filesystem", "s3" })
	void aConnectionDroppedMidBodyKeepsWhatArrivedAndTheUploadResumes(String store) throws Exception {
		start(store);
		byte[] content = bytes(7 * MB, 1);
		String hash = sha256(content);
		int sent = 5 * MB + 300_000;
		putAndDrop(hash, content, sent);
		long offset = offsetOnceBrokenOff(hash);
		assertThat(offset).isBetween(1L, (long) sent);
		HttpResponse<byte[]> head = send("HEAD", hash, "alice", null, "Tus-Resumable", "1.0.0");
		assertThat(head.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
		assertThat(head.headers().firstValue("Upload-Length")).as("the PUT's Content-Length").hasValue(Integer.toString(content.length));
		assertThat(head.headers().firstValue("Cache-Control")).hasValue("no-store");
		assertThat(send("HEAD", hash, "bob", null).statusCode()).isEqualTo(404);
		HttpResponse<byte[]> wrong = send("PATCH", hash, "alice", Arrays.copyOfRange(content, (int) offset + 1, content.length),
				"Upload-Offset", Long.toString(offset + 1), "Content-Type", OFFSET_OCTET_STREAM);
		assertThat(wrong.statusCode()).isEqualTo(409);
		assertThat(wrong.headers().firstValue("Upload-Offset")).hasValue(Long.toString(offset));
		HttpResponse<byte[]> rest = send("PATCH", hash, "alice", Arrays.copyOfRange(content, (int) offset, content.length),
				"Upload-Offset", Long.toString(offset), "Content-Type", OFFSET_OCTET_STREAM, "Tus-Resumable", "1.0.0");
		assertThat(rest.statusCode()).isEqualTo(200);
		assertThat(rest.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
		assertThat(new String(rest.body(), StandardCharsets.UTF_8)).contains("\"state\":\"present\"");
		assertThat(send("GET", hash, "alice", null).body()).isEqualTo(content);
		assertThat(storedObjects(store)).hasSize(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "database", "filesystem", "s3" })
	void concurrentUploadsOfOneHashEndWithOneStoredCopy(String store) throws Exception {
		start(store);
		byte[] content = bytes(600_000, 2);
		String hash = sha256(content);
		int threads = 6;
		CountDownLatch go = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		List<Future<Integer>> statuses = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			String user = "user" + i;
			statuses.add(pool.submit(() -> {
				go.await();
				return send("PUT", hash, user, content, "Content-Type", "text/plain").statusCode();
			}));
		}
		go.countDown();
		List<Integer> answers = new ArrayList<>();
		for (Future<Integer> status : statuses) {
			answers.add(status.get());
		}
		pool.shutdown();
		assertThat(answers).filteredOn((status) -> status == 201).hasSize(1);
		assertThat(answers).allMatch((status) -> status == 201 || status == 200 || status == 409);
		assertThat(storedObjects(store)).hasSize(1);
		assertThat(new JdbcTemplate(this.context.getBean(javax.sql.DataSource.class))
			.queryForObject("SELECT COUNT(*) FROM _plasma_blobs WHERE state = 'present'", Long.class)).isOne();
		String uploader = new JdbcTemplate(this.context.getBean(javax.sql.DataSource.class))
			.queryForObject("SELECT uploader FROM _plasma_blobs", String.class);
		assertThat(send("GET", hash, uploader, null).body()).isEqualTo(content);
	}

	@ParameterizedTest
	@ValueSource(strings = { "database", "filesystem", "s3" })
	void aSecondPatchWhileOneIsSendingIsRefusedAndTheFirstCompletesIntact(String store) throws Exception {
		start(store);
		byte[] content = bytes(400_000, 3);
		String hash = sha256(content);
		int offset = 100_000;
		HttpResponse<byte[]> first = send("PUT", hash, "alice", Arrays.copyOf(content, offset), "Content-Type", "text/plain",
				"Upload-Length", Integer.toString(content.length));
		assertThat(first.statusCode()).isEqualTo(202);
		JdbcTemplate jdbc = new JdbcTemplate(this.context.getBean(javax.sql.DataSource.class));
		try (Socket socket = new Socket("127.0.0.1", URI.create(this.base).getPort())) {
			OutputStream out = socket.getOutputStream();
			String head = "PATCH /plasma/blobs/" + hash + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-User: alice\r\n"
					+ "Upload-Offset: " + offset + "\r\nContent-Type: " + OFFSET_OCTET_STREAM + "\r\nContent-Length: " + (content.length - offset) + "\r\n\r\n";
			out.write(head.getBytes(StandardCharsets.US_ASCII));
			out.write(content, offset, 50_000);
			out.flush();
			long deadline = System.nanoTime() + 30_000_000_000L;
			while (jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_blobs WHERE receiving_until IS NOT NULL", Long.class) == 0) {
				assertThat(System.nanoTime()).as("the first PATCH holds the upload").isLessThan(deadline);
				Thread.sleep(50);
			}
			HttpResponse<byte[]> second = send("PATCH", hash, "alice", Arrays.copyOfRange(content, offset, content.length),
					"Upload-Offset", Integer.toString(offset), "Content-Type", OFFSET_OCTET_STREAM);
			assertThat(second.statusCode()).isEqualTo(409);
			assertThat(new String(second.body(), StandardCharsets.UTF_8)).contains("\"error\":\"InProgress\"")
				.contains("another request is sending this upload's bytes");
			out.write(content, offset + 50_000, content.length - offset - 50_000);
			out.flush();
			String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
			assertThat(status).isEqualTo("HTTP/1.1 200");
		}
		assertThat(send("GET", hash, "alice", null).body()).isEqualTo(content);
		assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM _plasma_blobs WHERE receiving_until IS NOT NULL", Long.class))
			.isZero();
		assertThat(storedObjects(store)).hasSize(1);
	}

	@Test
	void optionsOnTheBlobsPathAnswersTusDiscoveryWithoutCredentials() throws Exception {
		start("database");
		HttpResponse<byte[]> options = this.http.send(
				HttpRequest.newBuilder(URI.create(this.base.substring(0, this.base.length() - 1)))
					.method("OPTIONS", BodyPublishers.noBody())
					.build(),
				BodyHandlers.ofByteArray());
		assertThat(options.statusCode()).isEqualTo(204);
		assertThat(options.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
		assertThat(options.headers().firstValue("Tus-Version")).hasValue("1.0.0");
		assertThat(options.headers().firstValue("Tus-Max-Size")).hasValue(Long.toString(12L * MB));
		assertThat(options.headers().firstValue("Tus-Extension")).isEmpty();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		SyncUserResolver users() {
			return (request) -> request.getHeader("X-User");
		}

	}

}

package dev.plasma.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3-compatible server for the tests: S3Proxy (jclouds' in-memory {@code transient} provider) started
 * once per test JVM, in a JVM of its own, from the self-contained jar the build copies next to the tests
 * ({@code plasma.test.s3proxy-jar}), so that its Jetty 11 never meets Spring Boot's Jetty and Servlet
 * versions. Its port is {@code plasma.test.s3proxy-port} (a free one when unset); it stops with the
 * test JVM.
 */
public final class S3ProxyServer {

	/** The access key the server accepts. */
	public static final String ACCESS_KEY = "plasma-test";

	/** The secret key the server accepts. */
	public static final String SECRET_KEY = "plasma-test-secret";

	/** The region clients name. */
	public static final String REGION = "us-east-1";

	private static S3ProxyServer instance;

	private final Process process;

	private final URI endpoint;

	private S3ProxyServer(Process process, URI endpoint) {
		this.process = process;
		this.endpoint = endpoint;
	}

	/**
	 * Returns the running server, starting it on first use.
	 * @return the server
	 */
	public static synchronized S3ProxyServer get() {
		if (instance == null) {
			instance = start();
		}
		return instance;
	}

	private static S3ProxyServer start() {
		String jar = System.getProperty("plasma.test.s3proxy-jar");
		if (jar == null || !Files.isRegularFile(Path.of(jar))) {
			throw new IllegalStateException("S3Proxy's jar is missing (plasma.test.s3proxy-jar=" + jar
					+ "); run the tests through Maven, which copies it to target/s3proxy");
		}
		try {
			int port = Integer.getInteger("plasma.test.s3proxy-port", 0);
			if (port == 0) {
				try (ServerSocket socket = new ServerSocket(0)) {
					port = socket.getLocalPort();
				}
			}
			URI endpoint = URI.create("http://127.0.0.1:" + port);
			Path properties = Files.createTempFile("s3proxy", ".properties");
			Files.writeString(properties, String.join("\n", "s3proxy.endpoint=" + endpoint,
					"s3proxy.authorization=aws-v2-or-v4", "s3proxy.identity=" + ACCESS_KEY,
					"s3proxy.credential=" + SECRET_KEY, "jclouds.provider=transient", "jclouds.identity=" + ACCESS_KEY,
					"jclouds.credential=" + SECRET_KEY, ""));
			String java = ProcessHandle.current().info().command().orElse("java");
			Path log = Files.createTempFile("s3proxy", ".log");
			Process process = new ProcessBuilder(List.of(java, "-Xmx384m", "-jar", jar, "--properties", properties.toString()))
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "s3proxy-stop"));
			awaitPort(process, port, log);
			return new S3ProxyServer(process, endpoint);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void awaitPort(Process process, int port, Path log) throws IOException {
		long deadline = System.nanoTime() + 60_000_000_000L;
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new IllegalStateException("S3Proxy stopped at start-up: " + Files.readString(log));
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
				return;
			}
			catch (IOException ex) {
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(interrupted);
				}
			}
		}
		process.destroy();
		throw new IllegalStateException("S3Proxy did not listen on port " + port + " within 60 s: " + Files.readString(log));
	}

	/**
	 * Returns where the server listens.
	 * @return the endpoint
	 */
	public URI endpoint() {
		return this.endpoint;
	}

	/**
	 * Returns whether the server is still running.
	 * @return whether it is
	 */
	public boolean running() {
		return this.process.isAlive();
	}

	/**
	 * Creates a client of the server, path-style.
	 * @return the client; the caller closes it
	 */
	public S3Client client() {
		return S3Client.builder()
			.endpointOverride(this.endpoint)
			.region(Region.of(REGION))
			.forcePathStyle(true)
			.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
			.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
			.build();
	}

	/**
	 * Creates a bucket with a fresh name.
	 * @return the bucket's name
	 */
	public String createBucket() {
		String bucket = "plasma-" + UUID.randomUUID();
		try (S3Client client = client()) {
			client.createBucket((create) -> create.bucket(bucket));
		}
		return bucket;
	}

	/**
	 * Returns the properties that select Plasma's S3 store on a bucket of this server.
	 * @param bucket the bucket
	 * @return {@code key=value} pairs
	 */
	public String[] storeProperties(String bucket) {
		return new String[] { "plasma.blobs.store=s3", "plasma.blobs.s3.bucket=" + bucket,
				"plasma.blobs.s3.endpoint-override=" + this.endpoint, "plasma.blobs.s3.path-style-access=true",
				"plasma.blobs.s3.region=" + REGION, "plasma.blobs.s3.access-key-id=" + ACCESS_KEY,
				"plasma.blobs.s3.secret-access-key=" + SECRET_KEY, "plasma.blobs.s3.checksums-when-required=true" };
	}

	/**
	 * Lists the keys of a bucket.
	 * @param bucket the bucket
	 * @return every key in it
	 */
	public List<String> keys(String bucket) {
		try (S3Client client = client()) {
			return client.listObjectsV2Paginator((list) -> list.bucket(bucket))
				.contents()
				.stream()
				.map(software.amazon.awssdk.services.s3.model.S3Object::key)
				.toList();
		}
	}

}

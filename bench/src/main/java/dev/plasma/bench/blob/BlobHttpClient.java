package dev.plasma.bench.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

import dev.plasma.blob.BlobHashes;

/**
 * {@code PUT} and {@code GET} of {@code /plasma/blobs/{sha256}} over HTTP/1.1 on loopback with
 * {@link HttpURLConnection} (keep-alive, fixed-length streaming: the leanest client the JDK has, so that
 * the figures are about the server), streaming both ways: an upload reads its body from a {@link Payload}
 * variant, a download is counted (or hashed) and dropped.
 */
final class BlobHttpClient {

	private static final int TIMEOUT_MILLIS = 60_000;

	private final String baseUrl;

	BlobHttpClient(String baseUrl) {
		this.baseUrl = baseUrl;
	}

	/**
	 * Uploads a payload variant's first {@code length} bytes.
	 * @return the HTTP status
	 */
	int put(String hash, Payload payload, long variant, long length) throws IOException {
		HttpURLConnection connection = connect(hash, "PUT");
		connection.setDoOutput(true);
		connection.setFixedLengthStreamingMode(length);
		connection.setRequestProperty("Content-Type", EmbeddedBlobApp.MIME);
		try (InputStream in = payload.open(variant, length); OutputStream out = connection.getOutputStream()) {
			Streams.copy(in, out);
		}
		int status = connection.getResponseCode();
		try (InputStream answer = (status < 400) ? connection.getInputStream() : connection.getErrorStream()) {
			if (answer != null) {
				Streams.drain(answer);
			}
		}
		return status;
	}

	/**
	 * Downloads a blob, counting its bytes.
	 * @return the bytes received
	 * @throws IOException when the answer is not a 200
	 */
	long get(String hash) throws IOException {
		try (InputStream body = open(hash)) {
			return Streams.drain(body);
		}
	}

	/**
	 * Downloads a blob and hashes it.
	 * @return its SHA-256 in lower-case hex
	 * @throws IOException when the answer is not a 200
	 */
	String sha256(String hash) throws IOException {
		MessageDigest digest = BlobHashes.sha256();
		try (InputStream body = new DigestInputStream(open(hash), digest)) {
			Streams.drain(body);
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	private InputStream open(String hash) throws IOException {
		HttpURLConnection connection = connect(hash, "GET");
		int status = connection.getResponseCode();
		if (status != 200) {
			try (InputStream error = connection.getErrorStream()) {
				if (error != null) {
					Streams.drain(error);
				}
			}
			throw new IOException("GET of blob " + hash + " answered " + status);
		}
		return connection.getInputStream();
	}

	private HttpURLConnection connect(String hash, String method) throws IOException {
		HttpURLConnection connection = (HttpURLConnection) URI.create(this.baseUrl + "/plasma/blobs/" + hash)
			.toURL()
			.openConnection();
		connection.setRequestMethod(method);
		connection.setConnectTimeout(TIMEOUT_MILLIS);
		connection.setReadTimeout(TIMEOUT_MILLIS);
		return connection;
	}

}

package dev.plasma.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.Random;

import tools.jackson.databind.JsonNode;

import dev.plasma.blob.BlobHashes;

/**
 * Byte requests to {@code /plasma/blobs/{sha256}} of the app under test as a demo user, over real HTTP.
 */
final class BlobHttp {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private BlobHttp() {
	}

	/**
	 * An answer with its raw body.
	 * @param status the HTTP status
	 * @param body the body's bytes
	 * @param contentType the {@code Content-Type}, or {@code null}
	 */
	record Answer(int status, byte[] body, String contentType) {

		JsonNode json() {
			return JsonHttp.JSON.readTree(this.body);
		}

	}

	static byte[] randomBytes(int size, long seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	static String sha256(byte[] bytes) {
		return HexFormat.of().formatHex(BlobHashes.sha256().digest(bytes));
	}

	/**
	 * Uploads bytes with {@code PUT}; headers are name, value pairs added to the user's credentials.
	 */
	static Answer put(String user, int port, String hash, String type, byte[] body, String... headers) throws Exception {
		HttpRequest.Builder request = request(user, port, hash).PUT(HttpRequest.BodyPublishers.ofByteArray(body))
			.header("Content-Type", type);
		if (headers.length > 0) {
			request.headers(headers);
		}
		return send(request);
	}

	static Answer get(String user, int port, String hash) throws Exception {
		return send(request(user, port, hash).GET());
	}

	static Answer head(String user, int port, String hash) throws Exception {
		return send(request(user, port, hash).method("HEAD", HttpRequest.BodyPublishers.noBody()));
	}

	private static HttpRequest.Builder request(String user, int port, String hash) {
		return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/plasma/blobs/" + hash))
			.header("Authorization", JsonHttp.basic(user, user));
	}

	private static Answer send(HttpRequest.Builder request) throws Exception {
		HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
		return new Answer(response.statusCode(), response.body(),
				response.headers().firstValue("Content-Type").orElse(null));
	}

}

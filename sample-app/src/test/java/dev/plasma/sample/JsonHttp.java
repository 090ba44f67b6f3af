package dev.plasma.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON requests over real HTTP to the app under test on {@code localhost}, as demo user {@value #USER}
 * unless another user (or {@code null} for none) is named.
 */
final class JsonHttp {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final String USER = "alice";

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private JsonHttp() {
	}

	/**
	 * An answer: its status, its body as JSON ({@code null} when empty or not JSON) and its headers.
	 * @param status the HTTP status
	 * @param body the body
	 * @param headers the headers
	 */
	record Response(int status, JsonNode body, HttpHeaders headers) {

		String header(String name) {
			return this.headers.firstValue(name).orElse(null);
		}

	}

	static Response post(int port, String path, String body) throws Exception {
		return send(port, "POST", path, body);
	}

	static Response postAs(String user, int port, String path, String body) throws Exception {
		return sendAs(user, port, "POST", path, body);
	}

	static Response send(int port, String method, String path, String body) throws Exception {
		return sendAs(USER, port, method, path, body);
	}

	static Response sendAs(String user, int port, String method, String path, String body) throws Exception {
		return sendAsWithHeaders(user, port, method, path, body, "Content-Type", "application/json");
	}

	/**
	 * Sends a request with exactly the given headers (name, value, name, value, ...), plus the demo user's
	 * credentials.
	 */
	static Response sendWithHeaders(int port, String method, String path, String body, String... headers)
			throws Exception {
		return sendAsWithHeaders(USER, port, method, path, body, headers);
	}

	/**
	 * Sends a request as a demo user ({@code null} for none) with exactly the given headers plus the user's
	 * HTTP Basic credentials (the demo password is the user name).
	 */
	static Response sendAsWithHeaders(String user, int port, String method, String path, String body,
			String... headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (headers.length > 0) {
			request.headers(headers);
		}
		if (user != null) {
			request.header("Authorization", basic(user, user));
		}
		HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		boolean json = response.headers().firstValue("Content-Type").orElse("").contains("json");
		return new Response(response.statusCode(),
				(json && !response.body().isEmpty()) ? JSON.readTree(response.body()) : null, response.headers());
	}

	static String basic(String user, String password) {
		return "Basic " + java.util.Base64.getEncoder()
			.encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
	}

}

package dev.plasma.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON requests over real HTTP to the app under test on {@code localhost}.
 */
final class JsonHttp {

	static final JsonMapper JSON = JsonMapper.builder().build();

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

	static Response send(int port, String method, String path, String body) throws Exception {
		return sendWithHeaders(port, method, path, body, "Content-Type", "application/json");
	}

	/**
	 * Sends a request with exactly the given headers (name, value, name, value, ...).
	 */
	static Response sendWithHeaders(int port, String method, String path, String body, String... headers)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (headers.length > 0) {
			request.headers(headers);
		}
		HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		boolean json = response.headers().firstValue("Content-Type").orElse("").contains("json");
		return new Response(response.statusCode(),
				(json && !response.body().isEmpty()) ? JSON.readTree(response.body()) : null, response.headers());
	}

}

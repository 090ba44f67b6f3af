package dev.plasma.sample;

import java.net.URI;
import java.net.http.HttpClient;
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
	 * An answer: its status and its body as JSON ({@code null} when empty).
	 * @param status the HTTP status
	 * @param body the body
	 */
	record Response(int status, JsonNode body) {
	}

	static Response post(int port, String path, String body) throws Exception {
		return send(port, "POST", path, body);
	}

	static Response send(int port, String method, String path, String body) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.header("Content-Type", "application/json")
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build();
		HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		return new Response(response.statusCode(), response.body().isEmpty() ? null : JSON.readTree(response.body()));
	}

}

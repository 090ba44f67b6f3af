package dev.plasma.poke;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A WebSocket client over {@code java.net.http}: collects the JSON messages it receives.
 */
final class WsClient implements WebSocket.Listener {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();

	private final StringBuilder partial = new StringBuilder();

	private WebSocket socket;

	static WsClient open(HttpClient http, String url) {
		WsClient client = new WsClient();
		client.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
			.buildAsync(URI.create(url), client)
			.join();
		return client;
	}

	/**
	 * Returns the HTTP status of a refused handshake.
	 */
	static int refusedStatus(HttpClient http, String url) {
		try {
			open(http, url);
			return 101;
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof java.net.http.WebSocketHandshakeException handshake) {
				return handshake.getResponse().statusCode();
			}
			throw ex;
		}
	}

	void send(String json) {
		this.socket.sendText(json, true).join();
	}

	void abort() {
		this.socket.abort();
	}

	JsonNode next(Duration timeout) throws InterruptedException {
		return this.messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	JsonNode next(String type, Duration timeout) throws InterruptedException {
		long end = System.currentTimeMillis() + timeout.toMillis();
		while (System.currentTimeMillis() < end) {
			JsonNode message = next(Duration.ofMillis(Math.max(1, end - System.currentTimeMillis())));
			if (message != null && type.equals(message.path("type").asString())) {
				return message;
			}
		}
		return null;
	}

	@Override
	public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		this.partial.append(data);
		if (last) {
			this.messages.add(JSON.readTree(this.partial.toString()));
			this.partial.setLength(0);
		}
		webSocket.request(1);
		return null;
	}

}

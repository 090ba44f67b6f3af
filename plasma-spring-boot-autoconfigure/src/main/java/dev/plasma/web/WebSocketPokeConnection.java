package dev.plasma.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

import dev.plasma.poke.PokeConnection;
import dev.plasma.poke.PokeTransport;
import dev.plasma.presence.PresenceListener;
import dev.plasma.presence.PresenceMember;

/**
 * A poke and presence connection over a WebSocket. Server-to-client messages are JSON:
 * {@code {"type":"poke","version":N}}, {@code {"type":"presence","room":...,"members":[...]}} and
 * {@code {"type":"error",...}}. A heartbeat is a ping; a connection from which nothing (not even a pong)
 * arrived for two heartbeats is closed.
 */
final class WebSocketPokeConnection extends PokeConnection implements PresenceListener {

	private static final Log logger = LogFactory.getLog(WebSocketPokeConnection.class);

	private static final int SEND_TIME_LIMIT_MILLIS = 10_000;

	private static final int SEND_BUFFER_LIMIT = 512 * 1024;

	private final WebSocketSession session;

	private final JsonMapper jsonMapper;

	private final long silenceLimitNanos;

	private volatile long lastReceivedNanos = System.nanoTime();

	private volatile Runnable onEnd = () -> {
	};

	WebSocketPokeConnection(String user, WebSocketSession session, JsonMapper jsonMapper, Duration heartbeat) {
		super(user, PokeTransport.WEBSOCKET);
		this.session = new ConcurrentWebSocketSessionDecorator(session, SEND_TIME_LIMIT_MILLIS, SEND_BUFFER_LIMIT);
		this.jsonMapper = jsonMapper;
		this.silenceLimitNanos = heartbeat.toNanos() * 2;
	}

	void onEnd(Runnable onEnd) {
		this.onEnd = onEnd;
	}

	void received() {
		this.lastReceivedNanos = System.nanoTime();
	}

	@Override
	protected void sendPoke(long version) throws IOException {
		this.session.sendMessage(new TextMessage("{\"type\":\"poke\",\"version\":" + version + "}"));
	}

	@Override
	protected void sendHeartbeat() throws IOException {
		if (System.nanoTime() - this.lastReceivedNanos > this.silenceLimitNanos) {
			throw new IOException("silent for two heartbeats");
		}
		this.session.sendMessage(new PingMessage());
	}

	@Override
	protected void end() {
		try {
			this.onEnd.run();
		}
		catch (RuntimeException ex) {
			logger.debug("Plasma: leaving presence rooms failed", ex);
		}
		if (this.session.isOpen()) {
			try {
				this.session.close(CloseStatus.GOING_AWAY);
			}
			catch (IOException ex) {
				// already broken
			}
		}
	}

	@Override
	public void presence(String room, List<PresenceMember> members) {
		send((json) -> {
			json.writeStringProperty("type", "presence");
			json.writeStringProperty("room", room);
			json.writeName("members");
			json.writeStartArray();
			for (PresenceMember member : members) {
				json.writeStartObject();
				json.writeStringProperty("user", member.user());
				json.writeStringProperty("clientID", member.clientId());
				json.writeName("state");
				json.writeRawValue(member.state());
				json.writeEndObject();
			}
			json.writeEndArray();
		});
	}

	void error(String room, String error, String message) {
		send((json) -> {
			json.writeStringProperty("type", "error");
			if (room != null) {
				json.writeStringProperty("room", room);
			}
			json.writeStringProperty("error", error);
			json.writeStringProperty("message", message);
		});
	}

	private void send(Consumer<JsonGenerator> body) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(256);
		try (JsonGenerator json = this.jsonMapper.createGenerator(out)) {
			json.writeStartObject();
			body.accept(json);
			json.writeEndObject();
		}
		try {
			sendExclusively(() -> this.session.sendMessage(new TextMessage(out.toString(java.nio.charset.StandardCharsets.UTF_8))));
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Plasma: a WebSocket send failed; closing it", ex);
			end();
		}
	}

}

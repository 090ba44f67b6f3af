package dev.plasma.web;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import dev.plasma.poke.PokeHub;
import dev.plasma.presence.PresenceRooms;
import dev.plasma.presence.RoomAccess;

/**
 * {@code {base}/ws}: pokes like the event stream, plus presence. Client-to-server messages:
 * {@code {"type":"join","room":"<table>:<rowId>","clientID":...,"state":{...}}},
 * {@code {"type":"update","room":...,"state":{...}}} and {@code {"type":"leave","room":...}}. A bad
 * message gets {@code {"type":"error","error":"BadRequest",...}} naming what is wrong; a room the user may
 * not join (or that does not exist: the answer is the same) gets {@code "error":"Forbidden"}.
 */
public class PokeWebSocketHandler extends TextWebSocketHandler {

	private static final Log logger = LogFactory.getLog(PokeWebSocketHandler.class);

	private static final String CONNECTION_ATTRIBUTE = "plasma.connection";

	private static final int MAX_ID_LENGTH = 255;

	private final PokeHub hub;

	private final PresenceRooms presence;

	private final JsonMapper jsonMapper;

	private final Duration heartbeat;

	private final int maxStateBytes;

	/**
	 * Creates the handler.
	 * @param hub this instance's poke connections
	 * @param presence this instance's presence rooms
	 * @param jsonMapper reads and writes messages
	 * @param heartbeat the heartbeat interval
	 * @param maxStateBytes the largest presence state, as JSON text
	 */
	public PokeWebSocketHandler(PokeHub hub, PresenceRooms presence, JsonMapper jsonMapper, Duration heartbeat,
			int maxStateBytes) {
		this.hub = hub;
		this.presence = presence;
		this.jsonMapper = jsonMapper;
		this.heartbeat = heartbeat;
		this.maxStateBytes = maxStateBytes;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) throws Exception {
		String user = (String) session.getAttributes().get(PokeTokenInterceptor.USER_ATTRIBUTE);
		WebSocketPokeConnection connection = new WebSocketPokeConnection(user, session, this.jsonMapper, this.heartbeat);
		if (user == null || !this.hub.register(connection)) {
			session.close(CloseStatus.SERVICE_OVERLOAD);
			return;
		}
		connection.onEnd(() -> this.presence.leaveAll(connection));
		session.getAttributes().put(CONNECTION_ATTRIBUTE, connection);
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		WebSocketPokeConnection connection = connection(session);
		if (connection == null) {
			return;
		}
		connection.received();
		JsonNode request;
		try {
			request = this.jsonMapper.readTree(message.getPayload());
		}
		catch (JacksonException ex) {
			connection.error(null, "BadRequest", "a message must be a JSON object");
			return;
		}
		String type = text(request, "type");
		String room = text(request, "room");
		if (type == null || !(type.equals("join") || type.equals("update") || type.equals("leave"))) {
			connection.error(room, "BadRequest", "type must be join, update or leave");
			return;
		}
		if (room == null || room.isEmpty() || room.length() > RoomAccess.MAX_ROOM_LENGTH
				|| SafeText.controlCharacter(room) >= 0 || SafeText.loneSurrogate(room) >= 0) {
			connection.error(null, "BadRequest", "room must be <table>:<rowId>, at most "
					+ RoomAccess.MAX_ROOM_LENGTH + " characters without control characters");
			return;
		}
		try {
			handle(connection, type, room, request);
		}
		catch (DataAccessException ex) {
			logger.warn("Plasma: a presence request failed: " + ex.getMessage());
			connection.error(room, "Unavailable", "presence is unavailable; retry later");
		}
	}

	private void handle(WebSocketPokeConnection connection, String type, String room, JsonNode request) {
		if (type.equals("leave")) {
			this.presence.leave(connection, room);
			return;
		}
		String state = state(connection, room, request.get("state"));
		if (state == null) {
			return;
		}
		if (type.equals("update")) {
			if (!this.presence.update(connection, room, state)) {
				connection.error(room, "NotJoined", "join the room before updating your state in it");
			}
			return;
		}
		String clientId = text(request, "clientID");
		if (clientId == null || clientId.isEmpty() || clientId.length() > MAX_ID_LENGTH
				|| SafeText.controlCharacter(clientId) >= 0 || SafeText.loneSurrogate(clientId) >= 0) {
			connection.error(room, "BadRequest", "clientID must be 1 to 255 characters without control characters");
			return;
		}
		if (!this.presence.join(connection, connection.user(), room, clientId, state)) {
			connection.error(room, "Forbidden", "no such room, or you may not join it");
		}
	}

	private String state(WebSocketPokeConnection connection, String room, JsonNode state) {
		if (state == null || state.isNull()) {
			return "{}";
		}
		if (!state.isObject()) {
			connection.error(room, "BadRequest", "state must be a JSON object");
			return null;
		}
		String text = this.jsonMapper.writeValueAsString(state);
		if (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > this.maxStateBytes) {
			connection.error(room, "BadRequest", "state must be at most " + this.maxStateBytes + " bytes of JSON");
			return null;
		}
		return text;
	}

	@Override
	protected void handlePongMessage(WebSocketSession session, PongMessage message) {
		WebSocketPokeConnection connection = connection(session);
		if (connection != null) {
			connection.received();
		}
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) throws Exception {
		closed(session);
		if (session.isOpen()) {
			session.close(CloseStatus.SERVER_ERROR);
		}
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		closed(session);
	}

	private void closed(WebSocketSession session) {
		WebSocketPokeConnection connection = connection(session);
		if (connection != null) {
			this.hub.drop(connection);
		}
	}

	private static WebSocketPokeConnection connection(WebSocketSession session) {
		return (WebSocketPokeConnection) session.getAttributes().get(CONNECTION_ATTRIBUTE);
	}

	private static String text(JsonNode node, String name) {
		JsonNode value = (node != null && node.isObject()) ? node.get(name) : null;
		return (value != null && value.isString()) ? value.stringValue() : null;
	}

}

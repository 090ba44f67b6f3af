package dev.plasma.web;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

import dev.plasma.poke.PokeHub;
import dev.plasma.poke.PokeTokens;

/**
 * {@code GET {base}/poke}: Server-Sent Events that tell an authenticated user to pull when changes they
 * may read were sequenced, and {@code POST {base}/ws-token}: a short-lived token for opening the
 * WebSocket. Both resolve the user like pull and push (no user: 401). An optional {@code clientGroupID}
 * on the event stream must be the user's own group (another user's: 403). Beyond
 * {@code plasma.poke.max-connections} the stream is refused with 503 and {@code Retry-After}.
 */
public class PokeHandler {

	private final SyncAccess access;

	private final PokeHub hub;

	private final PokeTokens tokens;

	private final SyncResponses responses;

	private final Duration sseTimeout;

	private final Duration retryAfter;

	/**
	 * Creates the handler.
	 * @param jsonMapper writes JSON bodies
	 * @param access resolves users and checks client groups
	 * @param hub this instance's poke connections
	 * @param tokens issues WebSocket tokens
	 * @param sseTimeout how long an event stream stays open
	 * @param retryAfter what a refused stream is told to wait
	 */
	public PokeHandler(JsonMapper jsonMapper, SyncAccess access, PokeHub hub, PokeTokens tokens, Duration sseTimeout,
			Duration retryAfter) {
		this.access = access;
		this.hub = hub;
		this.tokens = tokens;
		this.responses = new SyncResponses(jsonMapper);
		this.sseTimeout = sseTimeout;
		this.retryAfter = retryAfter;
	}

	/**
	 * Opens an event stream of pokes.
	 * @param request the request
	 * @return the stream, or an error
	 */
	public ServerResponse poke(ServerRequest request) {
		HttpServletRequest servletRequest = request.servletRequest();
		String user = this.access.user(servletRequest);
		if (user == null) {
			return error(HttpStatus.UNAUTHORIZED, "Unauthorized", "no user: authenticate the request");
		}
		String group = request.param("clientGroupID").orElse(null);
		if (group != null) {
			if (group.isEmpty() || group.length() > 255 || SafeText.controlCharacter(group) >= 0) {
				return error(HttpStatus.BAD_REQUEST, "BadRequest",
						"clientGroupID must be 1 to 255 characters without control characters");
			}
			try {
				this.access.admit(user, group);
			}
			catch (SyncAccess.ForeignClientGroupException ex) {
				return error(HttpStatus.FORBIDDEN, "Forbidden", ex.getMessage());
			}
			catch (SyncAccess.DeletedClientGroupException ex) {
				return error(HttpStatus.GONE, "ClientStateNotFound", ex.getMessage());
			}
		}
		if (!this.hub.hasRoom()) {
			return unavailable();
		}
		long lastSeen = lastEventId(servletRequest.getHeader("Last-Event-ID"));
		ServerResponse stream = ServerResponse.sse((sse) -> {
			try {
				sse.comment(" hb").send();
			}
			catch (IOException ex) {
				return;
			}
			SsePokeConnection connection = new SsePokeConnection(user, sse);
			if (!this.hub.register(connection)) {
				sse.complete();
				return;
			}
			sse.onTimeout(() -> this.hub.drop(connection));
			sse.onComplete(() -> this.hub.drop(connection));
			sse.onError((ex) -> this.hub.drop(connection));
			if (lastSeen >= 0) {
				this.hub.catchUp(connection, lastSeen);
			}
		}, this.sseTimeout);
		return new UnbufferedStreamResponse(stream);
	}

	/**
	 * Issues a WebSocket token to the request's user.
	 * @param request the request
	 * @return {@code {"token":...,"expiresInSeconds":...}}, or 401
	 */
	public ServerResponse wsToken(ServerRequest request) {
		String user = this.access.user(request.servletRequest());
		if (user == null) {
			return error(HttpStatus.UNAUTHORIZED, "Unauthorized", "no user: authenticate the request");
		}
		String token = this.tokens.issue(user);
		return ServerResponse.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.body(this.responses.write((json) -> {
				json.writeStringProperty("token", token);
				json.writeNumberProperty("expiresInSeconds", this.tokens.lifetime().toSeconds());
			}));
	}

	private static long lastEventId(String header) {
		if (header == null || header.isEmpty() || header.length() > 19) {
			return -1;
		}
		try {
			return Math.max(-1, Long.parseLong(header.trim()));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private ServerResponse unavailable() {
		return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, this.retryAfter.toSeconds())))
			.contentType(MediaType.APPLICATION_JSON)
			.body(this.responses.error("Unavailable", "too many poke connections on this instance; retry later"));
	}

	private ServerResponse error(HttpStatus status, String error, String message) {
		return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).body(this.responses.error(error, message));
	}

}

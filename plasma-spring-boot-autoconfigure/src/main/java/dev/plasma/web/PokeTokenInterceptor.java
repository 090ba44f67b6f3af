package dev.plasma.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;

import dev.plasma.poke.PokeHub;
import dev.plasma.poke.PokeTokens;

/**
 * Admits a WebSocket handshake only with a valid, unexpired token from {@code {base}/ws-token} in the
 * query ({@code ?token=...}): none, forged or expired is 401 with a JSON error. Beyond
 * {@code plasma.poke.max-connections} it is 503 with {@code Retry-After}. The token's user goes into the
 * session's attributes as {@value #USER_ATTRIBUTE}.
 */
public class PokeTokenInterceptor implements HandshakeInterceptor {

	/** Session attribute holding the user. */
	public static final String USER_ATTRIBUTE = "plasma.user";

	private final PokeTokens tokens;

	private final PokeHub hub;

	private final Duration retryAfter;

	/**
	 * Creates the interceptor.
	 * @param tokens verifies tokens
	 * @param hub this instance's poke connections, for the limit
	 * @param retryAfter what a refused handshake is told to wait
	 */
	public PokeTokenInterceptor(PokeTokens tokens, PokeHub hub, Duration retryAfter) {
		this.tokens = tokens;
		this.hub = hub;
		this.retryAfter = retryAfter;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Map<String, Object> attributes) throws Exception {
		String token = UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams().getFirst("token");
		String user = this.tokens.verify(token);
		if (user == null) {
			refuse(response, HttpStatus.UNAUTHORIZED, "Unauthorized",
					"open the WebSocket with ?token= from POST {base}/ws-token; this one is missing, invalid or expired");
			return false;
		}
		if (!this.hub.hasRoom()) {
			response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, this.retryAfter.toSeconds())));
			refuse(response, HttpStatus.SERVICE_UNAVAILABLE, "Unavailable",
					"too many poke connections on this instance; retry later");
			return false;
		}
		attributes.put(USER_ATTRIBUTE, user);
		return true;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
			Exception exception) {
	}

	private static void refuse(ServerHttpResponse response, HttpStatus status, String error, String message)
			throws java.io.IOException {
		response.setStatusCode(status);
		response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
		response.getBody()
			.write(("{\"error\":\"" + error + "\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
	}

}

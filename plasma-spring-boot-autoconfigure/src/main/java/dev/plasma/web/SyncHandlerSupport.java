package dev.plasma.web;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.transaction.TransactionException;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

import dev.plasma.sync.BadSyncRequestException;
import dev.plasma.sync.Cookie;
import dev.plasma.sync.MutationResult;
import dev.plasma.sync.PatchSink;
import dev.plasma.sync.PullHeader;
import dev.plasma.sync.PullProcessor;
import dev.plasma.sync.PushMutation;
import dev.plasma.sync.PushProcessor;

/**
 * What both protocol adapters share: resolving the request's user through {@link SyncAccess} before
 * anything else, reading JSON bodies within the size limits, passing the {@link ConnectionGate} before
 * the database, letting only the owner use a client group, and turning failures into answers: 401 for
 * a request without a user, 403 for another user's client group, 400 for bad input, 413 for oversized
 * bodies or too many mutations, 415 for a body that is not declared as JSON, the protocol's
 * {@code ClientStateNotFound} for a deleted client group, 503 with {@code Retry-After} for
 * infrastructure failures (the client retries).
 */
public abstract class SyncHandlerSupport {

	private static final Log logger = LogFactory.getLog(SyncHandlerSupport.class);

	final SyncRequests requests;

	final SyncResponses responses;

	private final PushProcessor pushProcessor;

	private final PullProcessor pullProcessor;

	private final ConnectionGate gate;

	private final SyncAccess access;

	/**
	 * The most bytes of a pull's answer kept in memory; a larger answer (a full state) moves to a
	 * temporary file until it is sent.
	 */
	static final int PULL_MEMORY_LIMIT = 1024 * 1024;

	private final Set<String> acceptedSchemaVersions;

	private final JsonMapper jsonMapper;

	SyncHandlerSupport(JsonMapper jsonMapper, RequestLimits limits, PushProcessor pushProcessor,
			PullProcessor pullProcessor, Set<String> acceptedSchemaVersions, ConnectionGate gate, SyncAccess access) {
		this.requests = new SyncRequests(jsonMapper, limits);
		this.responses = new SyncResponses(jsonMapper);
		this.pushProcessor = pushProcessor;
		this.pullProcessor = pullProcessor;
		this.gate = gate;
		this.access = access;
		this.acceptedSchemaVersions = Set.copyOf(acceptedSchemaVersions);
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Handles a push request.
	 * @param request the request
	 * @return the response
	 */
	public ServerResponse push(ServerRequest request) {
		return handle(request, true, this::push);
	}

	/**
	 * Handles a pull request.
	 * @param request the request
	 * @return the response
	 */
	public ServerResponse pull(ServerRequest request) {
		return handle(request, false, this::pull);
	}

	abstract ServerResponse push(String user, JsonNode body);

	abstract ServerResponse pull(String user, JsonNode body);

	/**
	 * Answers a request for a client group that was deleted for inactivity.
	 * @param message why, for protocols that carry a message
	 * @return the answer
	 */
	abstract ServerResponse clientStateNotFound(String message);

	private ServerResponse handle(ServerRequest request, boolean push, BiFunction<String, JsonNode, ServerResponse> action) {
		String user = this.access.user(request.servletRequest());
		if (user == null) {
			return json(HttpStatus.UNAUTHORIZED, this.responses.error("Unauthorized",
					"the request is not authenticated; send credentials (an Authorization header)"));
		}
		if (!declaresJson(request)) {
			return json(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
					this.responses.error("UnsupportedMediaType", "send the body as Content-Type: application/json"));
		}
		try {
			HttpServletRequest servletRequest = request.servletRequest();
			JsonNode body = push ? this.requests.readPushBody(servletRequest.getInputStream(), servletRequest.getContentLengthLong())
					: this.requests.readPullBody(servletRequest.getInputStream(), servletRequest.getContentLengthLong());
			return action.apply(user, body);
		}
		catch (SyncAccess.ForeignClientGroupException ex) {
			return json(HttpStatus.FORBIDDEN, this.responses.error("Forbidden", ex.getMessage()));
		}
		catch (SyncAccess.DeletedClientGroupException ex) {
			return clientStateNotFound(ex.getMessage());
		}
		catch (PayloadTooLargeException ex) {
			return json(HttpStatus.CONTENT_TOO_LARGE, this.responses.error("PayloadTooLarge", ex.getMessage()));
		}
		catch (BadSyncRequestException ex) {
			return json(HttpStatus.BAD_REQUEST, this.responses.error("BadRequest", ex.getMessage()));
		}
		catch (IOException ex) {
			return json(HttpStatus.BAD_REQUEST, this.responses.error("BadRequest", "could not read the request body"));
		}
		catch (DatabaseUnavailableException ex) {
			return unavailable(ex.retryAfter().toSeconds(), ex.getMessage());
		}
		catch (DataAccessException | TransactionException ex) {
			this.gate.failed();
			logger.warn("Plasma: sync request failed on the database; the client will retry: "
					+ SafeText.quote(ex.getMessage()));
			return unavailable(this.gate.retryAfter().toSeconds(), "the database is unavailable; retry later");
		}
	}

	private static boolean declaresJson(ServerRequest request) {
		try {
			MediaType type = request.headers().contentType().orElse(null);
			return type != null && (MediaType.APPLICATION_JSON.includes(type)
					|| "application".equals(type.getType()) && type.getSubtype().endsWith("+json"));
		}
		catch (InvalidMediaTypeException ex) {
			return false;
		}
	}

	private ServerResponse unavailable(long retryAfterSeconds, String message) {
		return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds))
			.contentType(MediaType.APPLICATION_JSON)
			.body(this.responses.error("Unavailable", message));
	}

	/**
	 * Runs a push's mutations for a user, once the gate lets it through to the database and the user may
	 * use the client group.
	 */
	List<MutationResult> runPush(String user, String clientGroupId, List<PushMutation> mutations) {
		this.gate.enter();
		this.access.admit(user, clientGroupId);
		List<MutationResult> results = this.pushProcessor.push(clientGroupId, user, mutations);
		this.gate.answered();
		return results;
	}

	/**
	 * Runs a pull for a user and writes its answer as it is read: {@code headerWriter} writes the
	 * protocol's fields, followed by the {@code patch} array.
	 */
	ServerResponse pull(String user, String clientGroupId, Cookie.@Nullable Position cookie,
			BiConsumer<JsonGenerator, PullHeader> headerWriter) {
		return pull(user, clientGroupId, cookie, headerWriter, (header, sink) -> {
		});
	}

	/**
	 * Runs a pull like {@link #pull(String, String, Cookie.Position, BiConsumer)} and lets {@code lastOperations}
	 * add the protocol's own operations at the end of the patch.
	 */
	ServerResponse pull(String user, String clientGroupId, Cookie.@Nullable Position cookie,
			BiConsumer<JsonGenerator, PullHeader> headerWriter, BiConsumer<PullHeader, PatchSink> lastOperations) {
		PullResponseWriter writer = new PullResponseWriter(this.jsonMapper, PULL_MEMORY_LIMIT, headerWriter,
				lastOperations);
		try {
			this.gate.enter();
			this.access.admit(user, clientGroupId);
			this.pullProcessor.pull(clientGroupId, user, cookie, writer);
			this.gate.answered();
			return writer.finish();
		}
		catch (RuntimeException ex) {
			writer.abandon();
			throw ex;
		}
	}

	boolean schemaVersionAccepted(String schemaVersion) {
		return this.acceptedSchemaVersions.isEmpty()
				|| schemaVersion != null && this.acceptedSchemaVersions.contains(schemaVersion);
	}

	static ServerResponse json(HttpStatus status, byte[] body) {
		return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
	}

	static ServerResponse ok(byte[] body) {
		return json(HttpStatus.OK, body);
	}

}

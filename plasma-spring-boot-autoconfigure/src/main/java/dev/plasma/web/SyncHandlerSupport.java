package dev.plasma.web;

import java.io.IOException;
import java.util.Set;
import java.util.function.BiConsumer;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.transaction.TransactionException;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

import dev.plasma.sync.BadSyncRequestException;
import dev.plasma.sync.PatchSink;
import dev.plasma.sync.PullHeader;
import dev.plasma.sync.PullProcessor;
import dev.plasma.sync.PushProcessor;

/**
 * What both protocol adapters share: reading bodies within the size limit, and turning failures into
 * answers: 400 for bad input, 413 for oversized bodies, 503 for infrastructure failures (the client
 * retries).
 */
public abstract class SyncHandlerSupport {

	private static final Log logger = LogFactory.getLog(SyncHandlerSupport.class);

	final SyncRequests requests;

	final SyncResponses responses;

	final PushProcessor pushProcessor;

	final PullProcessor pullProcessor;

	/**
	 * The most bytes of a pull's answer kept in memory; a larger answer (a full state) moves to a
	 * temporary file until it is sent.
	 */
	static final int PULL_MEMORY_LIMIT = 1024 * 1024;

	private final Set<String> acceptedSchemaVersions;

	private final JsonMapper jsonMapper;

	SyncHandlerSupport(JsonMapper jsonMapper, long maxBodySize, PushProcessor pushProcessor,
			PullProcessor pullProcessor, Set<String> acceptedSchemaVersions) {
		this.requests = new SyncRequests(jsonMapper, maxBodySize);
		this.responses = new SyncResponses(jsonMapper);
		this.pushProcessor = pushProcessor;
		this.pullProcessor = pullProcessor;
		this.acceptedSchemaVersions = Set.copyOf(acceptedSchemaVersions);
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Handles a push request.
	 * @param request the request
	 * @return the response
	 */
	public ServerResponse push(ServerRequest request) {
		return handle(request, this::push);
	}

	/**
	 * Handles a pull request.
	 * @param request the request
	 * @return the response
	 */
	public ServerResponse pull(ServerRequest request) {
		return handle(request, this::pull);
	}

	abstract ServerResponse push(JsonNode body);

	abstract ServerResponse pull(JsonNode body);

	private ServerResponse handle(ServerRequest request, java.util.function.Function<JsonNode, ServerResponse> action) {
		try {
			HttpServletRequest servletRequest = request.servletRequest();
			JsonNode body = this.requests.readBody(servletRequest.getInputStream(), servletRequest.getContentLengthLong());
			return action.apply(body);
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
		catch (DataAccessException | TransactionException ex) {
			logger.warn("Plasma: sync request failed on the database; the client will retry: " + ex.getMessage());
			return json(HttpStatus.SERVICE_UNAVAILABLE,
					this.responses.error("Unavailable", "the database is unavailable; retry later"));
		}
	}

	/**
	 * Runs a pull and writes its answer as it is read: {@code headerWriter} writes the protocol's fields,
	 * followed by the {@code patch} array.
	 */
	ServerResponse pull(String clientGroupId, Long cookieVersion, BiConsumer<JsonGenerator, PullHeader> headerWriter) {
		return pull(clientGroupId, cookieVersion, headerWriter, (header, sink) -> {
		});
	}

	/**
	 * Runs a pull like {@link #pull(String, Long, BiConsumer)} and lets {@code lastOperations} add the
	 * protocol's own operations at the end of the patch.
	 */
	ServerResponse pull(String clientGroupId, Long cookieVersion, BiConsumer<JsonGenerator, PullHeader> headerWriter,
			BiConsumer<PullHeader, PatchSink> lastOperations) {
		PullResponseWriter writer = new PullResponseWriter(this.jsonMapper, PULL_MEMORY_LIMIT, headerWriter,
				lastOperations);
		try {
			this.pullProcessor.pull(clientGroupId, cookieVersion, writer);
			return writer.finish();
		}
		catch (RuntimeException ex) {
			writer.abandon();
			throw ex;
		}
	}

	boolean schemaVersionAccepted(String schemaVersion) {
		return this.acceptedSchemaVersions.isEmpty() || this.acceptedSchemaVersions.contains(schemaVersion);
	}

	static ServerResponse json(HttpStatus status, byte[] body) {
		return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
	}

	static ServerResponse ok(byte[] body) {
		return json(HttpStatus.OK, body);
	}

}

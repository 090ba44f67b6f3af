package dev.plasma.web;

import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.function.ServerResponse;

import dev.plasma.sync.BadSyncRequestException;
import dev.plasma.sync.Cookie;
import dev.plasma.sync.MutationResult;
import dev.plasma.sync.PullProcessor;
import dev.plasma.sync.PushProcessor;

/**
 * The native Plasma protocol: {@code POST {base-path}/push} and {@code POST {base-path}/pull}, with the
 * {@code c1:} string cookie.
 * <p>
 * Push answers <code>{"results":[{"clientID":"c1","id":1,"outcome":"applied"}]}</code>; pull answers
 * <code>{"cookie":"c1:...","lastMutationIDs":{"c1":5},"hasMore":false,"patch":[...]}</code>, where
 * {@code hasMore} tells the client to pull again at once. A request for a client group deleted for
 * inactivity is answered HTTP 410 <code>{"error":"ClientStateNotFound"}</code>.
 */
public class NativeSyncHandler extends SyncHandlerSupport {

	public NativeSyncHandler(JsonMapper jsonMapper, RequestLimits limits, PushProcessor pushProcessor,
			PullProcessor pullProcessor, Set<String> acceptedSchemaVersions, ConnectionGate gate, SyncAccess access) {
		super(jsonMapper, limits, pushProcessor, pullProcessor, acceptedSchemaVersions, gate, access);
	}

	@Override
	ServerResponse push(String user, JsonNode body) {
		SyncRequests.Push push = this.requests.push(body);
		if (push.pushVersion() != 1) {
			throw new BadSyncRequestException("unsupported pushVersion " + push.pushVersion() + "; this server speaks 1");
		}
		checkSchemaVersion(push.schemaVersion());
		List<MutationResult> results = runPush(user, push.clientGroupId(), push.mutations());
		return ok(this.responses.write((generator) -> {
			generator.writeName("results");
			generator.writeStartArray();
			for (MutationResult result : results) {
				generator.writeStartObject();
				generator.writeStringProperty("clientID", result.clientId());
				generator.writeNumberProperty("id", result.id());
				generator.writeStringProperty("outcome", result.outcome().tag());
				generator.writeEndObject();
			}
			generator.writeEndArray();
		}));
	}

	@Override
	ServerResponse pull(String user, JsonNode body) {
		SyncRequests.Pull pull = this.requests.pull(body);
		if (pull.pullVersion() != 1) {
			throw new BadSyncRequestException("unsupported pullVersion " + pull.pullVersion() + "; this server speaks 1");
		}
		checkSchemaVersion(pull.schemaVersion());
		Cookie.Position cookie = null;
		if (!pull.cookie().isNull()) {
			if (!pull.cookie().isString()) {
				throw new BadSyncRequestException("field 'cookie' must be null or a c1: string");
			}
			cookie = Cookie.parse(pull.cookie().stringValue());
		}
		return pull(user, pull.clientGroupId(), cookie, (generator, header) -> {
			generator.writeStringProperty("cookie", header.cookie());
			SyncResponses.writeIds(generator, "lastMutationIDs", header.lastMutationIds());
			generator.writeBooleanProperty("hasMore", header.hasMore());
		});
	}

	/**
	 * Answers HTTP 410 <code>{"error":"ClientStateNotFound","message":...}</code>: the client drops its
	 * state and starts a new client group.
	 */
	@Override
	ServerResponse clientStateNotFound(String message) {
		return json(HttpStatus.GONE, this.responses.error("ClientStateNotFound", message));
	}

	private void checkSchemaVersion(String schemaVersion) {
		if (!schemaVersionAccepted(schemaVersion)) {
			throw new BadSyncRequestException((schemaVersion != null)
					? "schemaVersion '" + schemaVersion + "' is not supported by this server"
					: "field 'schemaVersion' is missing; this server accepts only some schema versions");
		}
	}

}

package dev.plasma.web;

import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.servlet.function.ServerResponse;

import dev.plasma.sync.BadSyncRequestException;
import dev.plasma.sync.Cookie;
import dev.plasma.sync.CookieFromFutureException;
import dev.plasma.sync.PullProcessor;
import dev.plasma.sync.PushProcessor;

/**
 * The Replicache adapter: {@code POST {base-path}/replicache/push} and {@code .../pull}, speaking what
 * the unmodified {@code replicache} npm client (v15) expects.
 * <ul>
 * <li>The cookie is an ordered object, <code>{"order": 123, "c1": "c1:..."}</code>, whose {@code order}
 * grows with the {@code c1} cursor.</li>
 * <li>Confirmations travel as {@code lastMutationIDChanges}.</li>
 * <li>An answer cut short by {@code plasma.pull.max-changes} ends its patch with a {@code put} of
 * {@value #HAS_MORE_KEY} (the answer's version, so that its value changes from page to page and a
 * subscription fires on each) and marks its cookie <code>"more": true</code>; the answer to that
 * cookie which catches up ends with a {@code del} of the key. The key holds no slash, so it never collides
 * with a row's {@code <table>/<row id>}. A client subscribes to it and pulls again while it is set
 * (Replicache itself pulls only on its interval or a poke).</li>
 * <li>A push with more mutations than {@code plasma.push.max-mutations} runs its first ones only: the
 * client sends its whole outbox in every push and drops what a pull confirms, so the rest follows in
 * its next push. Refusing the push would wedge a client whose outbox outgrew the limit while offline.</li>
 * <li>Protocol errors are HTTP 200 bodies: <code>{"error":"VersionNotSupported","versionType":...}</code>
 * and <code>{"error":"ClientStateNotFound"}</code> (for a cookie this server cannot have issued, such as
 * one from the future, and for a push or pull of a client group deleted for inactivity); the client then
 * starts over.</li>
 * </ul>
 */
public class ReplicacheSyncHandler extends SyncHandlerSupport {

	/**
	 * The key a Replicache patch sets while more changes are waiting for the client.
	 */
	public static final String HAS_MORE_KEY = "plasma:hasMore";

	public ReplicacheSyncHandler(JsonMapper jsonMapper, RequestLimits limits, PushProcessor pushProcessor,
			PullProcessor pullProcessor, Set<String> acceptedSchemaVersions, ConnectionGate gate, SyncAccess access) {
		super(jsonMapper, limits, pushProcessor, pullProcessor, acceptedSchemaVersions, gate, access);
	}

	@Override
	ServerResponse push(String user, JsonNode body) {
		SyncRequests.Push push = this.requests.push(body, true);
		if (push.pushVersion() != 1) {
			return versionNotSupported("push");
		}
		if (!schemaVersionAccepted(push.schemaVersion())) {
			return versionNotSupported("schema");
		}
		runPush(user, push.clientGroupId(), push.mutations());
		return ok(this.responses.write((generator) -> {
		}));
	}

	@Override
	ServerResponse pull(String user, JsonNode body) {
		SyncRequests.Pull pull = this.requests.pull(body);
		if (pull.pullVersion() != 1) {
			return versionNotSupported("pull");
		}
		if (!schemaVersionAccepted(pull.schemaVersion())) {
			return versionNotSupported("schema");
		}
		Cookie.Position cookie = cookie(pull.cookie());
		boolean toldMore = pull.cookie().isObject() && pull.cookie().path("more").asBoolean(false);
		try {
			return pull(user, pull.clientGroupId(), cookie, (generator, header) -> {
				generator.writeName("cookie");
				generator.writeStartObject();
				generator.writeNumberProperty("order", header.version());
				generator.writeStringProperty("c1", header.cookie());
				if (header.hasMore()) {
					generator.writeBooleanProperty("more", true);
				}
				generator.writeEndObject();
				SyncResponses.writeIds(generator, "lastMutationIDChanges", header.lastMutationIdChanges());
			}, (header, sink) -> {
				if (header.hasMore()) {
					sink.operation("put", HAS_MORE_KEY, Long.toString(header.version()));
				}
				else if (toldMore && !header.reset()) {
					sink.operation("del", HAS_MORE_KEY, null);
				}
			});
		}
		catch (CookieFromFutureException ex) {
			return ok(this.responses.error("ClientStateNotFound", null));
		}
	}

	/**
	 * Answers HTTP 200 <code>{"error":"ClientStateNotFound"}</code>: the client then starts a new client
	 * group.
	 */
	@Override
	ServerResponse clientStateNotFound(String message) {
		return ok(this.responses.error("ClientStateNotFound", null));
	}

	private static Cookie.Position cookie(JsonNode cookie) {
		if (cookie.isNull()) {
			return null;
		}
		JsonNode c1 = cookie.isObject() ? cookie.get("c1") : null;
		if (c1 == null || !c1.isString()) {
			throw new BadSyncRequestException("field 'cookie' must be null or an object with a 'c1' string");
		}
		return Cookie.parse(c1.stringValue());
	}

	private ServerResponse versionNotSupported(String versionType) {
		return ok(this.responses.write((generator) -> {
			generator.writeStringProperty("error", "VersionNotSupported");
			generator.writeStringProperty("versionType", versionType);
		}));
	}

}

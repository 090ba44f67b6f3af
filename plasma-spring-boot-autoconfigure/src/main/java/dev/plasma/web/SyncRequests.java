package dev.plasma.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

import dev.plasma.sync.BadSyncRequestException;
import dev.plasma.sync.PushMutation;

/**
 * Reads and validates push and pull request bodies, shared by both protocol adapters. Every problem is
 * reported as a {@link BadSyncRequestException} naming the field (or a {@link PayloadTooLargeException}
 * naming the limit), before anything is stored. Text holding a lone UTF-16 surrogate, which databases
 * store as {@code ?}, is refused anywhere in a body; client and client group IDs are also refused with a
 * control character (a NUL is more than PostgreSQL can store, a newline forges log lines).
 */
class SyncRequests {

	private static final int MAX_ID_LENGTH = 255;

	private final JsonMapper jsonMapper;

	private final RequestLimits limits;

	public SyncRequests(JsonMapper jsonMapper, RequestLimits limits) {
		this.jsonMapper = jsonMapper;
		this.limits = limits;
	}

	/**
	 * A parsed push request.
	 * @param pushVersion the protocol version the client speaks
	 * @param clientGroupId the client group
	 * @param schemaVersion the client's schema version, may be {@code null}
	 * @param mutations the mutations in order
	 */
	public record Push(long pushVersion, String clientGroupId, String schemaVersion, List<PushMutation> mutations) {
	}

	/**
	 * A parsed pull request.
	 * @param pullVersion the protocol version the client speaks
	 * @param clientGroupId the client group
	 * @param schemaVersion the client's schema version, may be {@code null}
	 * @param cookie the cookie as sent ({@link NullNode} when absent)
	 */
	public record Pull(long pullVersion, String clientGroupId, String schemaVersion, JsonNode cookie) {
	}

	/**
	 * Reads a push body, refusing more than {@link RequestLimits#maxPushBodySize()}.
	 * @param body the body stream
	 * @param contentLength the declared length, or -1
	 * @return the parsed JSON object
	 * @throws IOException when reading fails
	 */
	public JsonNode readPushBody(InputStream body, long contentLength) throws IOException {
		return readBody(body, contentLength, this.limits.maxPushBodySize(), "plasma.web.max-push-body-size");
	}

	/**
	 * Reads a pull body, refusing more than {@link RequestLimits#maxPullBodySize()}.
	 * @param body the body stream
	 * @param contentLength the declared length, or -1
	 * @return the parsed JSON object
	 * @throws IOException when reading fails
	 */
	public JsonNode readPullBody(InputStream body, long contentLength) throws IOException {
		return readBody(body, contentLength, this.limits.maxPullBodySize(), "plasma.web.max-pull-body-size");
	}

	private JsonNode readBody(InputStream body, long contentLength, long limit, String property) throws IOException {
		if (contentLength > limit) {
			throw tooLarge(limit, property);
		}
		ByteArrayOutputStream buffer = new ByteArrayOutputStream((int) Math.max(256, Math.min(contentLength, 65536)));
		byte[] chunk = new byte[8192];
		long total = 0;
		int read;
		while ((read = body.read(chunk)) != -1) {
			total += read;
			if (total > limit) {
				throw tooLarge(limit, property);
			}
			buffer.write(chunk, 0, read);
		}
		if (total == 0) {
			throw new BadSyncRequestException("request body is empty; expected a JSON object");
		}
		JsonNode root;
		try {
			root = this.jsonMapper.readTree(buffer.toByteArray());
		}
		catch (JacksonException ex) {
			throw new BadSyncRequestException("request body is not valid JSON: " + ex.getOriginalMessage());
		}
		if (root == null || !root.isObject()) {
			throw new BadSyncRequestException("request body must be a JSON object");
		}
		rejectLoneSurrogates(root, "");
		return root;
	}

	private static PayloadTooLargeException tooLarge(long limit, String property) {
		return new PayloadTooLargeException(
				"request body is larger than the limit of " + limit + " bytes (" + property + ")");
	}

	private static void rejectLoneSurrogates(JsonNode node, String path) {
		if (node.isString()) {
			checkText(node.stringValue(), path, "value");
		}
		else if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				rejectLoneSurrogates(node.get(i), path + "[" + i + "]");
			}
		}
		else if (node.isObject()) {
			for (Map.Entry<String, JsonNode> property : node.properties()) {
				String at = path.isEmpty() ? property.getKey() : path + "." + property.getKey();
				checkText(property.getKey(), at, "name");
				rejectLoneSurrogates(property.getValue(), at);
			}
		}
	}

	private static void checkText(String text, String path, String what) {
		int at = SafeText.loneSurrogate(text);
		if (at >= 0) {
			throw new BadSyncRequestException("field '" + SafeText.escape(path)
					+ "' holds a " + what + " with a lone UTF-16 surrogate (U+" + hex(text.charAt(at)) + " at index " + at
					+ "), which no database stores; send valid Unicode text");
		}
	}

	private static String hex(char c) {
		return String.format("%04X", (int) c);
	}

	/**
	 * Validates a push request, refusing one with more mutations than the limit.
	 * @param root the body
	 * @return the push
	 * @throws PayloadTooLargeException when the push carries more mutations than the limit
	 */
	public Push push(JsonNode root) {
		return push(root, false);
	}

	/**
	 * Validates a push request.
	 * @param root the body
	 * @param keepFirstOverLimit whether a push with more mutations than the limit keeps its first ones (the
	 * client sends the rest again in its next push) instead of being refused
	 * @return the push
	 * @throws PayloadTooLargeException when the push carries more mutations than the limit and
	 * {@code keepFirstOverLimit} is {@code false}
	 */
	public Push push(JsonNode root, boolean keepFirstOverLimit) {
		long version = requiredLong(root, "pushVersion", "");
		String clientGroupId = requiredId(root, "clientGroupID", "");
		String schemaVersion = optionalString(root, "schemaVersion");
		JsonNode mutationsNode = root.get("mutations");
		if (mutationsNode == null || !mutationsNode.isArray()) {
			throw new BadSyncRequestException("field 'mutations' is missing or not an array");
		}
		int count = mutationsNode.size();
		if (count > this.limits.maxMutations() && keepFirstOverLimit) {
			count = this.limits.maxMutations();
		}
		else if (count > this.limits.maxMutations()) {
			throw new PayloadTooLargeException("push carries " + mutationsNode.size() + " mutations, more than the limit of "
					+ this.limits.maxMutations() + " (plasma.push.max-mutations); send them in smaller pushes");
		}
		List<PushMutation> mutations = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			JsonNode node = mutationsNode.get(i);
			String at = "mutations[" + i + "].";
			if (!node.isObject()) {
				throw new BadSyncRequestException("field 'mutations[" + i + "]' must be an object");
			}
			String clientId = requiredId(node, "clientID", at);
			long id = requiredLong(node, "id", at);
			if (id < 1) {
				throw new BadSyncRequestException("field '" + at + "id' must be a positive integer, got " + id);
			}
			JsonNode nameNode = node.get("name");
			if (nameNode == null || !nameNode.isString() || nameNode.stringValue().isEmpty()) {
				throw new BadSyncRequestException("field '" + at + "name' is missing or not a non-empty string");
			}
			JsonNode args = node.has("args") ? node.get("args") : NullNode.getInstance();
			JsonNode timestampNode = node.get("timestamp");
			double timestamp = 0;
			if (timestampNode != null && !timestampNode.isNull()) {
				if (!timestampNode.isNumber()) {
					throw new BadSyncRequestException("field '" + at + "timestamp' must be a number");
				}
				timestamp = timestampNode.doubleValue();
			}
			mutations.add(new PushMutation(clientId, id, nameNode.stringValue(), args, timestamp));
		}
		return new Push(version, clientGroupId, schemaVersion, mutations);
	}

	/**
	 * Validates a pull request.
	 * @param root the body
	 * @return the pull
	 */
	public Pull pull(JsonNode root) {
		long version = requiredLong(root, "pullVersion", "");
		String clientGroupId = requiredId(root, "clientGroupID", "");
		String schemaVersion = optionalString(root, "schemaVersion");
		JsonNode cookie = root.has("cookie") ? root.get("cookie") : NullNode.getInstance();
		return new Pull(version, clientGroupId, schemaVersion, cookie);
	}

	private static long requiredLong(JsonNode node, String field, String at) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			throw new BadSyncRequestException("field '" + at + field + "' is missing");
		}
		if (!value.isIntegralNumber() || !value.canConvertToLong()) {
			throw new BadSyncRequestException("field '" + at + field + "' must be an integer, got " + value);
		}
		return value.longValue();
	}

	private static String requiredId(JsonNode node, String field, String at) {
		JsonNode value = node.get(field);
		if (value == null || !value.isString() || value.stringValue().isEmpty()) {
			throw new BadSyncRequestException("field '" + at + field + "' is missing or not a non-empty string");
		}
		String id = value.stringValue();
		if (id.length() > MAX_ID_LENGTH) {
			throw new BadSyncRequestException("field '" + at + field + "' is longer than " + MAX_ID_LENGTH + " characters");
		}
		int control = SafeText.controlCharacter(id);
		if (control >= 0) {
			throw new BadSyncRequestException("field '" + at + field + "' holds a control character (U+"
					+ hex(id.charAt(control)) + " at index " + control + "); IDs must be printable text");
		}
		return id;
	}

	private static String optionalString(JsonNode node, String field) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw new BadSyncRequestException("field '" + field + "' must be a string");
		}
		return value.stringValue();
	}

}

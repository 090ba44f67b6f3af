package dev.plasma.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

import dev.plasma.sync.BadSyncRequestException;
import dev.plasma.sync.PushMutation;

/**
 * Reads and validates push and pull request bodies, shared by both protocol adapters. Every problem is
 * reported as a {@link BadSyncRequestException} naming the field, before anything is stored.
 */
public class SyncRequests {

	private static final int MAX_ID_LENGTH = 255;

	private final JsonMapper jsonMapper;

	private final long maxBodySize;

	public SyncRequests(JsonMapper jsonMapper, long maxBodySize) {
		this.jsonMapper = jsonMapper;
		this.maxBodySize = maxBodySize;
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
	 * Reads a body, refusing more than the limit.
	 * @param body the body stream
	 * @param contentLength the declared length, or -1
	 * @return the parsed JSON object
	 * @throws IOException when reading fails
	 */
	public JsonNode readBody(InputStream body, long contentLength) throws IOException {
		if (contentLength > this.maxBodySize) {
			throw new PayloadTooLargeException(this.maxBodySize);
		}
		ByteArrayOutputStream buffer = new ByteArrayOutputStream((int) Math.max(256, Math.min(contentLength, 65536)));
		byte[] chunk = new byte[8192];
		long total = 0;
		int read;
		while ((read = body.read(chunk)) != -1) {
			total += read;
			if (total > this.maxBodySize) {
				throw new PayloadTooLargeException(this.maxBodySize);
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
		return root;
	}

	/**
	 * Validates a push request.
	 * @param root the body
	 * @return the push
	 */
	public Push push(JsonNode root) {
		long version = requiredLong(root, "pushVersion", "");
		String clientGroupId = requiredId(root, "clientGroupID", "");
		String schemaVersion = optionalString(root, "schemaVersion");
		JsonNode mutationsNode = root.get("mutations");
		if (mutationsNode == null || !mutationsNode.isArray()) {
			throw new BadSyncRequestException("field 'mutations' is missing or not an array");
		}
		List<PushMutation> mutations = new ArrayList<>(mutationsNode.size());
		for (int i = 0; i < mutationsNode.size(); i++) {
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
		if (value.stringValue().length() > MAX_ID_LENGTH) {
			throw new BadSyncRequestException("field '" + at + field + "' is longer than " + MAX_ID_LENGTH + " characters");
		}
		return value.stringValue();
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

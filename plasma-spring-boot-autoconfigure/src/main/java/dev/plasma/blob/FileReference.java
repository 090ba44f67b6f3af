package dev.plasma.blob;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A file column's value in a change entry's row JSON: the column's text is the reference JSON
 * {@code {"hash": ..., "size": ..., "mime": ..., "name": ...}} (a JSON column may also arrive as the object
 * itself).
 * @param hash the blob's SHA-256 in lower-case hex
 * @param size the size the reference claims, in bytes
 * @param mime the MIME type the reference claims
 */
record FileReference(String hash, long size, String mime) {

	/**
	 * Returns the hash a row references in a column, leniently: other fields are not looked at.
	 * @return the hash, or {@code null} when the value is null, not a reference, or names no valid hash
	 */
	static @Nullable String hash(JsonMapper mapper, @Nullable JsonNode value) {
		JsonNode reference = object(mapper, value);
		JsonNode hash = (reference != null) ? reference.get("hash") : null;
		return (hash != null && hash.isString() && BlobHashes.isHash(hash.stringValue())) ? hash.stringValue() : null;
	}

	/**
	 * Reads a non-null value strictly: an object with {@code hash} (64 lower-case hex digits), {@code size}
	 * (a non-negative integer), {@code mime} (a non-blank string) and optionally {@code name} (a string).
	 * @return the reference, or {@code null} when the value is not one
	 */
	static @Nullable FileReference parse(JsonMapper mapper, JsonNode value) {
		JsonNode reference = object(mapper, value);
		if (reference == null) {
			return null;
		}
		JsonNode hash = reference.get("hash");
		JsonNode size = reference.get("size");
		JsonNode mime = reference.get("mime");
		JsonNode name = reference.get("name");
		boolean wellFormed = hash != null && hash.isString() && BlobHashes.isHash(hash.stringValue()) && size != null
				&& size.isIntegralNumber() && size.canConvertToLong() && size.longValue() >= 0 && mime != null
				&& mime.isString() && !mime.stringValue().isBlank() && (name == null || name.isNull() || name.isString());
		return wellFormed ? new FileReference(hash.stringValue(), size.longValue(), mime.stringValue()) : null;
	}

	private static @Nullable JsonNode object(JsonMapper mapper, @Nullable JsonNode value) {
		if (value == null || value.isNull()) {
			return null;
		}
		JsonNode reference = value;
		if (value.isString()) {
			try {
				reference = mapper.readTree(value.stringValue());
			}
			catch (JacksonException ex) {
				return null;
			}
		}
		return reference.isObject() ? reference : null;
	}

}

package dev.plasma.blob;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the blob hash out of a file column's value in a change entry's row JSON: the column's text is the
 * reference JSON {@code {"hash": ..., "size": ..., "mime": ..., "name": ...}} (a JSON column may also
 * arrive as the object itself).
 */
final class FileReference {

	private FileReference() {
	}

	/**
	 * Returns the hash a row references in a column.
	 * @return the hash, or {@code null} when the value is null, not a reference, or names no valid hash
	 */
	static @Nullable String hash(JsonMapper mapper, @Nullable JsonNode value) {
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
		JsonNode hash = reference.get("hash");
		return (hash != null && hash.isString() && BlobHashes.isHash(hash.stringValue())) ? hash.stringValue() : null;
	}

}

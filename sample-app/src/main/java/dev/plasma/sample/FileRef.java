package dev.plasma.sample;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import tools.jackson.databind.json.JsonMapper;

/**
 * A file reference as {@code attachFile} receives it and the {@code todos.attachment} column stores it:
 * {@code {"hash": SHA-256 hex, "size": bytes, "mime": type, "name"?: original name}}. This checks the shape
 * for a clear error; Plasma checks after the mutator ran whether the user may reference the hash at all
 * (they uploaded it, or may read a row referencing it) and whether {@code size} and {@code mime} are those
 * the blob was uploaded with and accepted by the column.
 * @param hash the blob's SHA-256 in lower-case hex
 * @param size its size in bytes
 * @param mime its MIME type
 * @param name its original file name, or {@code null}
 */
record FileRef(String hash, Long size, String mime, String name) {

	private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

	private static final Pattern MIME = Pattern.compile("[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+");

	private static final int MAX_NAME_LENGTH = 255;

	/**
	 * Returns the reference as the column stores it, after checking its shape.
	 * @param mapper writes the JSON
	 * @return the reference JSON
	 * @throws IllegalArgumentException naming the first field that is wrong
	 */
	String toJson(JsonMapper mapper) {
		if (this.hash == null || !HASH.matcher(this.hash).matches()) {
			throw new IllegalArgumentException("file.hash must be a SHA-256 in 64 lower-case hex digits");
		}
		if (this.size == null || this.size < 0) {
			throw new IllegalArgumentException("file.size must be a number of bytes");
		}
		if (this.mime == null || !MIME.matcher(this.mime).matches()) {
			throw new IllegalArgumentException("file.mime must be a MIME type such as image/png");
		}
		if (this.name != null && (this.name.isBlank() || this.name.length() > MAX_NAME_LENGTH
				|| this.name.chars().anyMatch(Character::isISOControl))) {
			throw new IllegalArgumentException("file.name must be 1 to " + MAX_NAME_LENGTH + " characters without control characters");
		}
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("hash", this.hash);
		json.put("size", this.size);
		json.put("mime", this.mime);
		if (this.name != null) {
			json.put("name", this.name);
		}
		return mapper.writeValueAsString(json);
	}

}

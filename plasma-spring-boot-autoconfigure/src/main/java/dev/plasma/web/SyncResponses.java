package dev.plasma.web;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.function.Consumer;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes response bodies. Row values are written as the raw JSON the change log holds.
 */
class SyncResponses {

	private final JsonMapper jsonMapper;

	SyncResponses(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	byte[] write(Consumer<JsonGenerator> body) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(512);
		try (JsonGenerator generator = this.jsonMapper.createGenerator(out)) {
			generator.writeStartObject();
			body.accept(generator);
			generator.writeEndObject();
		}
		return out.toByteArray();
	}

	byte[] error(String error, String message) {
		return write((generator) -> {
			generator.writeStringProperty("error", error);
			if (message != null) {
				generator.writeStringProperty("message", message);
			}
		});
	}

	static void writeIds(JsonGenerator generator, String name, Map<String, Long> ids) {
		generator.writeName(name);
		generator.writeStartObject();
		ids.forEach(generator::writeNumberProperty);
		generator.writeEndObject();
	}

}

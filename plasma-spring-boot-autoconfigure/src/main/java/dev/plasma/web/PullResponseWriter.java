package dev.plasma.web;

import java.util.function.BiConsumer;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.ServerResponse;

import dev.plasma.sync.PatchSink;
import dev.plasma.sync.PullHeader;

/**
 * Writes a pull's answer as it is read: the protocol's header fields, then the patch, one operation at a
 * time, into a {@link SpillingBuffer}. The answer becomes a response only once the pull has completed, so
 * a pull that fails half-way still gets a proper error response.
 */
final class PullResponseWriter implements PatchSink {

	private final SpillingBuffer buffer;

	private final JsonGenerator generator;

	private final BiConsumer<JsonGenerator, PullHeader> headerWriter;

	private final BiConsumer<PullHeader, PatchSink> lastOperations;

	private PullHeader header;

	/**
	 * Creates a writer.
	 * @param jsonMapper creates the generator
	 * @param memoryLimit the most bytes kept in memory before the body moves to a temporary file
	 * @param headerWriter writes the protocol's fields other than {@code patch}
	 * @param lastOperations adds the protocol's own operations at the end of the patch
	 */
	PullResponseWriter(JsonMapper jsonMapper, int memoryLimit, BiConsumer<JsonGenerator, PullHeader> headerWriter,
			BiConsumer<PullHeader, PatchSink> lastOperations) {
		this.buffer = new SpillingBuffer(memoryLimit);
		this.generator = jsonMapper.createGenerator(this.buffer);
		this.headerWriter = headerWriter;
		this.lastOperations = lastOperations;
	}

	@Override
	public void begin(PullHeader header) {
		this.header = header;
		this.generator.writeStartObject();
		this.headerWriter.accept(this.generator, header);
		this.generator.writeName("patch");
		this.generator.writeStartArray();
	}

	@Override
	public void operation(String op, String key, String value) {
		this.generator.writeStartObject();
		this.generator.writeStringProperty("op", op);
		if (key != null) {
			this.generator.writeStringProperty("key", key);
		}
		if (value != null) {
			this.generator.writeName("value");
			this.generator.writeRawValue(value);
		}
		this.generator.writeEndObject();
	}

	/**
	 * Ends the answer and turns it into a response: from memory, or streamed from its temporary file,
	 * which is deleted once written (or once the write fails).
	 * @return the response
	 */
	ServerResponse finish() {
		this.lastOperations.accept(this.header, this);
		this.generator.writeEndArray();
		this.generator.writeEndObject();
		this.generator.close();
		if (this.buffer.inMemory()) {
			return SyncHandlerSupport.ok(this.buffer.toByteArray());
		}
		return ServerResponse.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.contentLength(this.buffer.size())
			.build((request, response) -> {
				try {
					this.buffer.writeTo(response.getOutputStream());
				}
				finally {
					this.buffer.discard();
				}
				return null;
			});
	}

	/**
	 * Drops a partly written answer and its temporary file.
	 */
	void abandon() {
		try {
			this.generator.close();
		}
		catch (RuntimeException ex) {
			// the answer is dropped anyway
		}
		this.buffer.discard();
	}

}

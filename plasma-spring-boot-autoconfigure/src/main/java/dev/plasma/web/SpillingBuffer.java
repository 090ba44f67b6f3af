package dev.plasma.web;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Collects a response body: in memory up to a limit, in a temporary file beyond it. A full-state pull of
 * any size is then written out after its read transaction has ended (the database connection goes back to
 * the pool at database speed, not at the client's network speed) without holding the body on the heap.
 */
final class SpillingBuffer extends OutputStream {

	private final int memoryLimit;

	private ByteArrayOutputStream memory = new ByteArrayOutputStream(1024);

	private Path file;

	private OutputStream fileOut;

	private long size;

	/**
	 * Creates a buffer.
	 * @param memoryLimit the most bytes kept in memory; a larger body moves to a temporary file
	 */
	SpillingBuffer(int memoryLimit) {
		this.memoryLimit = memoryLimit;
	}

	@Override
	public void write(int b) throws IOException {
		reserve(1).write(b);
		this.size++;
	}

	@Override
	public void write(byte[] bytes, int offset, int length) throws IOException {
		reserve(length).write(bytes, offset, length);
		this.size += length;
	}

	private OutputStream reserve(int length) throws IOException {
		if (this.fileOut != null) {
			return this.fileOut;
		}
		if (this.size + length <= this.memoryLimit) {
			return this.memory;
		}
		this.file = Files.createTempFile("plasma-pull-", ".json");
		this.fileOut = new BufferedOutputStream(Files.newOutputStream(this.file), 64 * 1024);
		this.memory.writeTo(this.fileOut);
		this.memory = null;
		return this.fileOut;
	}

	@Override
	public void flush() throws IOException {
		if (this.fileOut != null) {
			this.fileOut.flush();
		}
	}

	/**
	 * Returns how many bytes were written.
	 * @return the size
	 */
	long size() {
		return this.size;
	}

	/**
	 * Returns whether the body is still in memory.
	 * @return {@code true} when nothing went to a file
	 */
	boolean inMemory() {
		return this.fileOut == null;
	}

	/**
	 * Returns the temporary file the body moved to, if it did.
	 * @return the file or {@code null}
	 */
	Path file() {
		return this.file;
	}

	/**
	 * Returns the body, when it is still in memory.
	 * @return the bytes
	 */
	byte[] toByteArray() {
		if (this.memory == null) {
			throw new IllegalStateException("the body moved to " + this.file);
		}
		return this.memory.toByteArray();
	}

	/**
	 * Writes the whole body to {@code out}.
	 * @param out where to
	 * @throws IOException when reading the file or writing fails
	 */
	void writeTo(OutputStream out) throws IOException {
		if (this.memory != null) {
			this.memory.writeTo(out);
			return;
		}
		this.fileOut.flush();
		Files.copy(this.file, out);
	}

	/**
	 * Drops the body and deletes its temporary file, if any. Safe to call more than once.
	 */
	void discard() {
		this.memory = null;
		try {
			if (this.fileOut != null) {
				this.fileOut.close();
			}
			if (this.file != null) {
				Files.deleteIfExists(this.file);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Plasma: could not delete " + this.file, ex);
		}
	}

}

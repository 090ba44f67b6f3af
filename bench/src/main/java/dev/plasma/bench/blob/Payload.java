package dev.plasma.bench.blob;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

import dev.plasma.blob.BlobHashes;

/**
 * The bytes the benchmark moves: one file of random bytes on disk, never held in memory, read as
 * <em>variants</em> whose first 8 bytes are the variant's number, so that every upload is a blob of its own
 * (an upload of a hash already present would be deduplicated and move no bytes).
 */
final class Payload {

	private static final int PREFIX = Long.BYTES;

	private final Path file;

	private final long size;

	private final Map<String, String> hashes = new HashMap<>();

	private Payload(Path file, long size) {
		this.file = file;
		this.size = size;
	}

	/**
	 * Writes {@code size} random bytes to {@code file}.
	 * @param file the file to write
	 * @param size its size in bytes, at least 8
	 * @return the payload
	 * @throws IOException when the file cannot be written
	 */
	static Payload create(Path file, long size) throws IOException {
		byte[] block = new byte[1024 * 1024];
		Random random = new Random(11);
		try (OutputStream out = Files.newOutputStream(file)) {
			for (long written = 0; written < size; written += block.length) {
				random.nextBytes(block);
				out.write(block, 0, (int) Math.min(block.length, size - written));
			}
		}
		return new Payload(file, size);
	}

	long size() {
		return this.size;
	}

	/**
	 * Opens the first {@code length} bytes of a variant.
	 * @param variant the variant's number
	 * @param length how many bytes, from 8 to the payload's size
	 * @return the bytes
	 * @throws IOException when the file cannot be read
	 */
	InputStream open(long variant, long length) throws IOException {
		InputStream rest = Files.newInputStream(this.file);
		rest.skipNBytes(PREFIX);
		return new SequenceInputStream(new ByteArrayInputStream(ByteBuffer.allocate(PREFIX).putLong(variant).array()),
				new Bounded(rest, length - PREFIX));
	}

	/**
	 * Returns the SHA-256 of a variant's first {@code length} bytes (hashed once, then remembered).
	 * @param variant the variant's number
	 * @param length how many bytes
	 * @return the hash in lower-case hex
	 * @throws IOException when the file cannot be read
	 */
	String hash(long variant, long length) throws IOException {
		String key = variant + "/" + length;
		String known = this.hashes.get(key);
		if (known != null) {
			return known;
		}
		var digest = BlobHashes.sha256();
		try (InputStream in = new DigestInputStream(open(variant, length), digest)) {
			in.transferTo(OutputStream.nullOutputStream());
		}
		String hash = HexFormat.of().formatHex(digest.digest());
		this.hashes.put(key, hash);
		return hash;
	}

	/**
	 * Reads at most a given number of bytes of another stream, and closes it.
	 */
	private static final class Bounded extends InputStream {

		private final InputStream in;

		private long remaining;

		Bounded(InputStream in, long remaining) {
			this.in = in;
			this.remaining = remaining;
		}

		@Override
		public int read() throws IOException {
			if (this.remaining <= 0) {
				return -1;
			}
			int b = this.in.read();
			if (b >= 0) {
				this.remaining--;
			}
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			if (this.remaining <= 0) {
				return -1;
			}
			int n = this.in.read(buffer, offset, (int) Math.min(length, this.remaining));
			if (n > 0) {
				this.remaining -= n;
			}
			return n;
		}

		@Override
		public void close() throws IOException {
			this.in.close();
		}

	}

}

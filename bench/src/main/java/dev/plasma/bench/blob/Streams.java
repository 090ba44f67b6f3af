package dev.plasma.bench.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Moves streams to their end through a 64 KB buffer (the size the server copies a download with).
 */
final class Streams {

	private static final int BUFFER = 64 * 1024;

	private Streams() {
	}

	/**
	 * Reads a stream to its end without keeping the bytes.
	 * @param in the stream
	 * @return the bytes read
	 * @throws IOException when reading fails
	 */
	static long drain(InputStream in) throws IOException {
		return copy(in, OutputStream.nullOutputStream());
	}

	/**
	 * Copies a stream to its end.
	 * @param in the stream
	 * @param out where its bytes go
	 * @return the bytes copied
	 * @throws IOException when reading or writing fails
	 */
	static long copy(InputStream in, OutputStream out) throws IOException {
		byte[] buffer = new byte[BUFFER];
		long total = 0;
		for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
			out.write(buffer, 0, n);
			total += n;
		}
		return total;
	}

}

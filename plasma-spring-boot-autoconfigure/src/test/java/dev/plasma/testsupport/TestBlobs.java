package dev.plasma.testsupport;

import java.util.HexFormat;
import java.util.Random;

import dev.plasma.blob.BlobHashes;

/**
 * Blob content for tests: reproducible random bytes and their name.
 */
public final class TestBlobs {

	private TestBlobs() {
	}

	/**
	 * Returns random bytes, the same for the same seed.
	 * @param size how many
	 * @param seed the seed
	 * @return the bytes
	 */
	public static byte[] bytes(int size, long seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

	/**
	 * Returns the name of a blob: its SHA-256 in lower-case hex.
	 * @param bytes the blob
	 * @return the hash
	 */
	public static String sha256(byte[] bytes) {
		return HexFormat.of().formatHex(BlobHashes.sha256().digest(bytes));
	}

}

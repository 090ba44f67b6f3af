package dev.plasma.blob;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The shape of blob names: SHA-256 as 64 lower-case hex digits, and upload keys.
 */
public final class BlobHashes {

	private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

	private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,128}");

	private BlobHashes() {
	}

	/**
	 * Returns whether a text is a SHA-256 hash in lower-case hex.
	 * @param text the text
	 * @return whether it is one
	 */
	public static boolean isHash(String text) {
		return HASH.matcher(text).matches();
	}

	/**
	 * Returns the lower-case hex of a digest.
	 * @param digest the finished digest
	 * @return the hex
	 */
	public static String hex(MessageDigest digest) {
		return HexFormat.of().formatHex(digest.digest());
	}

	/**
	 * Returns a new SHA-256 digest.
	 * @return the digest
	 */
	public static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static String requireHash(String hash) {
		if (!isHash(hash)) {
			throw new IllegalArgumentException("not a SHA-256 hash in lower-case hex: '" + hash + "'");
		}
		return hash;
	}

	static String requireKey(String key) {
		if (!KEY.matcher(key).matches()) {
			throw new IllegalArgumentException("not an upload key: '" + key + "'");
		}
		return key;
	}

}

package dev.plasma.sync;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The {@code c1:} pull cookie: {@code c1:} followed by base64 of a JSON object mapping region ID to the
 * highest version the client has received in that region, as a string. This server serves a single
 * region, {@code "0"}: {@code c1:} + base64 of <code>{"0":"123"}</code>.
 * <p>
 * When read rules are declared, the object also holds the reserved non-region key {@code "g"}: a
 * fingerprint of the rules and of the pulling user's grants when the cookie was issued
 * (<code>{"0":"123","g":"Xy3..."}</code>). A pull whose grants no longer match it gets a reset.
 */
public final class Cookie {

	/** Prefix of version-1 cookies. */
	public static final String PREFIX = "c1:";

	/** Region served by a single-region deployment. */
	public static final String REGION = "0";

	/** Reserved key of the grants fingerprint. */
	public static final String GRANTS_KEY = "g";

	private static final Pattern SINGLE_REGION = Pattern.compile(
			"\\{\\s*\"([^\"]*)\"\\s*:\\s*\"(\\d{1,18})\"\\s*(?:,\\s*\"g\"\\s*:\\s*\"([A-Za-z0-9_-]{1,64})\"\\s*)?}");

	private Cookie() {
	}

	/**
	 * Encodes a version as a cookie.
	 * @param version the highest version the client has received
	 * @return the cookie
	 */
	public static String encode(long version) {
		return encode(version, null);
	}

	/**
	 * Encodes a version and a grants fingerprint as a cookie.
	 * @param version the highest version the client has received
	 * @param grants the grants fingerprint, {@code null} for none (no read rules)
	 * @return the cookie
	 */
	public static String encode(long version, @Nullable String grants) {
		String json = "{\"" + REGION + "\":\"" + version + "\""
				+ ((grants != null) ? ",\"" + GRANTS_KEY + "\":\"" + grants + "\"" : "") + "}";
		return PREFIX + Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Decodes a cookie.
	 * @param cookie the cookie
	 * @return the version of region {@code "0"}
	 * @throws BadSyncRequestException when the cookie is not a well-formed single-region {@code c1:} cookie
	 */
	public static long decode(String cookie) {
		return parse(cookie).version();
	}

	/**
	 * Parses a cookie into its version and grants fingerprint.
	 * @param cookie the cookie
	 * @return the position it names
	 * @throws BadSyncRequestException when the cookie is not a well-formed single-region {@code c1:} cookie
	 */
	public static Position parse(String cookie) {
		if (!cookie.startsWith(PREFIX)) {
			throw new BadSyncRequestException("malformed cookie: it must start with 'c1:'");
		}
		String json;
		try {
			json = new String(Base64.getDecoder().decode(cookie.substring(PREFIX.length())), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			throw new BadSyncRequestException("malformed cookie: the part after 'c1:' is not base64");
		}
		Matcher matcher = SINGLE_REGION.matcher(json);
		if (!matcher.matches()) {
			throw new BadSyncRequestException("malformed cookie: expected base64 of {\"0\":\"<version>\"}");
		}
		if (!REGION.equals(matcher.group(1))) {
			throw new BadSyncRequestException(
					"cookie names region '" + matcher.group(1) + "' but this server serves region '0' only");
		}
		return new Position(Long.parseLong(matcher.group(2)), matcher.group(3));
	}

	/**
	 * Returns the regions of a version, as the cookie's JSON object holds them.
	 * @param version the version
	 * @return the region map
	 */
	public static Map<String, String> regions(long version) {
		return Map.of(REGION, Long.toString(version));
	}

	/**
	 * What a cookie names: the version a client has received everything up to, and the fingerprint of
	 * the grants its patches were filtered with.
	 * @param version the version of region {@code "0"}
	 * @param grants the grants fingerprint, {@code null} when the cookie carries none
	 */
	public record Position(long version, @Nullable String grants) {
	}

}

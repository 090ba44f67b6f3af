package dev.plasma.sync;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.plasma.region.RegionIds;

/**
 * The {@code c1:} pull cookie: {@code c1:} followed by base64 of a JSON object mapping every region ID to
 * the highest version the client has received in that region, as a string: <code>{"0":"123","1":"45"}</code>.
 * A cursor means "everything of the region up to and including this version"; versions of a region may
 * have holes. A single-region server writes <code>{"0":"123"}</code>, so cookies of earlier versions keep
 * working; a region missing from a cookie counts as cursor 0.
 * <p>
 * When read rules are declared, the object also holds the reserved non-region key {@code "g"}: a
 * fingerprint of the rules and of the pulling user's grants when the cookie was issued
 * (<code>{"0":"123","g":"Xy3..."}</code>). A pull whose grants no longer match it gets a reset.
 */
public final class Cookie {

	/** Prefix of version-1 cookies. */
	public static final String PREFIX = "c1:";

	/** Region served by a single-region deployment. */
	public static final String REGION = RegionIds.DEFAULT;

	/** Reserved key of the grants fingerprint. */
	public static final String GRANTS_KEY = "g";

	private static final int MAX_REGIONS = 64;

	private static final Pattern OBJECT = Pattern.compile("\\{\\s*(.*?)\\s*}", Pattern.DOTALL);

	private static final Pattern MEMBER = Pattern.compile("\\G\\s*\"([^\"]{0,64})\"\\s*:\\s*\"([^\"]{0,64})\"\\s*(,|$)");

	private static final Pattern VERSION = Pattern.compile("\\d{1,18}");

	private static final Pattern GRANTS = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	private Cookie() {
	}

	/**
	 * Encodes a version of region {@code "0"} as a cookie.
	 * @param version the highest version the client has received
	 * @return the cookie
	 */
	public static String encode(long version) {
		return encode(version, null);
	}

	/**
	 * Encodes a version of region {@code "0"} and a grants fingerprint as a cookie.
	 * @param version the highest version the client has received
	 * @param grants the grants fingerprint, {@code null} for none (no read rules)
	 * @return the cookie
	 */
	public static String encode(long version, @Nullable String grants) {
		return encode(Map.of(REGION, version), grants);
	}

	/**
	 * Encodes every region's cursor and a grants fingerprint as a cookie.
	 * @param cursors the highest version received, by region
	 * @param grants the grants fingerprint, {@code null} for none (no read rules)
	 * @return the cookie
	 */
	public static String encode(Map<String, Long> cursors, @Nullable String grants) {
		StringBuilder json = new StringBuilder("{");
		new TreeMap<>(cursors).forEach((region, cursor) -> {
			if (json.length() > 1) {
				json.append(',');
			}
			json.append('"').append(RegionIds.require(region, "region")).append("\":\"").append(cursor).append('"');
		});
		if (grants != null) {
			json.append(",\"").append(GRANTS_KEY).append("\":\"").append(grants).append('"');
		}
		json.append('}');
		return PREFIX + Base64.getEncoder().encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Decodes a cookie.
	 * @param cookie the cookie
	 * @return the cursor of region {@code "0"} (0 when the cookie names none)
	 * @throws BadSyncRequestException when the cookie is not a well-formed {@code c1:} cookie
	 */
	public static long decode(String cookie) {
		return parse(cookie).cursor(REGION);
	}

	/**
	 * Parses a cookie into its cursors and grants fingerprint.
	 * @param cookie the cookie
	 * @return the position it names
	 * @throws BadSyncRequestException when the cookie is not a well-formed {@code c1:} cookie
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
		Matcher object = OBJECT.matcher(json);
		if (!object.matches()) {
			throw malformed();
		}
		Map<String, Long> cursors = new TreeMap<>();
		String grants = null;
		String members = object.group(1);
		Matcher member = MEMBER.matcher(members);
		int end = 0;
		boolean more = true;
		while (more && end < members.length()) {
			if (!member.find(end) || member.start() != end) {
				throw malformed();
			}
			String key = member.group(1);
			String value = member.group(2);
			if (GRANTS_KEY.equals(key)) {
				if (grants != null || !GRANTS.matcher(value).matches()) {
					throw malformed();
				}
				grants = value;
			}
			else {
				if (!RegionIds.isValid(key) || !VERSION.matcher(value).matches() || cursors.containsKey(key)
						|| cursors.size() == MAX_REGIONS) {
					throw malformed();
				}
				cursors.put(key, Long.parseLong(value));
			}
			end = member.end();
			more = !member.group(3).isEmpty();
		}
		if (more || end != members.length() || cursors.isEmpty()) {
			throw malformed();
		}
		return new Position(cursors, grants);
	}

	private static BadSyncRequestException malformed() {
		return new BadSyncRequestException(
				"malformed cookie: expected base64 of {\"<region>\":\"<version>\",...} with region IDs of [A-Za-z0-9_-]");
	}

	/**
	 * Returns the regions of a version of region {@code "0"}, as the cookie's JSON object holds them.
	 * @param version the version
	 * @return the region map
	 */
	public static Map<String, String> regions(long version) {
		return Map.of(REGION, Long.toString(version));
	}

	/**
	 * What a cookie names: the version a client has received everything up to in each region, and the
	 * fingerprint of the grants its patches were filtered with.
	 * @param cursors the cursor of each region the cookie names
	 * @param grants the grants fingerprint, {@code null} when the cookie carries none
	 */
	public record Position(Map<String, Long> cursors, @Nullable String grants) {

		/**
		 * Copies the cursors.
		 * @param cursors the cursor of each region
		 * @param grants the grants fingerprint or {@code null}
		 */
		public Position {
			cursors = Collections.unmodifiableMap(new TreeMap<>(cursors));
		}

		/**
		 * Creates the position of a single-region cookie.
		 * @param version the cursor of region {@code "0"}
		 * @param grants the grants fingerprint or {@code null}
		 */
		public Position(long version, @Nullable String grants) {
			this(Map.of(REGION, version), grants);
		}

		/**
		 * Returns a region's cursor, 0 for a region the cookie does not name.
		 * @param region the region
		 * @return the cursor
		 */
		public long cursor(String region) {
			return this.cursors.getOrDefault(region, 0L);
		}

		/**
		 * Returns the sum of the cursors: it grows whenever any region's cursor does (Replicache's
		 * {@code order}); for a single region, its cursor.
		 * @return the sum
		 */
		public long version() {
			long sum = 0;
			for (long cursor : this.cursors.values()) {
				sum += cursor;
			}
			return sum;
		}

	}

}

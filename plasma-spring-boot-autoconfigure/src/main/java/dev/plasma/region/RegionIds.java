package dev.plasma.region;

import java.util.regex.Pattern;

/**
 * Region IDs: short names of {@code [A-Za-z0-9_-]} (at most {@value #MAX_LENGTH} characters), never the
 * cookie's reserved grants key {@code "g"}. A valid ID is safe to write into SQL as a literal.
 */
public final class RegionIds {

	/** The region of a single-region deployment, and the default of every region setting. */
	public static final String DEFAULT = "0";

	/** The longest region ID. */
	public static final int MAX_LENGTH = 32;

	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_LENGTH + "}");

	private RegionIds() {
	}

	/**
	 * Returns whether a text is a valid region ID.
	 * @param id the text
	 * @return whether it is valid
	 */
	public static boolean isValid(String id) {
		return VALID.matcher(id).matches() && !"g".equals(id);
	}

	/**
	 * Returns a region ID after checking it.
	 * @param id the ID
	 * @param what what the ID configures, for the error message
	 * @return the ID
	 * @throws IllegalArgumentException when the ID is not valid
	 */
	public static String require(String id, String what) {
		if (!isValid(id)) {
			throw new IllegalArgumentException(what + " must be 1 to " + MAX_LENGTH
					+ " characters of [A-Za-z0-9_-] (and not \"g\"), but was '" + id.replaceAll("[^A-Za-z0-9_-]", "?")
					+ "'");
		}
		return id;
	}

	/**
	 * Returns an SQL literal of a valid region ID.
	 * @param id the ID
	 * @return the quoted literal
	 */
	public static String literal(String id) {
		return "'" + require(id, "region ID") + "'";
	}

}

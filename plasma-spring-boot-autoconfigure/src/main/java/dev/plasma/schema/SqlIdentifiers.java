package dev.plasma.schema;

import java.util.regex.Pattern;

/**
 * Validation of identifiers that come from configuration before they are used in SQL.
 * <p>
 * Only plain SQL identifiers are accepted: a letter or underscore followed by letters, digits or
 * underscores, at most {@value #MAX_LENGTH} characters (so that derived trigger names stay within the
 * 63/64 character limits of PostgreSQL and MariaDB), and never a name of Plasma's own {@code _plasma_}
 * namespace.
 */
public final class SqlIdentifiers {

	/** Longest accepted table name. */
	public static final int MAX_LENGTH = 48;

	private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

	private SqlIdentifiers() {
	}

	/**
	 * Returns why {@code name} is not acceptable as a synced table name, or {@code null} when it is.
	 * @param name the configured name
	 * @return the problem, or {@code null}
	 */
	public static String problemWithTableName(String name) {
		if (name == null || name.isEmpty()) {
			return "the name is empty";
		}
		if (!PLAIN_IDENTIFIER.matcher(name).matches()) {
			return "'" + name + "' is not a plain SQL identifier (letters, digits and underscores, not starting with a digit)";
		}
		if (name.length() > MAX_LENGTH) {
			return "'" + name + "' is longer than " + MAX_LENGTH + " characters";
		}
		if (name.toLowerCase(java.util.Locale.ROOT).startsWith("_plasma_")) {
			return "'" + name + "' belongs to Plasma's internal _plasma_ namespace";
		}
		return null;
	}

	/**
	 * Quotes an identifier that has already been validated or read from database metadata.
	 * @param identifier the identifier
	 * @param quote the dialect's quote character
	 * @return the quoted identifier
	 */
	public static String quote(String identifier, char quote) {
		String q = String.valueOf(quote);
		return q + identifier.replace(q, q + q) + q;
	}

}

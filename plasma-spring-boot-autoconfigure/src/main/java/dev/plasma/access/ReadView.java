package dev.plasma.access;

import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What one user may read, evaluated once per pull in its snapshot: the allowed scope values per ruled
 * table, and the fingerprint a cookie carries so that a later pull notices when they change.
 */
public final class ReadView {

	private final Map<String, Set<String>> allowedByTable;

	private final String fingerprint;

	ReadView(Map<String, Set<String>> allowedByTable, String fingerprint) {
		this.allowedByTable = Map.copyOf(allowedByTable);
		this.fingerprint = fingerprint;
	}

	/**
	 * Returns the allowed scope values of a table, or {@code null} when the table has no rule (every row
	 * readable).
	 * @param table the table's configured name
	 * @return the allowed values or {@code null}
	 */
	public @Nullable Set<String> allowed(String table) {
		return this.allowedByTable.get(table);
	}

	/**
	 * Returns the fingerprint of the rules, the user and the user's grants.
	 * @return a short base64url string
	 */
	public String fingerprint() {
		return this.fingerprint;
	}

}

package dev.plasma.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * The read rules of all synced tables, validated at start-up ({@link ReadRulesResolver}), and their
 * evaluation for one user in one pull.
 * <p>
 * {@link #view(Connection, String)} runs each grant set's resolver once, in the caller's transaction,
 * and fingerprints the outcome: the first 8 bytes of SHA-256 over the rules' description, the user's name
 * and every grant set's sorted values, in base64url. The fingerprint goes into the cookie; a pull whose
 * fingerprint differs from its cookie's answers with a reset (a full re-evaluation of what the user may
 * read), so rules that depend on other tables (memberships) stay correct when only those tables change.
 */
public final class ReadRules {

	/**
	 * The user a pull runs for when no identity is known. Rules apply to it like to any name: it reads
	 * rows whose owner column is {@code anonymous} and the grant sets of the user {@code anonymous}.
	 */
	public static final String ANONYMOUS_USER = "anonymous";

	/** No rules: every row of every synced table is readable by everyone. */
	public static final ReadRules NONE = new ReadRules(List.of(), Map.of());

	private final Map<String, ReadRule> byTable = new LinkedHashMap<>();

	private final Map<String, GrantResolver> resolvers;

	private final String description;

	ReadRules(List<ReadRule> rules, Map<String, GrantResolver> resolvers) {
		rules.forEach((rule) -> this.byTable.put(rule.table(), rule));
		this.resolvers = new TreeMap<>(resolvers);
		this.description = rules.stream().map(ReadRule::describe).sorted().collect(Collectors.joining(";"));
	}

	/**
	 * Returns whether no table has a rule.
	 * @return whether every row is readable by everyone
	 */
	public boolean isEmpty() {
		return this.byTable.isEmpty();
	}

	/**
	 * Returns the rule of a table.
	 * @param table the table's configured name
	 * @return the rule, or {@code null} when every row of the table is readable
	 */
	public @Nullable ReadRule rule(String table) {
		return this.byTable.get(table);
	}

	/**
	 * Returns every rule, in declaration order.
	 * @return the rules
	 */
	public List<ReadRule> rules() {
		return List.copyOf(this.byTable.values());
	}

	/**
	 * Returns the tables whose changes may change a user's grants: the source tables of every grant set
	 * declared under {@code plasma.access.grants}, or {@code null} when an application {@link GrantResolver}
	 * is in use (it may read any synced table).
	 * @return the configured names of the grant source tables, or {@code null} for "any table"
	 */
	public @Nullable Set<String> grantSourceTables() {
		Set<String> tables = new TreeSet<>();
		for (GrantResolver resolver : this.resolvers.values()) {
			if (!(resolver instanceof QueryGrantResolver query)) {
				return null;
			}
			tables.addAll(query.sourceTables());
		}
		return tables;
	}

	/**
	 * Evaluates the rules for a user: one resolver call per grant set that a rule names.
	 * @param connection the pull's connection, inside its read-only transaction
	 * @param userName the pulling user
	 * @return the user's view, or {@code null} when there are no rules
	 * @throws SQLException on database errors
	 */
	public @Nullable ReadView view(Connection connection, String userName) throws SQLException {
		if (isEmpty()) {
			return null;
		}
		Map<String, Set<String>> grants = new TreeMap<>();
		for (Map.Entry<String, GrantResolver> resolver : this.resolvers.entrySet()) {
			Collection<String> values = resolver.getValue().resolve(connection, userName);
			grants.put(resolver.getKey(), Set.copyOf(values));
		}
		Set<String> self = Set.of(userName);
		Map<String, Set<String>> allowed = new HashMap<>();
		this.byTable.forEach((table, rule) -> allowed.put(table, rule.ownerRule() ? self : grants.get(rule.grant())));
		return new ReadView(allowed, fingerprint(userName, grants));
	}

	private String fingerprint(String userName, Map<String, Set<String>> grants) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			update(digest, this.description);
			update(digest, userName);
			grants.forEach((grant, values) -> {
				update(digest, grant);
				new TreeSet<>(values).forEach((value) -> update(digest, value));
				digest.update((byte) 1);
			});
			return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest.digest(), 8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void update(MessageDigest digest, String text) {
		digest.update(text.getBytes(StandardCharsets.UTF_8));
		digest.update((byte) 0);
	}

}

package dev.plasma.access;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.schema.Column;
import dev.plasma.schema.PlasmaConfigurationException;
import dev.plasma.schema.SyncedTable;
import dev.plasma.schema.SyncedTables;

/**
 * Validates the configured read rules and grant sets against the resolved synced tables, before any SQL
 * is built from them, and turns them into {@link ReadRules}. Every problem stops the start with a
 * message naming the key: a rule on a suppressed or undeclared table, a rule that is neither
 * {@code column} + {@code grant} nor {@code user-column}, a grant that is neither declared nor provided by
 * a {@link GrantResolver} bean (or both), a grant source table that is not synced (its changes must move
 * the change log's head so that a changed grant leads to a reset), and columns that do not exist.
 */
public final class ReadRulesResolver {

	private final PlasmaDialect dialect;

	/**
	 * Creates the resolver.
	 * @param dialect the database's dialect, for the grant queries
	 */
	public ReadRulesResolver(PlasmaDialect dialect) {
		this.dialect = dialect;
	}

	/**
	 * Validates and builds the rules.
	 * @param tables the resolved synced tables (scope columns resolved)
	 * @param rules the configured rules
	 * @param grantSources the configured grant sources, in order
	 * @param applicationResolvers grant resolvers provided by the application
	 * @return the rules
	 * @throws PlasmaConfigurationException on the first problem found
	 */
	public ReadRules resolve(SyncedTables tables, List<ReadRuleDeclaration> rules, List<GrantSourceDeclaration> grantSources,
			List<GrantResolver> applicationResolvers) {
		Map<String, List<QueryGrantResolver.Source>> declared = new LinkedHashMap<>();
		for (GrantSourceDeclaration source : grantSources) {
			declared.computeIfAbsent(source.grant(), (grant) -> new ArrayList<>()).add(source(tables, source));
		}
		Map<String, GrantResolver> resolvers = new LinkedHashMap<>();
		declared.forEach((grant, sources) -> resolvers.put(grant, new QueryGrantResolver(grant, sources, this.dialect)));
		for (GrantResolver resolver : applicationResolvers) {
			if (resolvers.putIfAbsent(resolver.grant(), resolver) != null) {
				throw new PlasmaConfigurationException("Plasma: grant '" + resolver.grant() + "' is both declared under "
						+ "plasma.access.grants and provided by the GrantResolver bean " + resolver.getClass().getName()
						+ "; keep one.");
			}
		}
		List<ReadRule> resolved = new ArrayList<>();
		Set<String> used = new TreeSet<>();
		for (ReadRuleDeclaration rule : rules) {
			ReadRule readRule = rule(tables, rule, resolvers.keySet());
			if (readRule.grant() != null) {
				used.add(readRule.grant());
			}
			resolved.add(readRule);
		}
		resolvers.keySet().retainAll(used);
		return new ReadRules(resolved, resolvers);
	}

	private ReadRule rule(SyncedTables tables, ReadRuleDeclaration rule, Set<String> grants) {
		String key = "plasma.tables." + rule.table() + ".read";
		SyncedTable table = tables.get(rule.table());
		if (table == null || table.changeLogSuppressed()) {
			throw new PlasmaConfigurationException("Plasma: " + key + " is declared on a table that is "
					+ ((table == null) ? "not declared" : "change-log suppressed (never sent to clients)") + ".");
		}
		boolean grantRule = rule.column() != null || rule.grant() != null;
		if (grantRule == (rule.userColumn() != null) || grantRule && (rule.column() == null || rule.grant() == null)) {
			throw new PlasmaConfigurationException("Plasma: " + key + " must set either 'column' and 'grant' (the row's "
					+ "column value is in a grant set) or 'user-column' (the row's column equals the user's name).");
		}
		if (grantRule && !grants.contains(rule.grant())) {
			throw new PlasmaConfigurationException("Plasma: " + key + ".grant names grant '" + rule.grant()
					+ "', which is neither declared under plasma.access.grants nor provided by a GrantResolver bean; "
					+ "known grants: " + new TreeSet<>(grants) + ".");
		}
		Column scope = table.scopeColumn();
		if (scope == null) {
			throw new IllegalStateException("Plasma: table '" + rule.table() + "' was resolved without its scope column");
		}
		return new ReadRule(table.name(), scope, rule.grant());
	}

	private static QueryGrantResolver.Source source(SyncedTables tables, GrantSourceDeclaration source) {
		String key = "plasma.access.grants." + source.grant();
		if (source.table() == null || source.valueColumn() == null || source.userColumn() == null) {
			throw new PlasmaConfigurationException(
					"Plasma: every source of " + key + " must set 'table', 'value-column' and 'user-column'.");
		}
		SyncedTable table = tables.get(source.table());
		if (table == null || table.changeLogSuppressed()) {
			throw new PlasmaConfigurationException("Plasma: " + key + " reads table '" + source.table()
					+ "', which must be a synced table under plasma.tables (not change-log suppressed), so that a "
					+ "change of the user's grants moves the change log and reaches pulls.");
		}
		return new QueryGrantResolver.Source(table, column(table, source.valueColumn(), key + ".value-column"),
				column(table, source.userColumn(), key + ".user-column"));
	}

	private static Column column(SyncedTable table, @Nullable String name, String key) {
		Column column = (name != null) ? table.findColumn(name) : null;
		if (column == null) {
			throw new PlasmaConfigurationException("Plasma: " + key + " names column '" + name + "', which table '"
					+ table.name() + "' does not have.");
		}
		return column;
	}

}

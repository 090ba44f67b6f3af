package dev.plasma.poke;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.plasma.access.ReadRules;
import dev.plasma.access.ReadView;
import dev.plasma.changelog.ChangeScope;
import dev.plasma.ledger.MutationLedger;

/**
 * Who may read a range of sequenced changes: everyone when a table without a read rule changed,
 * otherwise the users whose allowed values of a ruled table include a changed row's scope after or before
 * the write (a row moving out of a user's reach is a change for that user too). Ledger markers concern
 * no one.
 */
public final class ChangeAudience {

	private final boolean everyone;

	private final Map<String, Set<String>> scopesByTable;

	private final boolean grantsMayHaveChanged;

	private ChangeAudience(boolean everyone, Map<String, Set<String>> scopesByTable, boolean grantsMayHaveChanged) {
		this.everyone = everyone;
		this.scopesByTable = scopesByTable;
		this.grantsMayHaveChanged = grantsMayHaveChanged;
	}

	/**
	 * Builds the audience of the changes described by their scopes.
	 * @param scopes the distinct table/scope triples of the range
	 * @param rules the read rules
	 * @return the audience
	 */
	public static ChangeAudience of(List<ChangeScope> scopes, ReadRules rules) {
		boolean everyone = false;
		boolean grants = false;
		Set<String> grantTables = rules.grantSourceTables();
		Map<String, Set<String>> byTable = new HashMap<>();
		for (ChangeScope scope : scopes) {
			String table = scope.tableName();
			if (MutationLedger.MARKER_TABLE.equals(table)) {
				continue;
			}
			if (!rules.isEmpty() && (grantTables == null || grantTables.contains(table))) {
				grants = true;
			}
			if (rules.rule(table) == null) {
				everyone = true;
				continue;
			}
			Set<String> values = byTable.computeIfAbsent(table, (key) -> new HashSet<>());
			if (scope.scope() != null) {
				values.add(scope.scope());
			}
			if (scope.oldScope() != null) {
				values.add(scope.oldScope());
			}
		}
		return new ChangeAudience(everyone, byTable, grants);
	}

	/**
	 * Returns whether nobody may read any of the changes (an empty range, or ledger markers only).
	 * @return whether no poke is due
	 */
	public boolean isEmpty() {
		return !this.everyone && this.scopesByTable.values().stream().allMatch(Set::isEmpty);
	}

	/**
	 * Returns whether a change may have changed some user's grants (a grant source table changed, or an
	 * application grant resolver is in use), so that cached views must be evaluated again.
	 * @return whether grants may have changed
	 */
	public boolean grantsMayHaveChanged() {
		return this.grantsMayHaveChanged;
	}

	/**
	 * Returns whether a user with the given view may read one of the changes.
	 * @param view the user's view, {@code null} when there are no read rules
	 * @return whether to poke the user
	 */
	public boolean readableBy(@Nullable ReadView view) {
		if (this.everyone) {
			return true;
		}
		if (view == null) {
			return !isEmpty();
		}
		for (Map.Entry<String, Set<String>> changed : this.scopesByTable.entrySet()) {
			Set<String> allowed = view.allowed(changed.getKey());
			if (allowed == null) {
				if (!changed.getValue().isEmpty()) {
					return true;
				}
				continue;
			}
			for (String scope : changed.getValue()) {
				if (allowed.contains(scope)) {
					return true;
				}
			}
		}
		return false;
	}

}

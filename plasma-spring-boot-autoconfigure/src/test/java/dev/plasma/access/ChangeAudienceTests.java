package dev.plasma.access;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.plasma.changelog.ChangeScope;
import dev.plasma.ledger.MutationLedger;
import dev.plasma.poke.ChangeAudience;
import dev.plasma.schema.Column;
import dev.plasma.schema.ColumnKind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who is poked for a range of changes: everyone for tables without a rule, readers of the new or the
 * previous scope for ruled tables, nobody for ledger markers.
 */
class ChangeAudienceTests {

	private final ReadRules rules = new ReadRules(
			List.of(new ReadRule("notes", new Column("owner", "owner", ColumnKind.STRING), null),
					new ReadRule("todos", new Column("list_id", "list_id", ColumnKind.STRING), "lists")),
			Map.of("lists", new GrantResolver() {
				@Override
				public String grant() {
					return "lists";
				}

				@Override
				public java.util.Collection<String> resolve(java.sql.Connection connection, String userName) {
					return List.of();
				}
			}));

	private final ReadView alice = new ReadView(Map.of("notes", Set.of("alice"), "todos", Set.of("L1")), "a");

	private final ReadView bob = new ReadView(Map.of("notes", Set.of("bob"), "todos", Set.of("L2")), "b");

	@Test
	void aChangeInBobsPrivateNoteReachesBobOnly() {
		ChangeAudience audience = ChangeAudience.of(List.of(new ChangeScope("notes", "bob", "bob")), this.rules);
		assertThat(audience.readableBy(this.bob)).isTrue();
		assertThat(audience.readableBy(this.alice)).isFalse();
	}

	@Test
	void aRowMovingOutOfReachStillReachesItsFormerReader() {
		ChangeAudience audience = ChangeAudience.of(List.of(new ChangeScope("todos", "L2", "L1")), this.rules);
		assertThat(audience.readableBy(this.alice)).isTrue();
		assertThat(audience.readableBy(this.bob)).isTrue();
	}

	@Test
	void aTableWithoutARuleReachesEveryoneAndLedgerMarkersNobody() {
		assertThat(ChangeAudience.of(List.of(new ChangeScope("docs", null, null)), this.rules).readableBy(this.alice))
			.isTrue();
		ChangeAudience markers = ChangeAudience.of(List.of(new ChangeScope(MutationLedger.MARKER_TABLE, null, null)),
				this.rules);
		assertThat(markers.isEmpty()).isTrue();
		assertThat(markers.readableBy(this.alice)).isFalse();
		assertThat(ChangeAudience.of(List.of(new ChangeScope("docs", null, null)), ReadRules.NONE).readableBy(null))
			.isTrue();
	}

	@Test
	void anApplicationGrantResolverMakesEveryChangeAPossibleGrantChange() {
		assertThat(ChangeAudience.of(List.of(new ChangeScope("notes", "bob", null)), this.rules).grantsMayHaveChanged())
			.isTrue();
		assertThat(ChangeAudience.of(List.of(new ChangeScope("notes", "bob", null)), ReadRules.NONE).grantsMayHaveChanged())
			.isFalse();
	}

}

package dev.plasma.access;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.schema.Column;
import dev.plasma.schema.SyncedTable;

/**
 * A grant set declared under {@code plasma.access.grants}: the union of its sources' value columns over
 * the rows whose user column equals the user, one statement (each source an indexed lookup when the
 * application indexes its user column).
 */
final class QueryGrantResolver implements GrantResolver {

	private static final String SOURCE_SQL = """
			SELECT %s FROM %s WHERE %s = ?""";

	private final String grant;

	private final String sql;

	private final int sources;

	private final Set<String> sourceTables;

	private final PlasmaDialect dialect;

	QueryGrantResolver(String grant, List<Source> sources, PlasmaDialect dialect) {
		this.grant = grant;
		this.dialect = dialect;
		this.sources = sources.size();
		this.sourceTables = sources.stream().map((source) -> source.table().name()).collect(Collectors.toUnmodifiableSet());
		this.sql = sources.stream()
			.map((source) -> SOURCE_SQL.formatted(dialect.quote(source.value().name()),
					dialect.quote(source.table().physicalName()), dialect.quote(source.user().name())))
			.collect(Collectors.joining("\nUNION\n"));
	}

	@Override
	public String grant() {
		return this.grant;
	}

	Set<String> sourceTables() {
		return this.sourceTables;
	}

	@Override
	public Collection<String> resolve(Connection connection, String userName) throws SQLException {
		List<String> values = new ArrayList<>();
		try (PreparedStatement select = connection.prepareStatement(this.sql)) {
			for (int i = 1; i <= this.sources; i++) {
				this.dialect.setText(select, i, userName);
			}
			try (ResultSet rs = select.executeQuery()) {
				while (rs.next()) {
					String value = rs.getString(1);
					if (value != null) {
						values.add(value);
					}
				}
			}
		}
		return values;
	}

	/**
	 * One source table of a declared grant set.
	 * @param table the synced table
	 * @param value the column whose values are granted
	 * @param user the column that must equal the user's name
	 */
	record Source(SyncedTable table, Column value, Column user) {
	}

}

package dev.plasma.compaction;

import java.util.Collections;

import dev.plasma.region.RegionIds;

/**
 * Compaction's statements on {@code _plasma_changes}, the only place besides the table's owner,
 * {@link dev.plasma.changelog.ChangeLog}, that holds SQL on it. They live here rather than in the owner
 * because they are large, serve only {@link ChangeLogCompactor}'s algorithm (whose Javadoc explains each
 * query's plan), and are tuned and measured as they are: the owner keeps the entry reads and inserts
 * every other component shares, this class the deletes and range probes nobody else runs. Parameter
 * lists and text are exactly what the compactor binds; change neither without the benchmarks.
 */
final class ChangeLogCompactionStatements {

	/**
	 * The last entry of each row within a segment, and whether the segment keeps it: a put (or a ledger
	 * marker) with no later entry of its row up to the bound. One aggregation over the segment's
	 * primary-key range, then one index probe per row. Parameters: marker table, segment end, bound,
	 * segment start, segment end.
	 */
	static final String SELECT_LAST_SQL = """
			SELECT last_version, table_name, row_id,
			  CASE WHEN last_del = last_version THEN 0
			    WHEN EXISTS (SELECT 1 FROM _plasma_changes later
			      WHERE later.region = %REGION% AND later.table_name = last_entries.table_name AND later.row_id = last_entries.row_id
			        AND later.row_version > ? AND later.row_version <= ?) THEN 0
			    ELSE 1 END
			FROM (SELECT table_name, row_id, MAX(row_version) AS last_version,
			        MAX(CASE WHEN op = 'del' AND table_name <> ? THEN row_version END) AS last_del
			      FROM _plasma_changes WHERE region = %REGION% AND row_version > ? AND row_version <= ?
			      GROUP BY table_name, row_id) last_entries""";

	static final String SELECT_FIRST_SQL = """
			SELECT row_version FROM _plasma_changes WHERE region = %REGION% AND row_version > ? AND row_version <= ? ORDER BY row_version LIMIT 1""";

	static final String SELECT_FIRST_CREATED_SINCE_SQL = """
			SELECT row_version FROM _plasma_changes
			WHERE region = %REGION% AND row_version > ? AND row_version <= ? AND created_at >= ?
			ORDER BY row_version LIMIT 1""";

	static final String SELECT_RANGE_SQL = """
			SELECT row_version FROM _plasma_changes WHERE region = %REGION% AND row_version > ? AND row_version <= ? ORDER BY row_version""";

	static final String SELECT_KEPT_BEFORE_ANY_SQL = """
			SELECT row_version FROM _plasma_changes WHERE region = %REGION% AND table_name = ? AND row_id = ANY(?) AND row_version <= ?""";

	static final String DELETE_ANY_SQL = "DELETE FROM _plasma_changes WHERE region = %REGION% AND row_version = ANY(?)";

	private ChangeLogCompactionStatements() {
	}

	/**
	 * Returns a statement for one region: every statement reads and deletes only the entries of the region
	 * it compacts ({@code %REGION%}).
	 */
	static String inRegion(String sql, String region) {
		return sql.replace("%REGION%", RegionIds.literal(region));
	}

	/**
	 * Returns the delete of the entries in a primary-key range, sparing {@code keeping} listed versions.
	 * Parameters: after, up to, then the kept versions.
	 */
	static String deleteRangeSparingSql(int keeping) {
		return "DELETE FROM _plasma_changes WHERE region = %REGION% AND row_version > ? AND row_version <= ?"
				+ ((keeping > 0) ? " AND row_version NOT IN (" + placeholders(keeping) + ")" : "");
	}

	/**
	 * Returns the lookup of what earlier passes kept of {@code rows} rows of one table, without array
	 * parameters. Parameters: table name, the row IDs, the bound.
	 */
	static String selectKeptBeforeInSql(int rows) {
		return "SELECT row_version FROM _plasma_changes WHERE region = %REGION% AND table_name = ? AND row_id IN (" + placeholders(rows)
				+ ") AND row_version <= ?";
	}

	/**
	 * Returns the delete of {@code count} listed versions, without array parameters.
	 */
	static String deleteInSql(int count) {
		return "DELETE FROM _plasma_changes WHERE region = %REGION% AND row_version IN (" + placeholders(count) + ")";
	}

	private static String placeholders(int count) {
		return String.join(", ", Collections.nCopies(count, "?"));
	}

}

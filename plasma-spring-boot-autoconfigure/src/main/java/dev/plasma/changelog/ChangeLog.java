package dev.plasma.changelog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.region.RegionIds;

/**
 * Owns {@code _plasma_changes}, the sequenced change log, keyed by {@code (region, row_version)}: the reads of entries in version order and the
 * insert of sequenced entries ({@link #insertEntriesSql}) are here.
 * <p>
 * Only two other places hold statements on the table, each for a reason of its own:
 * <ul>
 * <li>compaction's statements, in {@code dev.plasma.compaction.ChangeLogCompactionStatements}: large,
 * tuned per database and used by nothing else, they live next to the algorithm they implement;</li>
 * <li>PostgreSQL's one-statement sequencer move ({@link PlasmaDialect#moveBatchSql}), which a dialect owns
 * as a per-database variant of the sequencer's move.</li>
 * </ul>
 * The pull's state read ({@link SequencerStateRepository#readPullState}) also touches the table, for H2's
 * snapshot.
 */
public class ChangeLog {

	private static final int PAGE_FETCH_SIZE = 500;

	private static final RowMapper<ChangeEntry> MAPPER = ChangeLog::map;

	private final JdbcTemplate jdbc;

	private final JdbcTemplate pageJdbc;

	private final String select;

	private final String scopeColumns;

	/**
	 * Creates a reader.
	 * @param dataSource the data source holding Plasma's tables
	 * @param dialect the database's dialect
	 */
	public ChangeLog(DataSource dataSource, PlasmaDialect dialect) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.pageJdbc = new JdbcTemplate(dataSource);
		this.pageJdbc.setFetchSize(PAGE_FETCH_SIZE);
		this.scopeColumns = dialect.scopeColumns();
		this.select = "SELECT row_version, " + dialect.entryColumns() + ", " + dialect.scopeColumns()
				+ ", region, batch_order FROM _plasma_changes";
	}

	/**
	 * Returns the insert of one sequenced entry: parameters {@code row_version}, then the dialect's entry
	 * columns and scope columns, then {@code batch_order}; the region is part of the statement.
	 * @param dialect the database's dialect
	 * @param region the sequenced region (a valid region ID)
	 * @return the statement
	 */
	public static String insertEntriesSql(PlasmaDialect dialect, String region) {
		return "INSERT INTO _plasma_changes (row_version, " + dialect.entryColumns() + ", " + dialect.scopeColumns()
				+ ", batch_order, region) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " + RegionIds.literal(region) + ")";
	}

	/**
	 * Returns entries with a version above {@code afterVersion}, in version order.
	 * @param afterVersion the cursor (exclusive)
	 * @param limit the most entries to return
	 * @return the entries
	 */
	public List<ChangeEntry> readAfter(long afterVersion, int limit) {
		return readAfter(RegionIds.DEFAULT, afterVersion, limit);
	}

	/**
	 * Returns a region's entries with a version above {@code afterVersion}, in version order.
	 * @param region the region
	 * @param afterVersion the cursor (exclusive)
	 * @param limit the most entries to return
	 * @return the entries
	 */
	public List<ChangeEntry> readAfter(String region, long afterVersion, int limit) {
		return this.jdbc.query(this.select + " WHERE region = ? AND row_version > ? ORDER BY row_version LIMIT " + limit,
				MAPPER, region, afterVersion);
	}

	/**
	 * Returns the entries above every region's cursor in the order their writes happened across regions
	 * (batch order, then region and version), at most {@code limit}: a prefix of the log as the pull merges it.
	 * @param cursors every region's cursor (exclusive); a region not named is not read
	 * @param limit the most entries to return
	 * @return the entries
	 */
	public List<ChangeEntry> readAfter(Map<String, Long> cursors, int limit) {
		Map<String, long[]> ranges = new LinkedHashMap<>();
		cursors.forEach((region, cursor) -> ranges.put(region, new long[] { cursor, Long.MAX_VALUE }));
		return readRanges(ranges, List.of(), limit);
	}

	/**
	 * Returns the entries in every region's range {@code (cursor, head]}, in the order their writes
	 * happened across regions (as {@link #readAfter(Map, int)}), at most {@code limit}.
	 * @param ranges every region's cursor (exclusive) and head (inclusive), as {@code long[2]}; a region not
	 * named is not read
	 * @param tableNames the tables whose entries are read; empty for every table
	 * @param limit the most entries to return
	 * @return the entries
	 */
	public List<ChangeEntry> readRanges(Map<String, long[]> ranges, Collection<String> tableNames, int limit) {
		if (ranges.isEmpty()) {
			return List.of();
		}
		StringBuilder sql = new StringBuilder(this.select).append(" WHERE (");
		List<Object> args = new ArrayList<>();
		ranges.forEach((region, range) -> {
			sql.append(args.isEmpty() ? "" : " OR ").append("(region = ? AND row_version > ? AND row_version <= ?)");
			args.add(region);
			args.add(range[0]);
			args.add(range[1]);
		});
		sql.append(")");
		if (!tableNames.isEmpty()) {
			sql.append(" AND table_name IN (").append(String.join(", ", Collections.nCopies(tableNames.size(), "?")))
				.append(")");
			args.addAll(tableNames);
		}
		sql.append(" ORDER BY batch_order, region, row_version LIMIT ").append(limit);
		return this.jdbc.query(sql.toString(), MAPPER, args.toArray());
	}

	/**
	 * Returns a page of the entries with a version in {@code (afterVersion, upToVersion]}, in version
	 * order: at most {@code maxEntries}, and no more once the entries read hold {@code maxBytes} of table
	 * names, row IDs and values (the entry that reaches the budget is included, so a page is never empty
	 * while entries remain). Rows are fetched in parts, so a cut page never loads the rest of the range.
	 * @param afterVersion the cursor (exclusive)
	 * @param upToVersion the upper bound (inclusive)
	 * @param maxEntries the most entries to return
	 * @param maxBytes the size budget of the page
	 * @return the page
	 */
	public ChangePage readPage(long afterVersion, long upToVersion, int maxEntries, long maxBytes) {
		return readPage(RegionIds.DEFAULT, afterVersion, upToVersion, maxEntries, maxBytes);
	}

	/**
	 * Returns a page of a region's entries, like {@link #readPage(long, long, int, long)}.
	 * @param region the region
	 * @param afterVersion the cursor (exclusive)
	 * @param upToVersion the upper bound (inclusive)
	 * @param maxEntries the most entries to return
	 * @param maxBytes the size budget of the page
	 * @return the page
	 */
	public ChangePage readPage(String region, long afterVersion, long upToVersion, int maxEntries, long maxBytes) {
		return this.pageJdbc.query(this.select
				+ " WHERE region = ? AND row_version > ? AND row_version <= ? ORDER BY row_version LIMIT " + maxEntries,
				(rs) -> {
					List<ChangeEntry> entries = new ArrayList<>();
					long bytes = 0;
					while (rs.next()) {
						ChangeEntry entry = map(rs, entries.size());
						entries.add(entry);
						bytes += size(entry);
						if (bytes >= maxBytes && entries.size() < maxEntries) {
							return new ChangePage(entries, false);
						}
					}
					return new ChangePage(entries, entries.size() < maxEntries);
				}, region, afterVersion, upToVersion);
	}

	/**
	 * Returns the distinct tables and scopes (new and old) of one region's entries in a version range: who
	 * may read them, for pokes. One query, whatever the number of connections.
	 * @param region the region whose entries to read
	 * @param afterVersion the range's exclusive lower bound
	 * @param upToVersion the range's inclusive upper bound
	 * @return the distinct table/scope pairs
	 */
	public List<ChangeScope> readScopes(String region, long afterVersion, long upToVersion) {
		return this.jdbc.query("SELECT DISTINCT table_name, " + this.scopeColumns
				+ " FROM _plasma_changes WHERE region = ? AND row_version > ? AND row_version <= ?",
				(rs, rowNum) -> new ChangeScope(rs.getString(1), rs.getString(2), rs.getString(3)), region, afterVersion,
				upToVersion);
	}

	/**
	 * Returns the latest entry's scope of a row, telling whether the row exists now (its latest entry is a
	 * {@code put}) and, for a table with a read rule, its rule column's value. One indexed query.
	 * @param tableName the synced table's configured name
	 * @param rowId the row's primary key as text
	 * @return the scope of the row's latest entry, or {@code null} when the row does not exist
	 */
	public @Nullable ChangeScope currentScope(String tableName, String rowId) {
		List<ChangeScope> latest = this.jdbc.query("SELECT op, scope FROM _plasma_changes WHERE table_name = ? AND "
				+ "row_id = ? ORDER BY batch_order DESC, row_version DESC LIMIT 1",
				(rs, rowNum) -> "put".equals(rs.getString(1)) ? new ChangeScope(tableName, rs.getString(2), null) : null,
				tableName, rowId);
		return latest.isEmpty() ? null : latest.get(0);
	}

	private static long size(ChangeEntry entry) {
		return entry.tableName().length() + entry.rowId().length() + ((entry.value() != null) ? entry.value().length() : 0);
	}

	private static ChangeEntry map(ResultSet rs, int rowNum) throws SQLException {
		long mutationId = rs.getLong(9);
		Long mutation = rs.wasNull() ? null : mutationId;
		return new ChangeEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
				rs.getLong(6), rs.getString(7), rs.getString(8), mutation, rs.getString(10), rs.getString(11),
				rs.getString(12), rs.getLong(13));
	}

}

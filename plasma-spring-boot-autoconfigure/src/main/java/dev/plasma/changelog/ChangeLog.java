package dev.plasma.changelog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import dev.plasma.dialect.PlasmaDialect;

/**
 * Reads sequenced entries of {@code _plasma_changes}.
 */
public class ChangeLog {

	private static final RowMapper<ChangeEntry> MAPPER = ChangeLog::map;

	private final JdbcTemplate jdbc;

	private final String select;

	/**
	 * Creates a reader.
	 * @param dataSource the data source holding Plasma's tables
	 * @param dialect the database's dialect
	 */
	public ChangeLog(DataSource dataSource, PlasmaDialect dialect) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.select = "SELECT row_version, " + dialect.entryColumns() + " FROM _plasma_changes";
	}

	/**
	 * Returns entries with a version above {@code afterVersion}, in version order.
	 * @param afterVersion the cursor (exclusive)
	 * @param limit the most entries to return
	 * @return the entries
	 */
	public List<ChangeEntry> readAfter(long afterVersion, int limit) {
		return this.jdbc.query(this.select + " WHERE row_version > ? ORDER BY row_version LIMIT " + limit, MAPPER,
				afterVersion);
	}

	/**
	 * Returns entries with a version in {@code (afterVersion, upToVersion]}, in version order.
	 * @param afterVersion the cursor (exclusive)
	 * @param upToVersion the upper bound (inclusive)
	 * @param limit the most entries to return
	 * @return the entries
	 */
	public List<ChangeEntry> readBetween(long afterVersion, long upToVersion, int limit) {
		return this.jdbc.query(
				this.select + " WHERE row_version > ? AND row_version <= ? ORDER BY row_version LIMIT " + limit, MAPPER,
				afterVersion, upToVersion);
	}

	private static ChangeEntry map(ResultSet rs, int rowNum) throws SQLException {
		long mutationId = rs.getLong(9);
		Long mutation = rs.wasNull() ? null : mutationId;
		return new ChangeEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
				rs.getLong(6), rs.getString(7), rs.getString(8), mutation);
	}

}

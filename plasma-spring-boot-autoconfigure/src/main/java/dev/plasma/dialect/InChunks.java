package dev.plasma.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * Runs a {@code SELECT ... WHERE column IN (...)} for a set of values of any size, as statements of at
 * most {@link PlasmaDialect#READ_ROWS_IN_CHUNK} values each, streaming every result.
 */
final class InChunks {

	private InChunks() {
	}

	/**
	 * Runs the query for every chunk of values.
	 * @param dialect binds the values
	 * @param connection the connection
	 * @param prefix the query up to {@code IN}, e.g. {@code SELECT ... FROM t WHERE t."c"}
	 * @param values the values
	 * @param rows receives each result row
	 * @throws SQLException on database errors
	 */
	static void query(PlasmaDialect dialect, Connection connection, String prefix, Collection<String> values,
			ResultRow rows) throws SQLException {
		List<String> all = new ArrayList<>(values);
		for (int from = 0; from < all.size(); from += PlasmaDialect.READ_ROWS_IN_CHUNK) {
			List<String> chunk = all.subList(from, Math.min(all.size(), from + PlasmaDialect.READ_ROWS_IN_CHUNK));
			String sql = prefix + " IN (" + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")";
			try (PreparedStatement select = connection.prepareStatement(sql)) {
				select.setFetchSize(PlasmaDialect.READ_ROWS_FETCH_SIZE);
				for (int i = 0; i < chunk.size(); i++) {
					dialect.setText(select, i + 1, chunk.get(i));
				}
				try (ResultSet rs = select.executeQuery()) {
					while (rs.next()) {
						rows.accept(rs);
					}
				}
			}
		}
	}

	/**
	 * Receives one result row.
	 */
	@FunctionalInterface
	interface ResultRow {

		void accept(ResultSet rs) throws SQLException;

	}

}

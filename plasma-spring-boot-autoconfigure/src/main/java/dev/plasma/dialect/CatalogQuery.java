package dev.plasma.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Runs a catalog query whose first column is a name.
 */
final class CatalogQuery {

	private CatalogQuery() {
	}

	/**
	 * Returns the names a query selects.
	 * @param connection the connection
	 * @param sql the query, its first column a name
	 * @param parameters string parameters, in order
	 * @return the names, in the order read
	 * @throws SQLException on database errors
	 */
	static Set<String> names(Connection connection, String sql, String... parameters) throws SQLException {
		Set<String> names = new LinkedHashSet<>();
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				statement.setString(i + 1, parameters[i]);
			}
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					names.add(rs.getString(1));
				}
			}
		}
		return names;
	}

}

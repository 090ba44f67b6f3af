package dev.plasma.sync;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import dev.plasma.testsupport.OnDatabase;
import dev.plasma.testsupport.TestDatabase;

@OnDatabase(TestDatabase.POSTGRESQL)
class PostgresSyncTests extends AbstractSyncTests {

	@Override
	protected TestDatabase database() {
		return TestDatabase.POSTGRESQL;
	}

	/**
	 * The JDBC driver fetches in parts through a protocol-level portal, listed in {@code pg_cursors}, only
	 * when it was given a fetch size inside a transaction; otherwise it loads the whole result first.
	 */
	@Override
	protected List<String> streamingEvidence(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM pg_cursors"
						+ " WHERE statement LIKE '%FROM \"todos\"%' AND statement NOT LIKE '%pg_cursors%'")) {
			rs.next();
			return List.of("open portals on todos: " + rs.getLong(1));
		}
	}

	@Override
	protected List<String> expectedStreamingEvidence() {
		return List.of("open portals on todos: 1");
	}

}

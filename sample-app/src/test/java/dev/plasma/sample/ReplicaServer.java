package dev.plasma.sample;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The local PostgreSQL streaming replica on 127.0.0.1:5433 that {@code .ci/replica.sh} sets up, replicating
 * the primary on 127.0.0.1:5432: checks it is there, pauses and resumes its replay, and waits until it has
 * replayed everything the primary has written.
 */
final class ReplicaServer {

	static final String PRIMARY = "jdbc:postgresql://127.0.0.1:5432/";

	/** The replica's server URL: system property {@code plasma.test.postgresql-replica.url}, by default port 5433. */
	static final String REPLICA = System.getProperty("plasma.test.postgresql-replica.url", "jdbc:postgresql://127.0.0.1:5433/");

	private static final long CATCH_UP_MILLIS = 30_000;

	private ReplicaServer() {
	}

	/**
	 * Fails loudly unless a replica in recovery answers on 5433 and has the (replicated) test database.
	 */
	static void require(String database) throws Exception {
		try (Connection connection = DriverManager.getConnection(REPLICA + "postgres", "postgres", "")) {
			if (!query(connection, "SELECT pg_is_in_recovery()").equals("t")) {
				throw new IllegalStateException("127.0.0.1:5433 answers but is not a replica (pg_is_in_recovery() is false)");
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("postgresql-replica is listed in -Dplasma.test.databases but no PostgreSQL "
					+ "replica answers on " + REPLICA + " (" + ex.getMessage() + "). Run 'bash .ci/replica.sh' as root to "
					+ "create it, or leave it out: -Dplasma.test.databases=h2,postgresql,mariadb", ex);
		}
		resume();
		catchUp();
		try (Connection connection = DriverManager.getConnection(REPLICA + database, "postgres", "")) {
			query(connection, "SELECT 1");
		}
	}

	/** Pauses replay on the replica and waits until it is paused. */
	static void pause() throws Exception {
		replica("SELECT pg_wal_replay_pause()");
		long deadline = System.currentTimeMillis() + CATCH_UP_MILLIS;
		while (!replica("SELECT pg_get_wal_replay_pause_state()").equals("paused")) {
			if (System.currentTimeMillis() > deadline) {
				throw new IllegalStateException("replay on the replica did not pause");
			}
			Thread.sleep(20);
		}
	}

	/** Resumes replay on the replica (harmless when it is not paused). */
	static void resume() throws Exception {
		replica("SELECT pg_wal_replay_resume()");
	}

	/** Waits until the replica has replayed everything the primary has written so far. */
	static void catchUp() throws Exception {
		String lsn;
		try (Connection connection = DriverManager.getConnection(PRIMARY + "postgres", "postgres", "")) {
			lsn = query(connection, "SELECT pg_current_wal_lsn()");
		}
		long deadline = System.currentTimeMillis() + CATCH_UP_MILLIS;
		while (!replica("SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn").equals("t")) {
			if (System.currentTimeMillis() > deadline) {
				throw new IllegalStateException("the replica did not replay up to " + lsn + " within 30 s");
			}
			Thread.sleep(20);
		}
	}

	private static String replica(String sql) throws SQLException {
		try (Connection connection = DriverManager.getConnection(REPLICA + "postgres", "postgres", "")) {
			return query(connection, sql);
		}
	}

	private static String query(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			String value = rs.getString(1);
			return (value != null) ? value : "";
		}
	}

}

package dev.plasma.dialect;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The database's clock, in Unix milliseconds: the clock the capture triggers stamp {@code created_at}
 * with, and the one every instance of a cluster agrees on, so leases, retention and ages never depend
 * on the clocks of application hosts. For a dialect Plasma does not know, falls back to this JVM's clock.
 */
public final class DatabaseClock {

	private static final String H2_NOW = "DATEDIFF('MILLISECOND', TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00', CURRENT_TIMESTAMP)";

	private final String nowSql;

	private DatabaseClock(String nowSql) {
		this.nowSql = nowSql;
	}

	/**
	 * Returns the clock of a dialect's database.
	 * @param dialect the dialect
	 * @return the clock
	 */
	public static DatabaseClock of(PlasmaDialect dialect) {
		if (dialect instanceof SqlTriggerDialect sqlDialect) {
			return new DatabaseClock("SELECT " + sqlDialect.nowMillis());
		}
		if (dialect instanceof H2Dialect) {
			return new DatabaseClock("SELECT " + H2_NOW);
		}
		return new DatabaseClock(null);
	}

	/**
	 * Reads the current time.
	 * @param connection the connection to ask
	 * @return Unix milliseconds
	 * @throws SQLException on database errors
	 */
	public long nowMillis(Connection connection) throws SQLException {
		if (this.nowSql == null) {
			return System.currentTimeMillis();
		}
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(this.nowSql)) {
			rs.next();
			return rs.getLong(1);
		}
	}

}

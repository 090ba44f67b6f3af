package dev.plasma.dialect;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The database's clock, in Unix milliseconds: the clock the capture triggers stamp {@code created_at}
 * with, and the one every instance of a cluster agrees on, so leases, retention and ages never depend
 * on the clocks of application hosts. For a dialect without {@link PlasmaDialect#nowMillisExpression()},
 * falls back to this JVM's clock.
 */
public final class DatabaseClock {

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
		String now = dialect.nowMillisExpression();
		return new DatabaseClock((now != null) ? "SELECT " + now : null);
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

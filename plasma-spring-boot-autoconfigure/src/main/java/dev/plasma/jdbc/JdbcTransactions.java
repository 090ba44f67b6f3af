package dev.plasma.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator;
import org.springframework.jdbc.support.SQLExceptionTranslator;

/**
 * Short JDBC transactions on a connection the caller holds, and translation of {@link SQLException}s
 * into Spring's {@link DataAccessException}s, for Plasma's background work (sequencer, compaction,
 * leases), which runs outside the application's transaction manager. Internal to Plasma.
 */
public final class JdbcTransactions {

	private final DataSource dataSource;

	private final String name;

	private final SQLExceptionTranslator translator;

	/**
	 * Creates the helper.
	 * @param dataSource the data source connections come from
	 * @param name names the work in exception messages, e.g. {@code Plasma sequencer}
	 */
	public JdbcTransactions(DataSource dataSource, String name) {
		this.dataSource = dataSource;
		this.name = name;
		this.translator = new SQLErrorCodeSQLExceptionTranslator(dataSource);
	}

	/**
	 * Runs {@code work} on a new connection, closing it afterwards and translating an {@link SQLException}.
	 * @param <T> the result type
	 * @param task names the task in an exception message, or {@code null}
	 * @param work the work
	 * @return what the work returned
	 * @throws DataAccessException when the work or the connection failed
	 */
	public <T> T execute(String task, ConnectionCallback<T> work) {
		try (Connection connection = this.dataSource.getConnection()) {
			return work.doInConnection(connection);
		}
		catch (SQLException ex) {
			throw translate(task, ex);
		}
	}

	/**
	 * Runs {@code work} in one transaction on {@code connection}: commits when it returns, rolls back when
	 * it throws, and restores the connection's auto-commit (and isolation) afterwards.
	 * @param <T> the result type
	 * @param connection the connection
	 * @param isolation how the transaction gets its isolation level
	 * @param firstSql a statement run first in the transaction, or {@code null}
	 * @param work the work
	 * @return what the work returned
	 * @throws SQLException when the work, commit or the setup failed
	 */
	public static <T> T inTransaction(Connection connection, Isolation isolation, String firstSql,
			ConnectionCallback<T> work) throws SQLException {
		boolean autoCommit = connection.getAutoCommit();
		int previousIsolation = (isolation == Isolation.READ_COMMITTED) ? connection.getTransactionIsolation() : -1;
		connection.setAutoCommit(false);
		if (previousIsolation != -1) {
			connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
		}
		try {
			if (firstSql != null) {
				try (Statement statement = connection.createStatement()) {
					statement.execute(firstSql);
				}
			}
			T result = work.doInConnection(connection);
			connection.commit();
			return result;
		}
		catch (SQLException | RuntimeException ex) {
			try {
				connection.rollback();
			}
			catch (SQLException rollbackFailure) {
				ex.addSuppressed(rollbackFailure);
			}
			throw ex;
		}
		finally {
			if (previousIsolation != -1) {
				connection.setTransactionIsolation(previousIsolation);
			}
			connection.setAutoCommit(autoCommit);
		}
	}

	/**
	 * Translates an exception into Spring's hierarchy, {@link DataAccessResourceFailureException} when
	 * nothing more specific fits.
	 * @param task names the task in the message, or {@code null}
	 * @param ex the exception
	 * @return the translated exception
	 */
	public DataAccessException translate(String task, SQLException ex) {
		String message = (task != null) ? this.name + ": " + task : this.name;
		DataAccessException translated = this.translator.translate(message, null, ex);
		return (translated != null) ? translated : new DataAccessResourceFailureException(message, ex);
	}

	/**
	 * How a transaction gets its isolation level.
	 */
	public enum Isolation {

		/**
		 * Keeps the connection's level; a {@code firstSql} may set one for the transaction.
		 */
		CONNECTION_DEFAULT,

		/**
		 * Sets READ COMMITTED on the connection for the transaction.
		 */
		READ_COMMITTED

	}

	/**
	 * Work on a connection.
	 * @param <T> the result type
	 */
	@FunctionalInterface
	public interface ConnectionCallback<T> {

		/**
		 * Does the work.
		 * @param connection the connection
		 * @return the result
		 * @throws SQLException on database errors
		 */
		T doInConnection(Connection connection) throws SQLException;

	}

}

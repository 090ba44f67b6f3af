package dev.plasma.sync;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plasma.changelog.ChangeLog;
import dev.plasma.dialect.PlasmaDialect;

/**
 * A database a pull can be answered from: the primary, or a read replica of it. Holds what a pull reads
 * with: the data source, a template on it, its change-log reader, and its read-only repeatable-read
 * transactions.
 */
public final class PullSource {

	private final DataSource dataSource;

	private final JdbcTemplate jdbc;

	private final ChangeLog changeLog;

	private final TransactionTemplate readTransactions;

	private final @Nullable String repeatableReadSql;

	private PullSource(DataSource dataSource, PlasmaDialect dialect, ChangeLog changeLog,
			PlatformTransactionManager transactionManager) {
		this.dataSource = dataSource;
		this.jdbc = new JdbcTemplate(dataSource);
		this.changeLog = changeLog;
		this.readTransactions = new TransactionTemplate(transactionManager);
		this.readTransactions.setReadOnly(true);
		this.repeatableReadSql = dialect.repeatableReadTransactionSql();
		if (this.repeatableReadSql == null) {
			this.readTransactions.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
		}
	}

	/**
	 * Creates a pull source.
	 * @param dataSource the database's data source
	 * @param dialect its dialect
	 * @param changeLog a change-log reader on the data source
	 * @param transactionManager a transaction manager of the data source
	 * @return the source
	 */
	public static PullSource of(DataSource dataSource, PlasmaDialect dialect, ChangeLog changeLog,
			PlatformTransactionManager transactionManager) {
		return new PullSource(dataSource, dialect, changeLog, transactionManager);
	}

	/**
	 * Runs {@code work} in one read-only repeatable-read transaction on this database.
	 * @param <T> the result type
	 * @param work the work
	 * @return its result
	 */
	<T> T read(TransactionCallback<T> work) {
		return this.readTransactions.execute((status) -> {
			if (this.repeatableReadSql != null) {
				this.jdbc.execute(this.repeatableReadSql);
			}
			return work.doInTransaction(status);
		});
	}

	DataSource dataSource() {
		return this.dataSource;
	}

	JdbcTemplate jdbc() {
		return this.jdbc;
	}

	ChangeLog changeLog() {
		return this.changeLog;
	}

}

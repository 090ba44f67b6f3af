package dev.plasma.replica;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import dev.plasma.changelog.ChangeLog;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.sync.PullSource;

/**
 * A read replica of Plasma's primary database: its own data source (typically a small read-only pool),
 * read by pulls only. Deliberately not a {@link DataSource} bean itself, so that it never takes the place
 * of the application's data source nor joins its health checks. Closing it closes the data source when
 * that is closeable.
 */
public class ReadReplica implements AutoCloseable {

	private final DataSource dataSource;

	private final PullSource pullSource;

	/**
	 * Creates the replica.
	 * @param dataSource the replica's data source; a database of the primary's kind, replicating it
	 * @param dialect the primary's dialect
	 */
	public ReadReplica(DataSource dataSource, PlasmaDialect dialect) {
		this.dataSource = dataSource;
		this.pullSource = PullSource.of(dataSource, dialect, new ChangeLog(dataSource, dialect),
				new DataSourceTransactionManager(dataSource));
	}

	/**
	 * Returns the replica's data source.
	 * @return the data source
	 */
	public DataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * Returns the replica as a source of pulls.
	 * @return the pull source
	 */
	public PullSource pullSource() {
		return this.pullSource;
	}

	@Override
	public void close() throws Exception {
		if (this.dataSource instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

}

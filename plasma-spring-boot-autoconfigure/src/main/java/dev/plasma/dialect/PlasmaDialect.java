package dev.plasma.dialect;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

import dev.plasma.schema.SyncedTable;

/**
 * What differs between the supported databases: trigger DDL, the session identity the capture triggers
 * read their mutation origin by, upserts and locks. Resolved once per data source by
 * {@link PlasmaDialects#detect(javax.sql.DataSource)}.
 */
public interface PlasmaDialect {

	/**
	 * Returns the database's display name, e.g. {@code PostgreSQL}.
	 * @return the name
	 */
	String displayName();

	/**
	 * Returns an SQL expression that identifies the current database session, used as the key of
	 * {@code _plasma_origin} so that concurrent mutation scopes never touch the same row.
	 * @return the expression
	 */
	String sessionIdExpression();

	/**
	 * Returns a statement that makes the next transaction READ COMMITTED, for databases whose default
	 * isolation is stricter (MariaDB: REPEATABLE READ), or {@code null} when the default already is.
	 * @return the statement or {@code null}
	 */
	default String readCommittedTransactionSql() {
		return null;
	}

	/**
	 * Returns a statement that, run first in a transaction, makes it REPEATABLE READ, or {@code null} to
	 * let the transaction manager set the isolation level on the connection (which costs extra round
	 * trips on some drivers).
	 * @return the statement or {@code null}
	 */
	default String repeatableReadTransactionSql() {
		return null;
	}

	/**
	 * Returns how SQL must name the change log's {@code value} column ({@code VALUE} is a keyword in H2).
	 * @return the column reference
	 */
	default String valueColumn() {
		return "value";
	}

	/**
	 * Returns the change log's columns after the version/identity column, in table order, as SQL must
	 * name them.
	 * @return the column list
	 */
	default String entryColumns() {
		return "table_name, row_id, op, " + valueColumn() + ", created_at, client_group_id, client_id, mutation_id";
	}

	/**
	 * Returns the change log's read-rule columns, which follow {@link #entryColumns()} wherever sequenced
	 * entries are moved or read: {@code scope} (the rule column's new value as text) and {@code old_scope}
	 * (its previous value).
	 * @return the column list
	 */
	default String scopeColumns() {
		return "scope, old_scope";
	}

	/**
	 * Binds a text value to a parameter compared with a column of any type (PostgreSQL infers the
	 * column's type instead of comparing as text, so an index on the column is used).
	 * @param statement the statement
	 * @param index the parameter's index
	 * @param value the value
	 * @throws SQLException on database errors
	 */
	default void setText(java.sql.PreparedStatement statement, int index, String value) throws SQLException {
		statement.setString(index, value);
	}

	/**
	 * Returns SQL that inserts or replaces the current session's row of {@code _plasma_origin}, with
	 * four parameters: client group ID, client ID, mutation ID and the region the mutation was pushed to.
	 * @return the statement
	 */
	String upsertOriginSql();

	/**
	 * Returns SQL that records a sequenced ledger marker in {@code _plasma_client_confirmations}, with
	 * parameters client group ID, client ID, mutation ID, row version and region, unless the client has a
	 * later mutation confirmed already (a region taking over another's pending marker may sequence it after
	 * the client's next mutation was sequenced elsewhere).
	 * @return the statement
	 */
	String upsertConfirmationSql();

	/**
	 * Returns an SQL expression for the database's current time in Unix milliseconds, the clock the
	 * capture triggers stamp {@code created_at} with, or {@code null} to use this JVM's clock.
	 * @return the expression or {@code null}
	 */
	default String nowMillisExpression() {
		return null;
	}

	/**
	 * Returns one statement that moves a sequencer batch without the entries passing through the JVM, or
	 * {@code null} to move them with plain JDBC. Parameters: the most entries to move, the head; it deletes the oldest visible pending entries the region takes ({@link dev.plasma.changelog.PendingScope#takes}),
	 * inserts them into {@code _plasma_changes} in the region with versions {@code head+1, ...}, upserts the
	 * confirmations of the ledger markers among them and returns the moved entries' {@code created_at} in
	 * version order. The entries' {@code batch_order} is one value of {@code _plasma_batch_order} taken
	 * within the statement, after its snapshot (see {@link #nextBatchOrderSql()}).
	 * @param markerTable the table name of ledger markers
	 * @param scope the sequenced region's entries
	 * @return the statement or {@code null}
	 */
	default String moveBatchSql(String markerTable, dev.plasma.changelog.PendingScope scope) {
		return null;
	}

	/**
	 * Returns the query of the next value of {@code _plasma_batch_order}, one per sequencer batch.
	 * @return the query
	 */
	default String nextBatchOrderSql() {
		return "SELECT NEXT VALUE FOR _plasma_batch_order";
	}

	/**
	 * Returns statements that, run first in compaction's read-only segment query, make it run well
	 * (memory, parallelism), or none.
	 * @return the statements
	 */
	default List<String> compactionQuerySettingsSql() {
		return List.of();
	}

	/**
	 * Returns a statement that, run first in a transaction, lets its commit return before it reaches the
	 * disk (commits still become durable in commit order), or {@code null} when the database has none.
	 * @return the statement or {@code null}
	 */
	default String asynchronousCommitSql() {
		return null;
	}

	/**
	 * Returns a query, run on a read replica, of how many milliseconds its replay trails the primary: 0
	 * when it has replayed everything it received, {@code NULL} when it cannot tell (not a replica, nothing
	 * replayed yet); or {@code null} when the database has no such query.
	 * @return the query or {@code null}
	 */
	default String replicaReplayDelaySql() {
		return null;
	}

	/**
	 * Returns whether the database offers the notifications of {@code dev.plasma.poke.PostgresNotifyPokeBus}
	 * ({@code LISTEN/NOTIFY}); without them each instance polls the change log's head for pokes.
	 * @return whether notifications are available
	 */
	default boolean supportsNotifications() {
		return false;
	}

	/**
	 * Returns whether statements may take JDBC arrays as parameters ({@code = ANY(?)}), so that a list of
	 * any length is one parameter and the statement is planned once.
	 * @return whether array parameters are supported
	 */
	default boolean supportsArrayParameters() {
		return false;
	}

	/**
	 * Deletes pending change-log entries the sequencer has just moved, inside the caller's transaction,
	 * each by an exact primary-key lookup: a range or a scan over the pending table would wait for the row
	 * locks of entries whose transactions are still open. By default one batched statement per id.
	 * @param connection the sequencer's connection
	 * @param ids the ids of the moved entries, in {@code ids[0..count)}
	 * @param count how many ids
	 * @throws SQLException on database errors
	 */
	default void deletePendingEntries(Connection connection, long[] ids, int count) throws SQLException {
		try (java.sql.PreparedStatement delete = connection
			.prepareStatement("DELETE FROM _plasma_pending_changes WHERE id = ?")) {
			for (int i = 0; i < count; i++) {
				delete.setLong(1, ids[i]);
				delete.addBatch();
			}
			delete.executeBatch();
		}
	}

	/**
	 * Rows fetched from the database at a time by {@link #readRows}, so a large table is streamed rather
	 * than loaded whole by the driver (PostgreSQL needs the caller's transaction for that).
	 */
	int READ_ROWS_FETCH_SIZE = 1000;

	/**
	 * Streams every current row of a table as {@code (row_id, row JSON)}, rendered exactly as the
	 * capture triggers render it, {@value #READ_ROWS_FETCH_SIZE} rows fetched at a time.
	 * @param connection the connection to read with (inside the caller's transaction)
	 * @param table the table
	 * @param consumer receives each row
	 * @throws SQLException on database errors
	 */
	void readRows(Connection connection, SyncedTable table, RowConsumer consumer) throws SQLException;

	/**
	 * Most values bound in one statement of {@link #readRowsIn}; larger sets are read in several.
	 */
	int READ_ROWS_IN_CHUNK = 500;

	/**
	 * Streams the rows of a table whose column holds one of the given values, like
	 * {@link #readRows(Connection, SyncedTable, RowConsumer)}, as {@code column IN (...)} statements of at
	 * most {@value #READ_ROWS_IN_CHUNK} values each, so an index on the column serves them.
	 * @param connection the connection to read with (inside the caller's transaction)
	 * @param table the table
	 * @param column the column to filter on
	 * @param values the values, as text ({@link #setText})
	 * @param consumer receives each row
	 * @throws SQLException on database errors
	 */
	void readRowsIn(Connection connection, SyncedTable table, dev.plasma.schema.Column column,
			java.util.Collection<String> values, RowConsumer consumer) throws SQLException;

	/**
	 * Receives rows from {@link #readRows(Connection, SyncedTable, RowConsumer)}.
	 */
	@FunctionalInterface
	interface RowConsumer {

		/**
		 * Accepts one row.
		 * @param rowId the row's ID
		 * @param json the row's JSON
		 */
		void accept(String rowId, String json);

	}

	/**
	 * Returns the statements that (re)create the capture triggers of a table, replacing earlier ones.
	 * @param table the table
	 * @return the DDL statements in execution order
	 */
	List<String> createCaptureTriggers(SyncedTable table);

	/**
	 * Returns the statements that remove a table's capture triggers, tolerating triggers or a table that
	 * no longer exist.
	 * @param physicalName the table name as stored in the database
	 * @return the DDL statements in execution order
	 */
	List<String> dropCaptureTriggers(String physicalName);

	/**
	 * Returns the tables of the current schema that really have Plasma's complete, enabled capture
	 * triggers, read from the database's catalog with one cheap query (it runs at every start and on
	 * every health check), so that a trigger dropped behind Plasma's back, or lost with its table, is seen.
	 * @param connection the connection to query with
	 * @return the physical names of the captured tables, exactly as the database stores them
	 * @throws SQLException on database errors
	 */
	Set<String> tablesWithCaptureTriggers(Connection connection) throws SQLException;

	/**
	 * Appends a {@code put} pending entry for every current row of the table (the initial capture of a
	 * table that becomes synced).
	 * @param connection the connection to use, inside the caller's transaction
	 * @param table the table
	 * @return the number of rows captured
	 * @throws SQLException on database errors
	 */
	int captureExistingRows(Connection connection, SyncedTable table) throws SQLException;

	/**
	 * Returns whether DDL takes part in transactions (PostgreSQL) instead of committing implicitly.
	 * @return whether DDL is transactional
	 */
	boolean transactionalDdl();

	/**
	 * Takes a session-level lock that serialises trigger installation across application instances,
	 * waiting for it.
	 * @param connection the connection that will hold the lock
	 * @throws SQLException on database errors
	 */
	void lockInstallation(Connection connection) throws SQLException;

	/**
	 * Releases the lock taken by {@link #lockInstallation(Connection)}.
	 * @param connection the connection that holds the lock
	 * @throws SQLException on database errors
	 */
	void unlockInstallation(Connection connection) throws SQLException;

	/**
	 * Quotes an identifier read from metadata or validated from configuration.
	 * @param identifier the identifier
	 * @return the quoted identifier
	 */
	String quote(String identifier);

}

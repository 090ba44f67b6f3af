package dev.plasma.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

import dev.plasma.changelog.PendingScope;
import dev.plasma.region.RegionIds;
import dev.plasma.schema.ColumnKind;
import dev.plasma.schema.SqlIdentifiers;
import dev.plasma.schema.SyncedTable;

/**
 * PostgreSQL: one PL/pgSQL trigger function per table, internal tables qualified with the schema the
 * application's tables live in so that sessions with another {@code search_path} are captured too.
 */
class PostgresDialect extends SqlTriggerDialect {

	private static final long INSTALL_LOCK_KEY = 0x706c61736d61L;

	private static final String FUNCTION_PREFIX = "plasma_capture_";

	/**
	 * Tables of the schema whose enabled {@code plasma_capture} trigger calls the table's own capture
	 * function.
	 */
	private static final String CAPTURED_TABLES = """
			SELECT c.relname FROM pg_catalog.pg_trigger t
			JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
			JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
			JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid AND p.pronamespace = n.oid
			WHERE n.nspname = ? AND t.tgname = 'plasma_capture' AND t.tgenabled <> 'D'
			AND p.proname = ? || c.relname""";

	/**
	 * The replay delay of a hot standby. While WAL it received waits for replay: the time since the commit of
	 * the last transaction it replayed (stamped by the primary's clock; after a long idle spell this overstates
	 * until the next commit is replayed). 0 once it replayed everything it received (an idle primary is not a
	 * delay). {@code NULL} on a server not in recovery, on a standby that never streamed (archive recovery only:
	 * what waits is unknown) or has replayed no transaction yet.
	 */
	private static final String REPLICA_REPLAY_DELAY_SQL = """
			SELECT CASE
			  WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() IS NULL THEN NULL
			  WHEN pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn() THEN 0
			  ELSE CAST(GREATEST(0, EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) * 1000) AS BIGINT)
			END""";

	private final String schema;

	/**
	 * Creates the dialect for tables of one schema.
	 * @param schema the schema of the synced and internal tables, e.g. {@code public}
	 */
	public PostgresDialect(String schema) {
		this.schema = schema;
	}

	@Override
	public String displayName() {
		return "PostgreSQL";
	}

	@Override
	public String repeatableReadTransactionSql() {
		return "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ";
	}

	@Override
	public String sessionIdExpression() {
		return "pg_backend_pid()";
	}

	@Override
	public String upsertOriginSql() {
		return "INSERT INTO _plasma_origin (session_id, client_group_id, client_id, mutation_id, region) VALUES (pg_backend_pid(), ?, ?, ?, ?)"
				+ " ON CONFLICT (session_id) DO UPDATE SET client_group_id = EXCLUDED.client_group_id,"
				+ " client_id = EXCLUDED.client_id, mutation_id = EXCLUDED.mutation_id, region = EXCLUDED.region";
	}

	@Override
	public String upsertConfirmationSql() {
		return "INSERT INTO _plasma_client_confirmations (client_group_id, client_id, mutation_id, row_version, region) VALUES (?, ?, ?, ?, ?)"
				+ " ON CONFLICT (client_group_id, client_id) DO UPDATE SET mutation_id = EXCLUDED.mutation_id,"
				+ " row_version = EXCLUDED.row_version, region = EXCLUDED.region"
				+ " WHERE _plasma_client_confirmations.mutation_id < EXCLUDED.mutation_id";
	}

	@Override
	public String moveBatchSql(String markerTable, PendingScope scope) {
		return """
				WITH moved AS (
				  DELETE FROM _plasma_pending_changes
				  WHERE id IN (SELECT p.id FROM _plasma_pending_changes p WHERE %2$s ORDER BY p.id LIMIT ?)
				  RETURNING id, table_name, row_id, op, value, created_at, client_group_id, client_id, mutation_id, scope, old_scope
				), inserted AS (
				  INSERT INTO _plasma_changes (region, row_version, batch_order, table_name, row_id, op, value, created_at, client_group_id, client_id, mutation_id, scope, old_scope)
				  SELECT %3$s, ? + row_number() OVER (ORDER BY id), (SELECT nextval('_plasma_batch_order')), table_name, row_id, op, value, created_at, client_group_id, client_id, mutation_id, scope, old_scope
				  FROM moved
				  RETURNING row_version, table_name, created_at, client_group_id, client_id, mutation_id
				), confirmed AS (
				  INSERT INTO _plasma_client_confirmations (client_group_id, client_id, mutation_id, row_version, region)
				  SELECT DISTINCT ON (client_group_id, client_id) client_group_id, client_id, mutation_id, row_version, %3$s
				  FROM inserted WHERE table_name = '%1$s' AND mutation_id IS NOT NULL
				  ORDER BY client_group_id, client_id, row_version DESC
				  ON CONFLICT (client_group_id, client_id)
				  DO UPDATE SET mutation_id = EXCLUDED.mutation_id, row_version = EXCLUDED.row_version, region = EXCLUDED.region
				  WHERE _plasma_client_confirmations.mutation_id < EXCLUDED.mutation_id
				)
				SELECT created_at FROM inserted ORDER BY row_version""".formatted(markerTable, scope.takes("p"),
				RegionIds.literal(scope.region()));
	}

	@Override
	public String nextBatchOrderSql() {
		return "SELECT nextval('_plasma_batch_order')";
	}

	/**
	 * Gives the segment aggregation room in memory and no parallel workers: the query runs in one process
	 * instead of spilling to disk or taking every core from the application.
	 */
	@Override
	public List<String> compactionQuerySettingsSql() {
		return List.of("SET LOCAL work_mem = '64MB'", "SET LOCAL max_parallel_workers_per_gather = 0");
	}

	@Override
	public String asynchronousCommitSql() {
		return "SET LOCAL synchronous_commit = off";
	}

	@Override
	public void setText(PreparedStatement statement, int index, String value) throws SQLException {
		statement.setObject(index, value, Types.OTHER);
	}

	/**
	 * Returns the replay delay of a hot standby (see {@link #REPLICA_REPLAY_DELAY_SQL}).
	 */
	@Override
	public String replicaReplayDelaySql() {
		return REPLICA_REPLAY_DELAY_SQL;
	}

	@Override
	public boolean supportsNotifications() {
		return true;
	}

	@Override
	public boolean supportsArrayParameters() {
		return true;
	}

	@Override
	String internalTable(String name) {
		return quote(this.schema) + "." + name;
	}

	@Override
	String jsonValue(String ref, ColumnKind kind) {
		String json = switch (kind) {
			case INTEGER, BOOLEAN -> ref + "::text";
			case FLOAT -> "to_json(" + ref + ")::text";
			case DECIMAL -> "to_json(" + ref + "::text)::text";
			case DATE -> "to_json(to_char(" + ref + ", 'YYYY-MM-DD'))::text";
			case TIME -> "to_json(to_char(DATE '2000-01-01' + " + ref + ", 'HH24:MI:SS.US'))::text";
			case TIMESTAMP -> "to_json(to_char(" + ref + ", 'YYYY-MM-DD\"T\"HH24:MI:SS.US'))::text";
			case TIMESTAMP_TZ -> "to_json(to_char(" + ref + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'))::text";
			case BINARY -> "to_json(translate(encode(" + ref + ", 'base64'), E'\\n', ''))::text";
			case STRING -> "to_json(" + ref + ")::text";
			case OTHER -> "to_json(" + ref + "::text)::text";
		};
		return "COALESCE(" + json + ", 'null')";
	}

	@Override
	String textValue(String ref, ColumnKind kind) {
		return ref + "::text";
	}

	@Override
	String concat(List<String> parts) {
		return "(" + String.join(" || ", parts) + ")";
	}

	@Override
	public String nowMillisExpression() {
		return "(extract(epoch from clock_timestamp()) * 1000)::bigint";
	}

	private String functionName(String physicalName) {
		return quote(this.schema) + "." + quote(FUNCTION_PREFIX + physicalName);
	}

	@Override
	public List<String> createCaptureTriggers(SyncedTable table) {
		String function = functionName(table.physicalName());
		String body = """
				CREATE OR REPLACE FUNCTION %s() RETURNS trigger LANGUAGE plpgsql AS $plasma$
				BEGIN
				  IF TG_OP = 'DELETE' THEN
				    %s;
				    RETURN NULL;
				  END IF;
				  IF TG_OP = 'UPDATE' AND (%s) IS DISTINCT FROM (%s) THEN
				    %s;
				  END IF;
				  %s;
				  RETURN NULL;
				END
				$plasma$""".formatted(function, insertPending(table, "OLD", "del", scopeOf(table, "OLD")),
				rowId(table, "OLD"), rowId(table, "NEW"), insertPending(table, "OLD", "del", scopeOf(table, "OLD")),
				insertPending(table, "NEW", "put", oldScopeOfPut(table)));
		String qualifiedTable = quote(this.schema) + "." + quote(table.physicalName());
		return List.of(body, "DROP TRIGGER IF EXISTS plasma_capture ON " + qualifiedTable,
				"CREATE TRIGGER plasma_capture AFTER INSERT OR UPDATE OR DELETE ON " + qualifiedTable
						+ " FOR EACH ROW EXECUTE FUNCTION " + function + "()");
	}

	@Override
	public List<String> dropCaptureTriggers(String physicalName) {
		return List.of("DROP FUNCTION IF EXISTS " + functionName(physicalName) + "() CASCADE");
	}

	@Override
	public Set<String> tablesWithCaptureTriggers(Connection connection) throws SQLException {
		return CatalogQuery.names(connection, CAPTURED_TABLES, this.schema, FUNCTION_PREFIX);
	}

	@Override
	public boolean transactionalDdl() {
		return true;
	}

	@Override
	public void lockInstallation(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("SELECT pg_advisory_lock(" + INSTALL_LOCK_KEY + ")");
		}
	}

	@Override
	public void unlockInstallation(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("SELECT pg_advisory_unlock(" + INSTALL_LOCK_KEY + ")");
		}
	}

	@Override
	public String quote(String identifier) {
		return SqlIdentifiers.quote(identifier, '"');
	}

}

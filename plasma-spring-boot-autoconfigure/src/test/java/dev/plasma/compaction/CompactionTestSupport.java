package dev.plasma.compaction;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import javax.sql.DataSource;

import dev.plasma.changelog.ChangeEntry;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.ledger.MutationLedger;
import dev.plasma.schema.SyncedTable;
import dev.plasma.schema.SyncedTables;
import dev.plasma.sync.PatchOperation;
import dev.plasma.sync.PullResult;

/**
 * Helpers of the compaction suites: the reference model of compaction, a client that replays pull
 * patches, the database's current rows as a client sees them, and a data source that runs a hook when a
 * statement is prepared.
 */
final class CompactionTestSupport {

	private CompactionTestSupport() {
	}

	/**
	 * Returns what compaction up to {@code upTo} must leave of a change log: every entry above
	 * {@code upTo}; at or below it, the latest entry of each row unless that is a delete (ledger markers
	 * are never cancelled).
	 */
	static List<ChangeEntry> compacted(List<ChangeEntry> log, long upTo) {
		Map<String, ChangeEntry> latest = new HashMap<>();
		for (ChangeEntry entry : log) {
			if (entry.rowVersion() <= upTo) {
				latest.put(key(entry), entry);
			}
		}
		List<ChangeEntry> kept = new ArrayList<>();
		for (ChangeEntry entry : log) {
			if (entry.rowVersion() > upTo) {
				kept.add(entry);
			}
			else if (latest.get(key(entry)) == entry
					&& (!entry.isDelete() || MutationLedger.MARKER_TABLE.equals(entry.tableName()))) {
				kept.add(entry);
			}
		}
		return kept;
	}

	static String key(ChangeEntry entry) {
		return entry.tableName() + "/" + entry.rowId();
	}

	/**
	 * Returns every current row of the synced tables, keyed and rendered as pulls deliver them.
	 */
	static Map<String, String> databaseState(DataSource dataSource, PlasmaDialect dialect, SyncedTables tables) {
		Map<String, String> rows = new HashMap<>();
		try (Connection connection = dataSource.getConnection()) {
			for (SyncedTable table : tables.synced()) {
				dialect.readRows(connection, table, (rowId, json) -> rows.put(table.name() + "/" + rowId, json));
			}
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return rows;
	}

	/**
	 * Wraps a data source so that {@code hook} runs whenever a statement whose SQL matches is prepared,
	 * before it is prepared; the hook may throw to make the preparation fail.
	 */
	static DataSource onPrepare(DataSource dataSource, Predicate<String> sql, Runnable hook) {
		return (DataSource) Proxy.newProxyInstance(CompactionTestSupport.class.getClassLoader(),
				new Class<?>[] { DataSource.class }, (proxy, method, args) -> {
					Object result = invoke(method, dataSource, args);
					if (result instanceof Connection connection) {
						return connection(connection, sql, hook);
					}
					return result;
				});
	}

	private static Connection connection(Connection connection, Predicate<String> sql, Runnable hook) {
		return (Connection) Proxy.newProxyInstance(CompactionTestSupport.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, args) -> {
					if (method.getName().startsWith("prepare") && args != null && args.length > 0
							&& args[0] instanceof String text && sql.test(text)) {
						hook.run();
					}
					return invoke(method, connection, args);
				});
	}

	private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	/**
	 * A client's local store: applies pull patches and remembers its cookie.
	 */
	static final class Client {

		final Map<String, String> rows = new LinkedHashMap<>();

		Long cookie;

		int resets;

		int incrementals;

		Client() {
		}

		Client(Long cookie, Map<String, String> rows) {
			this.cookie = cookie;
			this.rows.putAll(rows);
		}

		void apply(PullResult result) {
			for (PatchOperation operation : result.patch()) {
				switch (operation.op()) {
					case "clear" -> this.rows.clear();
					case "put" -> this.rows.put(operation.key(), operation.value());
					case "del" -> this.rows.remove(operation.key());
					default -> throw new AssertionError(operation);
				}
			}
			if (result.reset()) {
				this.resets++;
			}
			else {
				this.incrementals++;
			}
			this.cookie = result.version();
		}

		Client copy() {
			return new Client(this.cookie, this.rows);
		}

	}

}

package dev.plasma.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plasma.changelog.ChangeEntry;
import dev.plasma.changelog.ChangeLog;
import dev.plasma.changelog.ChangePage;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.ledger.MutationLedger;
import dev.plasma.schema.SyncedTable;
import dev.plasma.schema.SyncedTables;

/**
 * Answers pulls (docs/protocol.md, guarantees 5 to 10), read-only and cheap.
 * <p>
 * A pull never writes and never waits for the sequencer: it reads what is sequenced, in one read-only
 * repeatable-read transaction. Read-your-writes is the push's job ({@link PushProcessor} answers only
 * once its entries are sequenced); entries of raw writers arrive through the sequencer loop. The pull
 * reads the head and compaction floor and the group's confirmations in one statement, then either
 * nothing more (the cookie is at the head: that one statement is the whole pull), the entries after the
 * cookie (one page, cut by {@code maxChanges} entries or {@code maxBytes} of patch, whichever comes
 * first), or, for a missing cookie or one below the floor, the full current state of every synced table
 * after a {@code clear}. Confirmations are reported only when their ledger marker lies at or below the
 * returned version, so confirmation never runs ahead of data; ledger markers also make the cookie move
 * when a mutation is confirmed without writing anything.
 */
public class PullProcessor {

	/**
	 * Reads head, floor and the group's confirmations in one statement, and touches {@code _plasma_changes}
	 * in it too: H2 takes the REPEATABLE READ snapshot of each table at the table's first read in the
	 * transaction, so without it a compaction committing between this read and the read of the entries
	 * could delete entries of a client whose cookie is at or above the floor read here (docs/protocol.md, guarantee
	 * 7). One row per confirmed client of the group, or one row with NULL client columns for none.
	 */
	private static final String READ_STATE_SQL = """
			SELECT s.head, s.compaction_floor, (SELECT COUNT(*) FROM _plasma_changes WHERE row_version = 0),
			  c.client_id, c.mutation_id, c.row_version
			FROM _plasma_sequencer s LEFT JOIN _plasma_client_confirmations c ON c.client_group_id = ?
			WHERE s.id = 1""";

	private final DataSource dataSource;

	private final JdbcTemplate jdbc;

	private final PlasmaDialect dialect;

	private final ChangeLog changeLog;

	private final SyncedTables tables;

	private final TransactionTemplate readTransactions;

	private final String repeatableReadSql;

	private final int maxChanges;

	private final long maxBytes;

	private final SyncObserver observer;

	/**
	 * Creates the pull processor.
	 * @param dataSource the data source holding Plasma's tables
	 * @param dialect its dialect
	 * @param changeLog reads sequenced entries
	 * @param tables the synced tables
	 * @param transactions transactions on the data source
	 * @param maxChanges the most change-log entries of one incremental page
	 * @param maxBytes the size budget of one incremental page (table names, row IDs and values)
	 * @param observer told about every pull
	 */
	public PullProcessor(DataSource dataSource, PlasmaDialect dialect, ChangeLog changeLog, SyncedTables tables,
			TransactionTemplate transactions, int maxChanges, long maxBytes, SyncObserver observer) {
		if (maxChanges < 1) {
			throw new IllegalArgumentException("maxChanges must be at least 1");
		}
		if (maxBytes < 1) {
			throw new IllegalArgumentException("maxBytes must be at least 1");
		}
		this.dataSource = dataSource;
		this.jdbc = new JdbcTemplate(dataSource);
		this.dialect = dialect;
		this.changeLog = changeLog;
		this.tables = tables;
		this.readTransactions = new TransactionTemplate(transactions.getTransactionManager());
		this.readTransactions.setReadOnly(true);
		this.repeatableReadSql = dialect.repeatableReadTransactionSql();
		if (this.repeatableReadSql == null) {
			this.readTransactions.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
		}
		this.maxChanges = maxChanges;
		this.maxBytes = maxBytes;
		this.observer = observer;
	}

	/**
	 * Answers a pull, holding the whole answer in memory.
	 * @param clientGroupId the pulling client group
	 * @param cookieVersion the version of the request's cookie, {@code null} for none
	 * @return the result
	 * @throws CookieFromFutureException when the cookie is beyond the change log's head
	 */
	public PullResult pull(String clientGroupId, Long cookieVersion) {
		List<PatchOperation> patch = new ArrayList<>();
		PullHeader header = pull(clientGroupId, cookieVersion, new PatchSink() {

			@Override
			public void begin(PullHeader ignored) {
			}

			@Override
			public void operation(String op, String key, String value) {
				patch.add(new PatchOperation(op, key, value));
			}

		});
		return new PullResult(header.version(), header.reset(), patch, header.lastMutationIds(),
				header.lastMutationIdChanges(), header.hasMore());
	}

	/**
	 * Answers a pull into a sink: the header first, then the patch operations, all while the pull's read
	 * transaction is open. A reset's rows are handed over one by one as they are read, never collected.
	 * @param clientGroupId the pulling client group
	 * @param cookieVersion the version of the request's cookie, {@code null} for none
	 * @param sink receives the answer
	 * @return the header the sink received
	 * @throws CookieFromFutureException when the cookie is beyond the change log's head (before the sink
	 * receives anything)
	 */
	public PullHeader pull(String clientGroupId, Long cookieVersion, PatchSink sink) {
		long started = System.nanoTime();
		PullHeader header = this.readTransactions.execute((status) -> {
			if (this.repeatableReadSql != null) {
				this.jdbc.execute(this.repeatableReadSql);
			}
			long[] state = { -1, 0 };
			Map<String, long[]> confirmations = new TreeMap<>();
			this.jdbc.query(READ_STATE_SQL, (rs) -> {
				state[0] = rs.getLong(1);
				state[1] = rs.getLong(2);
				String clientId = rs.getString(4);
				if (clientId != null) {
					confirmations.put(clientId, new long[] { rs.getLong(5), rs.getLong(6) });
				}
			}, clientGroupId);
			long head = state[0];
			long floor = state[1];
			if (head < 0) {
				throw new org.springframework.dao.DataAccessResourceFailureException(
						"Plasma: _plasma_sequencer has no state row; was Plasma's schema initialized?");
			}
			if (cookieVersion != null && cookieVersion > head) {
				throw new CookieFromFutureException(cookieVersion, head);
			}
			if (cookieVersion == null || cookieVersion < floor) {
				return reset(head, confirmations, sink);
			}
			return incremental(clientGroupId, cookieVersion, head, confirmations, sink);
		});
		this.observer.pullCompleted(header.reset(), Duration.ofNanos(System.nanoTime() - started));
		return header;
	}

	private PullHeader reset(long head, Map<String, long[]> confirmations, PatchSink sink) {
		Map<String, Long> confirmed = confirmedUpTo(confirmations, head);
		PullHeader header = new PullHeader(head, true, confirmed, confirmed, false);
		sink.begin(header);
		sink.operation(PatchOperation.CLEAR.op(), null, null);
		java.sql.Connection connection = DataSourceUtils.getConnection(this.dataSource);
		try {
			for (SyncedTable table : this.tables.synced()) {
				String prefix = table.name() + "/";
				this.dialect.readRows(connection, table, (rowId, json) -> sink.operation("put", prefix + rowId, json));
			}
		}
		catch (java.sql.SQLException ex) {
			throw new org.springframework.dao.DataAccessResourceFailureException("Plasma: reading the full state failed",
					ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, this.dataSource);
		}
		return header;
	}

	private PullHeader incremental(String clientGroupId, long cookieVersion, long head,
			Map<String, long[]> confirmations, PatchSink sink) {
		ChangePage page = (cookieVersion == head) ? new ChangePage(List.of(), true)
				: this.changeLog.readPage(cookieVersion, head, this.maxChanges, this.maxBytes);
		List<ChangeEntry> entries = page.entries();
		long version = page.complete() ? head : entries.get(entries.size() - 1).rowVersion();
		Map<String, PatchOperation> byKey = new LinkedHashMap<>();
		Map<String, Long> changes = new TreeMap<>();
		for (ChangeEntry entry : entries) {
			if (MutationLedger.MARKER_TABLE.equals(entry.tableName())) {
				if (clientGroupId.equals(entry.clientGroupId()) && entry.mutationId() != null) {
					changes.merge(entry.clientId(), entry.mutationId(), Math::max);
				}
				continue;
			}
			SyncedTable table = this.tables.get(entry.tableName());
			if (table == null || table.changeLogSuppressed()) {
				continue;
			}
			String key = entry.tableName() + "/" + entry.rowId();
			byKey.remove(key);
			byKey.put(key, entry.isDelete() ? PatchOperation.del(key) : PatchOperation.put(key, entry.value()));
		}
		Map<String, Long> confirmed = new TreeMap<>(changes);
		confirmed.putAll(confirmedUpTo(confirmations, version));
		PullHeader header = new PullHeader(version, false, confirmed, changes, version < head);
		sink.begin(header);
		for (PatchOperation operation : byKey.values()) {
			sink.operation(operation.op(), operation.key(), operation.value());
		}
		return header;
	}

	private static Map<String, Long> confirmedUpTo(Map<String, long[]> confirmations, long version) {
		Map<String, Long> confirmed = new TreeMap<>();
		confirmations.forEach((clientId, value) -> {
			if (value[1] <= version) {
				confirmed.put(clientId, value[0]);
			}
		});
		return confirmed;
	}

}

package dev.plasma.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plasma.access.ReadRules;
import dev.plasma.access.ReadView;
import dev.plasma.changelog.ChangeEntry;
import dev.plasma.changelog.ChangeLog;
import dev.plasma.changelog.ChangePage;
import dev.plasma.changelog.SequencerStateRepository;
import dev.plasma.changelog.SequencerStateRepository.Confirmation;
import dev.plasma.changelog.SequencerStateRepository.RegionPosition;
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
 * reads the head and compaction floor and the group's confirmations in one statement
 * ({@link SequencerStateRepository#readPullState}), then either
 * nothing more (the cookie is at the head: that one statement is the whole pull), the entries after the
 * cookie (one page, cut by {@code maxChanges} entries or {@code maxBytes} of patch, whichever comes
 * first), or, for a missing cookie or one below the floor, the full current state of every synced table
 * after a {@code clear}. Confirmations are reported only when their ledger marker lies at or below the
 * returned version, so confirmation never runs ahead of data; ledger markers also make the cookie move
 * when a mutation is confirmed without writing anything.
 * <p>
 * <b>Read rules.</b> With {@link ReadRules} declared, a pull runs for a user: in the same snapshot it
 * evaluates the user's {@link ReadView} (one query per grant set) and its fingerprint.
 * <ul>
 * <li>No cookie, or one below the floor: a reset holding only the readable rows of ruled tables
 * ({@code WHERE column IN (allowed)}, served by an index on the column).</li>
 * <li>The cookie's fingerprint differs (grants, user or rules changed) and the head moved past it: a reset.
 * A cookie at the head is answered "nothing changed" with the request's own cookie, without evaluating
 * the grants at all (a caught-up pull stays one statement): a grant change is a write to a synced table,
 * so the head moves once the sequencer takes it and the next pull resets. That keeps the cookie (and the
 * Replicache adapter's {@code order}) strictly growing with every non-empty patch.</li>
 * <li>Otherwise incremental. An entry of a ruled table is a {@code put} when it is a put whose
 * {@code scope} is allowed, else a {@code del} when its {@code old_scope} is allowed (the row was readable
 * and no longer is), else it is skipped entirely, so a row the user cannot read never shows its key. The
 * last op per key wins; a skipped entry does not override an earlier one. Pages are cut by entries read,
 * skipped ones included.</li>
 * </ul>
 * <b>Regions.</b> The cookie carries a cursor per region; a pull reads, for every region, the entries
 * above its cursor and merges them ({@link MergedPage}) in the order of their sequencer batches, the
 * order in which a row's writes happened; each region's new cursor is the last of its entries the page
 * took, or its head when the page took all of them.
 * <p>
 * Pulls stay read-only, so tabs of one group pulling concurrently with the same cookie get the same,
 * correct answer.
 * <p>
 * <b>Where a pull is read.</b> A {@link PullSourceChooser} picks the database of each pull: the primary by
 * default, or a read replica ({@code dev.plasma.replica}) whose snapshot, checked before anything is
 * answered, has reached the {@link Positions} the pull needs; otherwise the primary answers.
 */
public class PullProcessor {

	private final PullSource primary;

	private final PullSourceChooser chooser;

	private final PlasmaDialect dialect;

	private final SyncedTables tables;

	private final int maxChanges;

	private final long maxBytes;

	private final SyncObserver observer;

	private final ReadRules readRules;

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
		this(dataSource, dialect, changeLog, tables, ReadRules.NONE, transactions, maxChanges, maxBytes, observer);
	}

	/**
	 * Creates the pull processor with read rules.
	 * @param dataSource the data source holding Plasma's tables
	 * @param dialect its dialect
	 * @param changeLog reads sequenced entries
	 * @param tables the synced tables
	 * @param readRules which rows each user may read
	 * @param transactions transactions on the data source
	 * @param maxChanges the most change-log entries of one incremental page
	 * @param maxBytes the size budget of one incremental page (table names, row IDs and values)
	 * @param observer told about every pull
	 */
	public PullProcessor(DataSource dataSource, PlasmaDialect dialect, ChangeLog changeLog, SyncedTables tables,
			ReadRules readRules, TransactionTemplate transactions, int maxChanges, long maxBytes, SyncObserver observer) {
		this(dataSource, dialect, changeLog, tables, readRules, transactions, maxChanges, maxBytes, observer,
				PullSourceChooser.PRIMARY_ONLY);
	}

	/**
	 * Creates the pull processor with read rules and a chooser of the database answering each pull.
	 * @param dataSource the data source holding Plasma's tables (the primary)
	 * @param dialect its dialect
	 * @param changeLog reads sequenced entries
	 * @param tables the synced tables
	 * @param readRules which rows each user may read
	 * @param transactions transactions on the data source
	 * @param maxChanges the most change-log entries of one incremental page
	 * @param maxBytes the size budget of one incremental page (table names, row IDs and values)
	 * @param observer told about every pull
	 * @param chooser chooses the database answering a pull ({@link PullSourceChooser#PRIMARY_ONLY}: the
	 * primary)
	 */
	public PullProcessor(DataSource dataSource, PlasmaDialect dialect, ChangeLog changeLog, SyncedTables tables,
			ReadRules readRules, TransactionTemplate transactions, int maxChanges, long maxBytes, SyncObserver observer,
			PullSourceChooser chooser) {
		this.readRules = readRules;
		if (maxChanges < 1) {
			throw new IllegalArgumentException("maxChanges must be at least 1");
		}
		if (maxBytes < 1) {
			throw new IllegalArgumentException("maxBytes must be at least 1");
		}
		this.primary = PullSource.of(dataSource, dialect, changeLog,
				Objects.requireNonNull(transactions.getTransactionManager(), "transactions need a transaction manager"));
		this.chooser = chooser;
		this.dialect = dialect;
		this.tables = tables;
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
	public PullResult pull(String clientGroupId, @Nullable Long cookieVersion) {
		return pull(clientGroupId, ReadRules.ANONYMOUS_USER, position(cookieVersion));
	}

	/**
	 * Answers a user's pull, holding the whole answer in memory.
	 * @param clientGroupId the pulling client group
	 * @param userName the pulling user, whom read rules apply to
	 * @param cookie what the request's cookie names, {@code null} for none
	 * @return the result
	 * @throws CookieFromFutureException when the cookie is beyond the change log's head
	 */
	public PullResult pull(String clientGroupId, String userName, Cookie.@Nullable Position cookie) {
		List<PatchOperation> patch = new ArrayList<>();
		PullHeader header = pull(clientGroupId, userName, cookie, new PatchSink() {

			@Override
			public void begin(PullHeader ignored) {
			}

			@Override
			public void operation(String op, String key, String value) {
				patch.add(new PatchOperation(op, key, value));
			}

		});
		return new PullResult(header.version(), header.reset(), patch, header.lastMutationIds(),
				header.lastMutationIdChanges(), header.hasMore(), header.grants(), header.cursors());
	}

	/**
	 * Answers an anonymous pull into a sink, as {@link #pull(String, String, Cookie.Position, PatchSink)}
	 * does for the user {@value ReadRules#ANONYMOUS_USER} and a cookie without grants fingerprint.
	 * @param clientGroupId the pulling client group
	 * @param cookieVersion the version of the request's cookie, {@code null} for none
	 * @param sink receives the answer
	 * @return the header the sink received
	 */
	public PullHeader pull(String clientGroupId, @Nullable Long cookieVersion, PatchSink sink) {
		return pull(clientGroupId, ReadRules.ANONYMOUS_USER, position(cookieVersion), sink);
	}

	private static Cookie.@Nullable Position position(@Nullable Long cookieVersion) {
		return (cookieVersion != null) ? new Cookie.Position(cookieVersion, null) : null;
	}

	/**
	 * Answers a pull into a sink: the header first, then the patch operations, all while the pull's read
	 * transaction is open. A reset's rows are handed over one by one as they are read, never collected.
	 * @param clientGroupId the pulling client group
	 * @param userName the pulling user, whom read rules apply to
	 * @param cookie what the request's cookie names, {@code null} for none
	 * @param sink receives the answer
	 * @return the header the sink received
	 * @throws CookieFromFutureException when the cookie is beyond the change log's head (before the sink
	 * receives anything)
	 */
	public PullHeader pull(String clientGroupId, String userName, Cookie.@Nullable Position cookie, PatchSink sink) {
		long started = System.nanoTime();
		PullHeader header = this.chooser.answer(clientGroupId, cookie, new PullSourceChooser.PullReads() {

			@Override
			public PullHeader fromPrimary() {
				return read(PullProcessor.this.primary, null, clientGroupId, userName, cookie, sink);
			}

			@Override
			public PullHeader from(PullSource source, Positions needed) {
				StartedSink started = new StartedSink(sink);
				try {
					return read(source, needed, clientGroupId, userName, cookie, started);
				}
				catch (PullSourceChooser.SourceBehindException ex) {
					throw ex;
				}
				catch (RuntimeException ex) {
					if (started.started) {
						throw ex;
					}
					throw new PullSourceChooser.SourceFailedException(ex);
				}
			}

		});
		this.observer.pullCompleted(header.reset(), Duration.ofNanos(System.nanoTime() - started));
		return header;
	}

	/**
	 * Reads a pull's answer from one source, in one read-only snapshot; with {@code needed} (a replica), only
	 * when the snapshot's head reaches it and the user's grants there match the cookie's (both checked before
	 * the sink receives anything). A primary reset may hold rows and grants committed but not yet sequenced,
	 * so a replica that reached the cookie's version may still have older grants: its reset would take rows
	 * back from the client for a while.
	 */
	private PullHeader read(PullSource source, @Nullable Positions needed, String clientGroupId, String userName,
			Cookie.@Nullable Position cookie, PatchSink sink) {
		return source.read((status) -> {
			SequencerStateRepository.PullState state = SequencerStateRepository.readPullState(source.jdbc(), clientGroupId);
			if (needed != null && !heads(state.regions()).reach(needed)) {
				throw new PullSourceChooser.SourceBehindException(heads(state.regions()));
			}
			Map<String, RegionPosition> regions = state.regions();
			Map<String, Confirmation> confirmations = state.confirmations();
			Map<String, Long> cursors = (cookie != null) ? cursors(cookie, regions) : null;
			boolean belowFloor = cursors == null || regions.entrySet()
				.stream()
				.anyMatch((region) -> cursors.get(region.getKey()) < region.getValue().floor());
			boolean atHead = cursors != null && regions.entrySet()
				.stream()
				.allMatch((region) -> cursors.get(region.getKey()) == region.getValue().head());
			if (atHead && !belowFloor) {
				return incremental(source, clientGroupId, cursors, regions, confirmations, null, cookie.grants(), sink);
			}
			java.sql.Connection connection = DataSourceUtils.getConnection(source.dataSource());
			try {
				ReadView view = this.readRules.view(connection, userName);
				String grants = (view != null) ? view.fingerprint() : null;
				if (belowFloor || !Objects.equals(grants, cookie.grants())) {
					if (needed != null && !belowFloor) {
						// A replica's grants may be older than those the cookie was issued with: only the primary resets.
						throw new PullSourceChooser.SourceBehindException(heads(regions));
					}
					return reset(connection, regions, confirmations, view, sink);
				}
				return incremental(source, clientGroupId, cursors, regions, confirmations, view, grants, sink);
			}
			catch (java.sql.SQLException ex) {
				throw new org.springframework.dao.DataAccessResourceFailureException("Plasma: reading the pull failed",
						ex);
			}
			finally {
				DataSourceUtils.releaseConnection(connection, source.dataSource());
			}
		});
	}

	/**
	 * Returns the cookie's cursor of every region the server knows (0 for one the cookie does not name).
	 * @throws BadSyncRequestException when the cookie names a region the server does not know
	 * @throws CookieFromFutureException when a cursor is beyond its region's head
	 */
	private static Map<String, Long> cursors(Cookie.Position cookie, Map<String, RegionPosition> regions) {
		for (String region : cookie.cursors().keySet()) {
			if (!regions.containsKey(region)) {
				throw new BadSyncRequestException("cookie names region '" + region
						+ "', which this server does not know (known regions: " + String.join(", ", regions.keySet()) + ")");
			}
		}
		Map<String, Long> cursors = new TreeMap<>();
		regions.forEach((region, position) -> {
			long cursor = cookie.cursor(region);
			if (cursor > position.head()) {
				throw new CookieFromFutureException(cursor, position.head());
			}
			cursors.put(region, cursor);
		});
		return cursors;
	}

	private PullHeader reset(java.sql.Connection connection, Map<String, RegionPosition> regions,
			Map<String, Confirmation> confirmations, @Nullable ReadView view, PatchSink sink)
			throws java.sql.SQLException {
		Map<String, Long> heads = new TreeMap<>();
		regions.forEach((region, position) -> heads.put(region, position.head()));
		Map<String, Long> confirmed = confirmedUpTo(confirmations, heads);
		PullHeader header = new PullHeader(sum(heads), true, confirmed, confirmed, false,
				(view != null) ? view.fingerprint() : null, heads);
		sink.begin(header);
		sink.operation(PatchOperation.CLEAR.op(), null, null);
		for (SyncedTable table : this.tables.synced()) {
			String prefix = table.name() + "/";
			PlasmaDialect.RowConsumer put = (rowId, json) -> sink.operation("put", prefix + rowId, json);
			Set<String> allowed = (view != null) ? view.allowed(table.name()) : null;
			if (allowed == null) {
				this.dialect.readRows(connection, table, put);
			}
			else if (!allowed.isEmpty()) {
				this.dialect.readRowsIn(connection, table, Objects.requireNonNull(table.scopeColumn()), allowed, put);
			}
		}
		return header;
	}

	private PullHeader incremental(PullSource source, String clientGroupId, Map<String, Long> cookieCursors,
			Map<String, RegionPosition> regions, Map<String, Confirmation> confirmations, @Nullable ReadView view,
			@Nullable String grants, PatchSink sink) {
		Map<String, ChangePage> pages = new TreeMap<>();
		cookieCursors.forEach((region, cursor) -> {
			long head = regions.get(region).head();
			if (cursor < head) {
				pages.put(region, source.changeLog().readPage(region, cursor, head, this.maxChanges, this.maxBytes));
			}
		});
		MergedPage merged = MergedPage.merge(pages, cookieCursors, regions, this.maxChanges, this.maxBytes);
		Map<String, PatchOperation> byKey = new LinkedHashMap<>();
		Map<String, Long> changes = new TreeMap<>();
		for (ChangeEntry entry : merged.entries()) {
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
			Set<String> allowed = (view != null) ? view.allowed(entry.tableName()) : null;
			PatchOperation operation;
			if (allowed == null) {
				operation = entry.isDelete() ? PatchOperation.del(key) : PatchOperation.put(key, entry.value());
			}
			else if (!entry.isDelete() && entry.scope() != null && allowed.contains(entry.scope())) {
				operation = PatchOperation.put(key, entry.value());
			}
			else if (entry.oldScope() != null && allowed.contains(entry.oldScope())) {
				operation = PatchOperation.del(key);
			}
			else {
				continue;
			}
			byKey.remove(key);
			byKey.put(key, operation);
		}
		Map<String, Long> cursors = merged.cursors();
		Map<String, Long> confirmed = new TreeMap<>(changes);
		confirmed.putAll(confirmedUpTo(confirmations, cursors));
		PullHeader header = new PullHeader(sum(cursors), false, confirmed, changes, merged.hasMore(), grants, cursors);
		sink.begin(header);
		for (PatchOperation operation : byKey.values()) {
			sink.operation(operation.op(), operation.key(), operation.value());
		}
		return header;
	}

	private static Positions heads(Map<String, RegionPosition> regions) {
		Map<String, Long> heads = new TreeMap<>();
		regions.forEach((region, position) -> heads.put(region, position.head()));
		return new Positions(heads);
	}

	private static long sum(Map<String, Long> cursors) {
		long sum = 0;
		for (long cursor : cursors.values()) {
			sum += cursor;
		}
		return sum;
	}

	private static Map<String, Long> confirmedUpTo(Map<String, Confirmation> confirmations,
			Map<String, Long> cursors) {
		Map<String, Long> confirmed = new TreeMap<>();
		confirmations.forEach((clientId, confirmation) -> {
			Long cursor = cursors.get(confirmation.region());
			if (cursor != null && confirmation.rowVersion() <= cursor) {
				confirmed.put(clientId, confirmation.mutationId());
			}
		});
		return confirmed;
	}

	/**
	 * Passes a pull's answer on and notes whether it has begun, after which a failing source can no longer
	 * be replaced by another.
	 */
	private static final class StartedSink implements PatchSink {

		private final PatchSink sink;

		private boolean started;

		StartedSink(PatchSink sink) {
			this.sink = sink;
		}

		@Override
		public void begin(PullHeader header) {
			this.started = true;
			this.sink.begin(header);
		}

		@Override
		public void operation(String op, String key, String value) {
			this.sink.operation(op, key, value);
		}

	}

}

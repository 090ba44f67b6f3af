package dev.plasma.blob;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.plasma.changelog.ChangeEntry;
import dev.plasma.changelog.ChangeLog;
import dev.plasma.compaction.CompactionListener;
import dev.plasma.jdbc.JdbcTransactions;
import dev.plasma.jdbc.JdbcTransactions.Isolation;
import dev.plasma.scheduling.DaemonWorker;
import dev.plasma.sequencer.SequencedBatch;
import dev.plasma.sequencer.SequencerListener;

/**
 * Derives {@code _plasma_blob_refs} from the change log, so that every write to a file column is followed,
 * by mutators and by raw SQL alike.
 * <p>
 * <b>How.</b> {@code _plasma_blob_cursors} holds, per region, the version up to which the references are
 * derived. A catch-up, one transaction per page of entries: lock the cursor row ({@code SELECT ... FOR
 * UPDATE}, so that one instance at a time derives) and read every region's cursor and head; read the
 * entries of tables with file columns between them (merged across regions in write order, as a pull
 * merges them), and the current references of their rows in one query per table; apply the entries in
 * order (each file column's reference becomes the hash in the new row JSON, none for a delete, with the
 * entry's read-rule scope; a row whose JSON never mentions {@code hash} is not parsed) and write only the
 * references that changed; then move each cursor to its head, or to its last entry read when the page
 * was full. A blob gaining
 * a reference has its {@code unreferenced_since} cleared; one losing its last reference gets it set to
 * now. Because cursor and references commit together, a crash loses nothing: the next catch-up resumes at
 * the cursor. An immutable column whose hash changed is reported (log and {@link BlobListener#immutableChanged}).
 * <p>
 * <b>When.</b> Once started (it is a {@link SmartLifecycle}), a sequencer batch only wakes the tracker's
 * own thread ({@code plasma-blob-refs}), which catches up for every batch that arrived meanwhile: pushes
 * waiting for their flush never wait for derivation, and a burst of batches costs one catch-up. Not
 * started, a batch catches up in the sequencing thread. Readers that must not miss a fresh reference
 * catch up themselves: orphan collection always, a download check before it answers 404
 * ({@link #catchUpIfBehind()}), and a compaction pass before it may fold entries not derived yet
 * ({@link #compacting}); a mutation check reads a row's previous file from the change log itself.
 */
public class BlobReferenceTracker implements SequencerListener, CompactionListener, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(BlobReferenceTracker.class);

	private static final int PAGE_SIZE = 500;

	private static final long RETRY_MILLIS = 1000;

	private final DataSource dataSource;

	private final ChangeLog changeLog;

	private final FileColumns columns;

	private final JsonMapper mapper;

	private final LongSupplier clock;

	private final BlobListener listener;

	private final JdbcTransactions transactions;

	private final List<String> tables;

	private final DaemonWorker worker = new DaemonWorker("plasma-blob-refs", this::deriveWhenWoken);

	private final Object wake = new Object();

	private boolean woken;

	/**
	 * Creates the tracker.
	 * @param dataSource the data source holding Plasma's tables
	 * @param changeLog the change log
	 * @param columns the file columns
	 * @param mapper parses row JSON
	 * @param clock the current time (Unix ms)
	 * @param listener told about changed immutable files
	 */
	public BlobReferenceTracker(DataSource dataSource, ChangeLog changeLog, FileColumns columns, JsonMapper mapper,
			LongSupplier clock, BlobListener listener) {
		this.dataSource = dataSource;
		this.changeLog = changeLog;
		this.columns = columns;
		this.mapper = mapper;
		this.clock = clock;
		this.listener = listener;
		this.transactions = new JdbcTransactions(dataSource, "Plasma blob references");
		this.tables = columns.all().stream().map(FileColumn::table).distinct().toList();
	}

	@Override
	public void sequenced(SequencedBatch batch, long[] createdAts) {
		if (this.columns.all().isEmpty()) {
			return;
		}
		if (this.worker.isRunning()) {
			wake();
			return;
		}
		try {
			catchUp();
		}
		catch (RuntimeException ex) {
			logger.warn("Plasma: could not derive blob references; the next batch retries: " + ex.getMessage());
		}
	}

	private void wake() {
		synchronized (this.wake) {
			this.woken = true;
			this.wake.notifyAll();
		}
	}

	private void deriveWhenWoken() {
		while (this.worker.isRunning()) {
			try {
				synchronized (this.wake) {
					while (!this.woken && this.worker.isRunning()) {
						this.wake.wait();
					}
					this.woken = false;
				}
				catchUp();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				logger.warn("Plasma: could not derive blob references; retrying in a second: " + ex.getMessage());
				synchronized (this.wake) {
					this.woken = true;
				}
				try {
					Thread.sleep(RETRY_MILLIS);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	/**
	 * Catches up when some region's references are behind its head (one query when they are not).
	 * @return whether they were behind: they are derived up to every head read by that query now
	 */
	public boolean catchUpIfBehind() {
		if (this.columns.all().isEmpty()) {
			return false;
		}
		boolean behind = this.transactions.execute("check", BlobRefs::behind);
		if (behind) {
			catchUp();
		}
		return behind;
	}

	/**
	 * Derives every entry before compaction folds it: a delete dropped underived would leave its row's
	 * reference behind for good.
	 */
	@Override
	public void compacting(String region, long safeUpToVersion) {
		catchUpIfBehind();
	}

	@Override
	public void start() {
		if (!this.columns.all().isEmpty()) {
			this.worker.start();
			wake();
		}
	}

	@Override
	public void stop() {
		this.worker.stop();
	}

	@Override
	public boolean isRunning() {
		return this.worker.isRunning();
	}

	/**
	 * Derives the references of every entry after the cursor.
	 * @return the number of entries read
	 */
	public int catchUp() {
		int total = 0;
		while (true) {
			int read = this.transactions.execute("catch up",
					(connection) -> JdbcTransactions.inTransaction(connection, Isolation.READ_COMMITTED, null, this::page));
			total += read;
			if (read < PAGE_SIZE) {
				return total;
			}
		}
	}

	private int page(Connection connection) throws SQLException {
		Map<String, long[]> ranges = BlobRefs.lockRanges(connection);
		ranges.values().removeIf((range) -> range[0] >= range[1]);
		if (ranges.isEmpty()) {
			return 0;
		}
		List<ChangeEntry> entries = this.tables.isEmpty() ? List.of()
				: this.changeLog.readRanges(ranges, this.tables, PAGE_SIZE);
		Map<String, Map<BlobRefs.RowColumn, BlobRefs.Derived>> before = new HashMap<>();
		Map<String, Map<BlobRefs.RowColumn, BlobRefs.Derived>> after = new HashMap<>();
		for (ChangeEntry entry : entries) {
			before.computeIfAbsent(entry.tableName(), (table) -> new HashMap<>());
		}
		for (Map.Entry<String, Map<BlobRefs.RowColumn, BlobRefs.Derived>> table : before.entrySet()) {
			Set<String> rowIds = new HashSet<>();
			entries.stream().filter((entry) -> entry.tableName().equals(table.getKey())).forEach((entry) -> rowIds.add(entry.rowId()));
			table.getValue().putAll(BlobRefs.ofRows(connection, table.getKey(), rowIds));
			after.put(table.getKey(), new HashMap<>(table.getValue()));
		}
		Set<String> gained = new HashSet<>();
		Set<String> lost = new HashSet<>();
		for (ChangeEntry entry : entries) {
			Map<BlobRefs.RowColumn, BlobRefs.Derived> current = after.get(entry.tableName());
			JsonNode row = mayReferenceFiles(entry) ? this.mapper.readTree(entry.value()) : null;
			for (FileColumn file : this.columns.of(entry.tableName())) {
				String hash = (row != null) ? FileReference.hash(this.mapper, row.get(file.column())) : null;
				BlobRefs.RowColumn key = new BlobRefs.RowColumn(entry.rowId(), file.column());
				BlobRefs.Derived previous = (hash != null) ? current.put(key, new BlobRefs.Derived(hash, entry.scope()))
						: current.remove(key);
				String previousHash = (previous != null) ? previous.hash() : null;
				if (Objects.equals(previousHash, hash)) {
					continue;
				}
				if (hash != null) {
					gained.add(hash);
				}
				if (previousHash != null) {
					lost.add(previousHash);
					if (hash != null && file.immutable()) {
						reportImmutableChange(entry, file, previousHash, hash);
					}
				}
			}
		}
		for (Map.Entry<String, Map<BlobRefs.RowColumn, BlobRefs.Derived>> table : after.entrySet()) {
			Map<BlobRefs.RowColumn, BlobRefs.Derived> old = before.get(table.getKey());
			Set<BlobRefs.RowColumn> keys = new HashSet<>(old.keySet());
			keys.addAll(table.getValue().keySet());
			for (BlobRefs.RowColumn key : keys) {
				BlobRefs.Derived was = old.get(key);
				BlobRefs.Derived is = table.getValue().get(key);
				if (!Objects.equals(was, is)) {
					BlobRefs.store(connection, table.getKey(), key, was, is);
				}
			}
		}
		long now = this.clock.getAsLong();
		for (String hash : gained) {
			BlobTable.referenced(connection, hash);
		}
		for (String hash : lost) {
			if (!BlobRefs.referenced(connection, hash)) {
				BlobTable.unreferenced(connection, hash, now);
			}
		}
		Map<String, Long> advanced = new TreeMap<>();
		if (entries.size() < PAGE_SIZE) {
			ranges.forEach((region, range) -> advanced.put(region, range[1]));
		}
		else {
			for (ChangeEntry entry : entries) {
				advanced.put(entry.region(), entry.rowVersion());
			}
		}
		for (Map.Entry<String, Long> cursor : advanced.entrySet()) {
			BlobRefs.advanceCursor(connection, cursor.getKey(), cursor.getValue());
		}
		return entries.size();
	}

	/**
	 * Whether an entry's row may hold a file reference: a put whose JSON mentions {@code hash} at all, as a
	 * key of a JSON column or inside a text column's escaped JSON (most rows hold none, and are not parsed).
	 */
	private static boolean mayReferenceFiles(ChangeEntry entry) {
		return !entry.isDelete() && entry.value() != null && entry.value().contains("hash");
	}

	private void reportImmutableChange(ChangeEntry entry, FileColumn file, String previous, @Nullable String hash) {
		logger.warn("Plasma: the immutable file column " + file.table() + "." + file.column() + " of row "
				+ entry.rowId() + " changed from blob " + previous + " to " + hash
				+ ((entry.mutationId() == null) ? " outside a mutation (raw SQL)" : " in mutation " + entry.mutationId()));
		this.listener.immutableChanged(file.table(), file.column());
	}

}

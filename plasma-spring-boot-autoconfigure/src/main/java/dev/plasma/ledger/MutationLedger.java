package dev.plasma.ledger;

import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.plasma.changelog.PendingChanges;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.region.RegionIds;

/**
 * The de-duplication ledger, {@code _plasma_client_mutations}: per client, the last mutation ID the
 * server has processed (applied or failed). Every method but {@link #lastConfirmationVersions} must run
 * inside the push transaction.
 * <p>
 * Owns {@code _plasma_client_mutations} and {@code _plasma_client_confirmations} (per client, the last
 * confirmed mutation ID and the version of its ledger marker). This class holds every statement on the
 * first and the delete of the second; the others on {@code _plasma_client_confirmations} are written
 * where they must run, and named here so a reader finds them all:
 * <ul>
 * <li>the sequencer's upsert of a sequenced marker, per database:
 * {@link PlasmaDialect#upsertConfirmationSql()}, or inside PostgreSQL's one-statement move
 * ({@link PlasmaDialect#moveBatchSql(String)});</li>
 * <li>the pull's read, joined to the sequencer's state row so that a caught-up pull is one statement:
 * {@link dev.plasma.changelog.SequencerStateRepository#readPullState}.</li>
 * </ul>
 * The marker's insert into {@code _plasma_pending_changes} is
 * {@link PendingChanges#insertLedgerMarkerSql(PlasmaDialect)}. {@link #lastConfirmationVersions} reads the
 * table outside any push, for the read-replica check (one primary-key prefix lookup).
 * <p>
 * Advancing the ledger also appends a <em>ledger marker</em> to the change log (table name
 * {@value #MARKER_TABLE}, row ID {@code <group>/<client>}), so that the pull cookie moves when a
 * mutation is confirmed even if it wrote nothing, and so that the sequencer can record when the
 * confirmation becomes visible. Markers never appear in a patch.
 */
public class MutationLedger {

	/** Table name of ledger markers in the change log. */
	public static final String MARKER_TABLE = "_plasma_client_mutations";

	private static final String LOCK_SQL = """
			SELECT last_mutation_id FROM _plasma_client_mutations
			WHERE client_group_id = ? AND client_id = ? FOR UPDATE""";

	private static final String CREATE_SQL = """
			INSERT INTO _plasma_client_mutations (client_group_id, client_id, last_mutation_id) VALUES (?, ?, 0)""";

	private static final String ADVANCE_SQL = """
			UPDATE _plasma_client_mutations SET last_mutation_id = ? WHERE client_group_id = ? AND client_id = ?""";

	private static final String FORGET_MUTATIONS_SQL = """
			DELETE FROM _plasma_client_mutations WHERE client_group_id = ?""";

	private static final String LAST_CONFIRMATION_SQL = """
			SELECT region, MAX(row_version) FROM _plasma_client_confirmations WHERE client_group_id = ? GROUP BY region""";

	private static final String FORGET_CONFIRMATIONS_SQL = """
			DELETE FROM _plasma_client_confirmations WHERE client_group_id = ?""";

	private final JdbcTemplate jdbc;

	private final String insertMarkerSql;

	private final String region;

	/**
	 * Creates the ledger.
	 * @param dataSource the data source holding Plasma's tables
	 * @param dialect the database's dialect
	 */
	public MutationLedger(DataSource dataSource, PlasmaDialect dialect) {
		this(dataSource, dialect, RegionIds.DEFAULT);
	}

	/**
	 * Creates the ledger of an instance of a region: its markers are sequenced by that region.
	 * @param dataSource the data source holding Plasma's tables
	 * @param dialect the database's dialect
	 * @param region the region pushes to this instance belong to
	 */
	public MutationLedger(DataSource dataSource, PlasmaDialect dialect, String region) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.insertMarkerSql = PendingChanges.insertLedgerMarkerSql(dialect);
		this.region = RegionIds.require(region, "region");
	}

	/**
	 * Locks the client's ledger row for the rest of the transaction. A missing row is not created here
	 * (only a processed mutation may create ledger state, see {@link #create}).
	 * @param clientGroupId the client group
	 * @param clientId the client
	 * @return the last processed mutation ID, or {@code null} when the client has no row yet
	 */
	public Long lock(String clientGroupId, String clientId) {
		return this.jdbc.query(LOCK_SQL, (rs) -> rs.next() ? rs.getLong(1) : null, clientGroupId, clientId);
	}

	/**
	 * Creates the client's ledger row at 0, locked for the rest of the transaction; call it only when a
	 * mutation of the client is about to be processed in the same transaction. Two transactions creating
	 * the same row concurrently make one fail with a duplicate key (or a deadlock); the caller retries
	 * its whole transaction, which then finds and locks the row.
	 * @param clientGroupId the client group
	 * @param clientId the client
	 */
	public void create(String clientGroupId, String clientId) {
		this.jdbc.update(CREATE_SQL, clientGroupId, clientId);
	}

	/**
	 * Records mutation {@code mutationId} as processed and appends its ledger marker.
	 * @param clientGroupId the client group
	 * @param clientId the client
	 * @param mutationId the mutation now processed
	 */
	public void advance(String clientGroupId, String clientId, long mutationId) {
		this.jdbc.update(ADVANCE_SQL, mutationId, clientGroupId, clientId);
		this.jdbc.update(this.insertMarkerSql, MARKER_TABLE, markerRowId(clientGroupId, clientId),
				"{\"lastMutationID\":" + mutationId + "}", System.currentTimeMillis(), clientGroupId, clientId,
				mutationId, this.region);
	}

	/**
	 * Returns the version of the group's newest sequenced confirmation: a database that has reached it
	 * holds every confirmation (and so every change of every confirmed mutation) the group was told of.
	 * Runs on its own, outside any transaction.
	 * @param clientGroupId the client group
	 * @return per region, the highest ledger-marker version among the group's confirmations (no entry for a
	 * region without one)
	 */
	public Map<String, Long> lastConfirmationVersions(String clientGroupId) {
		Map<String, Long> versions = new TreeMap<>();
		this.jdbc.query(LAST_CONFIRMATION_SQL, (rs) -> {
			versions.put(rs.getString(1), rs.getLong(2));
		}, clientGroupId);
		return versions;
	}

	/**
	 * Deletes the ledger of a deleted client group: its clients' last mutation IDs and confirmations.
	 * Its ledger markers stay in the change log until compaction folds them.
	 * @param clientGroupId the client group
	 */
	public void forget(String clientGroupId) {
		this.jdbc.update(FORGET_MUTATIONS_SQL, clientGroupId);
		this.jdbc.update(FORGET_CONFIRMATIONS_SQL, clientGroupId);
	}

	/**
	 * Returns the change-log row ID of a client's ledger markers.
	 * @param clientGroupId the client group
	 * @param clientId the client
	 * @return the row ID
	 */
	public static String markerRowId(String clientGroupId, String clientId) {
		return escape(clientGroupId) + "/" + escape(clientId);
	}

	private static String escape(String part) {
		return part.replace("%", "%25").replace("/", "%2F");
	}

}

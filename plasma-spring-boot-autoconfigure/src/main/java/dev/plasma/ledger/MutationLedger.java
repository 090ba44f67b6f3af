package dev.plasma.ledger;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

import dev.plasma.dialect.PlasmaDialect;

/**
 * The de-duplication ledger, {@code _plasma_client_mutations}: per client, the last mutation ID the
 * server has processed (applied or failed). Every method must run inside the push transaction.
 * <p>
 * Advancing the ledger also appends a <em>ledger marker</em> to the change log (table name
 * {@value #MARKER_TABLE}, row ID {@code <group>/<client>}), so that the pull cookie moves when a
 * mutation is confirmed even if it wrote nothing, and so that the sequencer can record when the
 * confirmation becomes visible. Markers never appear in a patch.
 */
public class MutationLedger {

	/** Table name of ledger markers in the change log. */
	public static final String MARKER_TABLE = "_plasma_client_mutations";

	private final JdbcTemplate jdbc;

	private final String insertMarkerSql;

	public MutationLedger(DataSource dataSource, PlasmaDialect dialect) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.insertMarkerSql = "INSERT INTO _plasma_pending_changes (" + dialect.entryColumns()
				+ ") VALUES (?, ?, 'put', ?, ?, ?, ?, ?)";
	}

	/**
	 * Locks the client's ledger row for the rest of the transaction, creating it (at 0) when missing.
	 * Two transactions creating the same row concurrently make one fail with a duplicate key; the
	 * caller retries it.
	 * @param clientGroupId the client group
	 * @param clientId the client
	 * @return the last processed mutation ID
	 */
	public long lock(String clientGroupId, String clientId) {
		Long last = this.jdbc.query(
				"SELECT last_mutation_id FROM _plasma_client_mutations WHERE client_group_id = ? AND client_id = ? FOR UPDATE",
				(rs) -> rs.next() ? rs.getLong(1) : null, clientGroupId, clientId);
		if (last != null) {
			return last;
		}
		this.jdbc.update("INSERT INTO _plasma_client_mutations (client_group_id, client_id, last_mutation_id) VALUES (?, ?, 0)",
				clientGroupId, clientId);
		return 0;
	}

	/**
	 * Records mutation {@code mutationId} as processed and appends its ledger marker.
	 * @param clientGroupId the client group
	 * @param clientId the client
	 * @param mutationId the mutation now processed
	 */
	public void advance(String clientGroupId, String clientId, long mutationId) {
		this.jdbc.update("UPDATE _plasma_client_mutations SET last_mutation_id = ? WHERE client_group_id = ? AND client_id = ?",
				mutationId, clientGroupId, clientId);
		this.jdbc.update(this.insertMarkerSql, MARKER_TABLE, markerRowId(clientGroupId, clientId),
				"{\"lastMutationID\":" + mutationId + "}", System.currentTimeMillis(), clientGroupId, clientId,
				mutationId);
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

package dev.plasma.sequencer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

import dev.plasma.ledger.MutationLedger;

/**
 * Moves a batch on PostgreSQL in one statement, without the entries passing through the JVM: a
 * {@code DELETE ... RETURNING} of the oldest visible pending entries feeds the insert into the change log
 * (numbered by {@code row_number()} in creation order) and the upsert of confirmations. Rows of
 * transactions still open are invisible to the statement's snapshot and are neither read nor waited for.
 */
class PostgresBatchMover implements BatchMover {

	private static final String MOVE_SQL = """
			WITH moved AS (
			  DELETE FROM _plasma_pending_changes
			  WHERE id IN (SELECT id FROM _plasma_pending_changes ORDER BY id LIMIT ?)
			  RETURNING id, table_name, row_id, op, value, created_at, client_group_id, client_id, mutation_id
			), inserted AS (
			  INSERT INTO _plasma_changes (row_version, table_name, row_id, op, value, created_at, client_group_id, client_id, mutation_id)
			  SELECT ? + row_number() OVER (ORDER BY id), table_name, row_id, op, value, created_at, client_group_id, client_id, mutation_id
			  FROM moved
			  RETURNING row_version, table_name, created_at, client_group_id, client_id, mutation_id
			), confirmed AS (
			  INSERT INTO _plasma_client_confirmations (client_group_id, client_id, mutation_id, row_version)
			  SELECT DISTINCT ON (client_group_id, client_id) client_group_id, client_id, mutation_id, row_version
			  FROM inserted WHERE table_name = '%s' AND mutation_id IS NOT NULL
			  ORDER BY client_group_id, client_id, row_version DESC
			  ON CONFLICT (client_group_id, client_id)
			  DO UPDATE SET mutation_id = EXCLUDED.mutation_id, row_version = EXCLUDED.row_version
			)
			SELECT created_at FROM inserted ORDER BY row_version""".formatted(MutationLedger.MARKER_TABLE);

	@Override
	public long[] move(Connection connection, long head, int limit) throws SQLException {
		long[] createdAts = new long[limit];
		int count = 0;
		try (PreparedStatement move = connection.prepareStatement(MOVE_SQL)) {
			move.setInt(1, limit);
			move.setLong(2, head);
			try (ResultSet rs = move.executeQuery()) {
				while (rs.next()) {
					createdAts[count++] = rs.getLong(1);
				}
			}
		}
		return Arrays.copyOf(createdAts, count);
	}

}

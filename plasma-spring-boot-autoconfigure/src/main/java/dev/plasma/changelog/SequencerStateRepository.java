package dev.plasma.changelog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Owns {@code _plasma_sequencer}, the single state row of the change log: the sequencer's head and
 * compaction's floor and progress. Every statement on the table is here; each runs on the caller's
 * connection, inside the caller's transaction if it has one.
 * <p>
 * One statement also reads {@code _plasma_client_confirmations} (owned by
 * {@link dev.plasma.ledger.MutationLedger}): the pull's {@link #readPullState state read}, which joins the
 * group's confirmations to the state row so that a caught-up pull costs exactly one statement.
 */
public final class SequencerStateRepository {

	private static final String READ_SQL = """
			SELECT head, compaction_floor, compacted_to, compacted_entries, compacted_at FROM _plasma_sequencer WHERE id = 1""";

	private static final String READ_HEAD_SQL = """
			SELECT head FROM _plasma_sequencer WHERE id = 1""";

	private static final String LOCK_HEAD_SQL = """
			SELECT head FROM _plasma_sequencer WHERE id = 1 FOR UPDATE""";

	private static final String UPDATE_HEAD_SQL = """
			UPDATE _plasma_sequencer SET head = ? WHERE id = 1""";

	private static final String RAISE_FLOOR_SQL = """
			UPDATE _plasma_sequencer SET compaction_floor = ? WHERE id = 1 AND compaction_floor < ?""";

	private static final String ADD_COMPACTED_ENTRIES_SQL = """
			UPDATE _plasma_sequencer SET compacted_entries = compacted_entries + ? WHERE id = 1""";

	private static final String FINISH_COMPACTION_SQL = """
			UPDATE _plasma_sequencer SET compacted_to = ?, compacted_at = ? WHERE id = 1 AND compacted_to < ?""";

	/**
	 * Reads head, floor and the group's confirmations in one statement, and touches {@code _plasma_changes}
	 * in it too: H2 takes the REPEATABLE READ snapshot of each table at the table's first read in the
	 * transaction, so without it a compaction committing between this read and the read of the entries
	 * could delete entries of a client whose cookie is at or above the floor read here (docs/protocol.md, guarantee
	 * 7). One row per confirmed client of the group, or one row with NULL client columns for none.
	 */
	private static final String READ_PULL_STATE_SQL = """
			SELECT s.head, s.compaction_floor, (SELECT COUNT(*) FROM _plasma_changes WHERE row_version = 0),
			  c.client_id, c.mutation_id, c.row_version
			FROM _plasma_sequencer s LEFT JOIN _plasma_client_confirmations c ON c.client_group_id = ?
			WHERE s.id = 1""";

	private static final String NO_STATE_ROW = "Plasma: _plasma_sequencer has no state row; was Plasma's schema initialized?";

	private SequencerStateRepository() {
	}

	/**
	 * Reads the whole state row.
	 * @param connection the connection to read with
	 * @return the state
	 * @throws SQLException on database errors, or when the row is missing
	 */
	public static State read(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(READ_SQL)) {
			requireRow(rs);
			return new State(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
		}
	}

	/**
	 * Reads the head, the highest version handed out so far.
	 * @param connection the connection to read with
	 * @return the head
	 * @throws SQLException on database errors, or when the row is missing
	 */
	public static long readHead(Connection connection) throws SQLException {
		return queryHead(connection, READ_HEAD_SQL);
	}

	/**
	 * Locks the row ({@code SELECT ... FOR UPDATE}) until the caller's transaction ends and reads the head.
	 * @param connection the connection, in a transaction
	 * @return the head
	 * @throws SQLException on database errors, or when the row is missing
	 */
	public static long lockHead(Connection connection) throws SQLException {
		return queryHead(connection, LOCK_HEAD_SQL);
	}

	/**
	 * Stores a new head.
	 * @param connection the connection, in the transaction that locked the row
	 * @param head the new head
	 * @throws SQLException on database errors
	 */
	public static void updateHead(Connection connection, long head) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement(UPDATE_HEAD_SQL)) {
			update.setLong(1, head);
			update.executeUpdate();
		}
	}

	/**
	 * Raises the compaction floor to {@code floor}, never lowering it.
	 * @param connection the connection
	 * @param floor the new floor
	 * @throws SQLException on database errors
	 */
	public static void raiseFloor(Connection connection, long floor) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement(RAISE_FLOOR_SQL)) {
			update.setLong(1, floor);
			update.setLong(2, floor);
			update.executeUpdate();
		}
	}

	/**
	 * Adds entries removed by compaction to {@code compacted_entries}; does nothing for zero.
	 * @param connection the connection, in the transaction that removed them
	 * @param removed how many entries were removed
	 * @throws SQLException on database errors
	 */
	public static void addCompactedEntries(Connection connection, long removed) throws SQLException {
		if (removed > 0) {
			try (PreparedStatement update = connection.prepareStatement(ADD_COMPACTED_ENTRIES_SQL)) {
				update.setLong(1, removed);
				update.executeUpdate();
			}
		}
	}

	/**
	 * Records a complete compaction pass up to {@code compactedTo}, unless a later one is recorded already.
	 * @param connection the connection
	 * @param compactedTo the version the pass went up to
	 * @param compactedAt when it finished (database time, Unix ms)
	 * @throws SQLException on database errors
	 */
	public static void finishCompaction(Connection connection, long compactedTo, long compactedAt) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement(FINISH_COMPACTION_SQL)) {
			update.setLong(1, compactedTo);
			update.setLong(2, compactedAt);
			update.setLong(3, compactedTo);
			update.executeUpdate();
		}
	}

	/**
	 * Reads what a pull needs of the state row, and the group's confirmations, in one statement on the
	 * template's (transaction-bound) connection; see the pull's snapshot rules in
	 * {@link dev.plasma.sync.PullProcessor}.
	 * @param jdbc the template, inside the pull's read transaction
	 * @param clientGroupId the pulling client group
	 * @return the head, the floor and the group's confirmations
	 * @throws DataAccessResourceFailureException when the row is missing
	 */
	public static PullState readPullState(JdbcTemplate jdbc, String clientGroupId) {
		long[] state = { -1, 0 };
		Map<String, Confirmation> confirmations = new TreeMap<>();
		jdbc.query(READ_PULL_STATE_SQL, (rs) -> {
			state[0] = rs.getLong(1);
			state[1] = rs.getLong(2);
			String clientId = rs.getString(4);
			if (clientId != null) {
				confirmations.put(clientId, new Confirmation(rs.getLong(5), rs.getLong(6)));
			}
		}, clientGroupId);
		if (state[0] < 0) {
			throw new DataAccessResourceFailureException(NO_STATE_ROW);
		}
		return new PullState(state[0], state[1], confirmations);
	}

	private static long queryHead(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
			requireRow(rs);
			return rs.getLong(1);
		}
	}

	private static void requireRow(ResultSet rs) throws SQLException {
		if (!rs.next()) {
			throw new SQLException(NO_STATE_ROW);
		}
	}

	/**
	 * The state row.
	 * @param head the highest version handed out
	 * @param floor the compaction floor; cookies below it get a reset
	 * @param compactedTo the version the last complete compaction pass went up to
	 * @param compactedEntries entries removed by compaction so far
	 * @param compactedAt when the last complete compaction pass finished (Unix ms), 0 for never
	 */
	public record State(long head, long floor, long compactedTo, long compactedEntries, long compactedAt) {
	}

	/**
	 * What a pull reads first.
	 * @param head the highest version handed out
	 * @param floor the compaction floor
	 * @param confirmations the group's sequenced confirmations by client ID, in client ID order
	 */
	public record PullState(long head, long floor, Map<String, Confirmation> confirmations) {
	}

	/**
	 * A client's sequenced confirmation, a row of {@code _plasma_client_confirmations}.
	 * @param mutationId the last mutation ID confirmed
	 * @param rowVersion the version of its ledger marker
	 */
	public record Confirmation(long mutationId, long rowVersion) {
	}

}

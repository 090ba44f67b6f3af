package dev.plasma.changelog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Owns {@code _plasma_sequencer}, the state rows of the change log, one per region: the region's
 * sequencer head, compaction's floor and progress, and the region's lease (see
 * {@link dev.plasma.sequencer.RegionTakeover}). Every statement on the table is here; each runs on the caller's
 * connection, inside the caller's transaction if it has one.
 * <p>
 * One statement also reads {@code _plasma_client_confirmations} (owned by
 * {@link dev.plasma.ledger.MutationLedger}): the pull's {@link #readPullState state read}, which joins the
 * group's confirmations to the state row so that a caught-up pull costs exactly one statement.
 */
public final class SequencerStateRepository {

	private static final String READ_SQL = """
			SELECT head, compaction_floor, compacted_to, compacted_entries, compacted_at FROM _plasma_sequencer WHERE region = ?""";

	private static final String READ_HEAD_SQL = """
			SELECT head FROM _plasma_sequencer WHERE region = ?""";

	private static final String LOCK_HEAD_SQL = """
			SELECT head FROM _plasma_sequencer WHERE region = ? FOR UPDATE""";

	private static final String UPDATE_HEAD_SQL = """
			UPDATE _plasma_sequencer SET head = ? WHERE region = ?""";

	private static final String RAISE_FLOOR_SQL = """
			UPDATE _plasma_sequencer SET compaction_floor = ? WHERE region = ? AND compaction_floor < ?""";

	private static final String ADD_COMPACTED_ENTRIES_SQL = """
			UPDATE _plasma_sequencer SET compacted_entries = compacted_entries + ? WHERE region = ?""";

	private static final String FINISH_COMPACTION_SQL = """
			UPDATE _plasma_sequencer SET compacted_to = ?, compacted_at = ? WHERE region = ? AND compacted_to < ?""";

	private static final String EXISTS_SQL = """
			SELECT 1 FROM _plasma_sequencer WHERE region = ?""";

	private static final String REGISTER_SQL = """
			INSERT INTO _plasma_sequencer (id, region, head, compaction_floor, compacted_to, compacted_entries, compacted_at,
			  lease_until)
			SELECT COALESCE(MAX(id), 0) + 1, ?, 0, 0, 0, 0, 0, 0 FROM _plasma_sequencer""";

	private static final String RENEW_LEASE_SQL = """
			UPDATE _plasma_sequencer SET lease_until = ?, leased_by = ? WHERE region = ?""";

	private static final String HEADS_SQL = "SELECT region, head FROM _plasma_sequencer";

	private static final String LIST_SQL = """
			SELECT region, head, compaction_floor, compacted_to, compacted_entries, compacted_at, lease_until, leased_by
			FROM _plasma_sequencer ORDER BY region""";

	/**
	 * Reads every region's head and floor and the group's confirmations in one statement, and touches
	 * {@code _plasma_changes} in it too: H2 takes the REPEATABLE READ snapshot of each table at the table's
	 * first read in the transaction, so without it a compaction committing between this read and the read of
	 * the entries could delete entries of a client whose cookie is at or above the floor read here
	 * (docs/protocol.md, guarantee 7). Rows of kind 's' are regions (region, head, floor), rows of kind 'c'
	 * confirmations (region, row_version, mutation_id, client_id).
	 */
	private static final String READ_PULL_STATE_SQL = """
			SELECT 's', region, head, compaction_floor, NULL, (SELECT COUNT(*) FROM _plasma_changes c WHERE c.region = _plasma_sequencer.region AND c.row_version = 0)
			FROM _plasma_sequencer
			UNION ALL
			SELECT 'c', region, row_version, mutation_id, client_id, 0
			FROM _plasma_client_confirmations WHERE client_group_id = ?""";

	private static final String NO_STATE_ROW = "Plasma: _plasma_sequencer has no state row; was Plasma's schema initialized?";

	private SequencerStateRepository() {
	}

	/**
	 * Reads the whole state row.
	 * @param connection the connection to read with
	 * @param region the region
	 * @return the state
	 * @throws SQLException on database errors, or when the row is missing
	 */
	public static State read(Connection connection, String region) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(READ_SQL)) {
			statement.setString(1, region);
			try (ResultSet rs = statement.executeQuery()) {
				requireRow(rs, region);
				return new State(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
			}
		}
	}

	/**
	 * Reads the head, the highest version handed out so far.
	 * @param connection the connection to read with
	 * @param region the region
	 * @return the head
	 * @throws SQLException on database errors, or when the row is missing
	 */
	public static long readHead(Connection connection, String region) throws SQLException {
		return queryHead(connection, READ_HEAD_SQL, region);
	}

	/**
	 * Locks the row ({@code SELECT ... FOR UPDATE}) until the caller's transaction ends and reads the head.
	 * @param connection the connection, in a transaction
	 * @param region the region
	 * @return the head
	 * @throws SQLException on database errors, or when the row is missing
	 */
	public static long lockHead(Connection connection, String region) throws SQLException {
		return queryHead(connection, LOCK_HEAD_SQL, region);
	}

	/**
	 * Stores a new head.
	 * @param connection the connection, in the transaction that locked the row
	 * @param region the region
	 * @param head the new head
	 * @throws SQLException on database errors
	 */
	public static void updateHead(Connection connection, String region, long head) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement(UPDATE_HEAD_SQL)) {
			update.setLong(1, head);
			update.setString(2, region);
			update.executeUpdate();
		}
	}

	/**
	 * Raises the compaction floor to {@code floor}, never lowering it.
	 * @param connection the connection
	 * @param region the region
	 * @param floor the new floor
	 * @throws SQLException on database errors
	 */
	public static void raiseFloor(Connection connection, String region, long floor) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement(RAISE_FLOOR_SQL)) {
			update.setLong(1, floor);
			update.setString(2, region);
			update.setLong(3, floor);
			update.executeUpdate();
		}
	}

	/**
	 * Adds entries removed by compaction to {@code compacted_entries}; does nothing for zero.
	 * @param connection the connection, in the transaction that removed them
	 * @param region the region
	 * @param removed how many entries were removed
	 * @throws SQLException on database errors
	 */
	public static void addCompactedEntries(Connection connection, String region, long removed) throws SQLException {
		if (removed > 0) {
			try (PreparedStatement update = connection.prepareStatement(ADD_COMPACTED_ENTRIES_SQL)) {
				update.setLong(1, removed);
				update.setString(2, region);
				update.executeUpdate();
			}
		}
	}

	/**
	 * Records a complete compaction pass up to {@code compactedTo}, unless a later one is recorded already.
	 * @param connection the connection
	 * @param region the region
	 * @param compactedTo the version the pass went up to
	 * @param compactedAt when it finished (database time, Unix ms)
	 * @throws SQLException on database errors
	 */
	public static void finishCompaction(Connection connection, String region, long compactedTo, long compactedAt)
			throws SQLException {
		try (PreparedStatement update = connection.prepareStatement(FINISH_COMPACTION_SQL)) {
			update.setLong(1, compactedTo);
			update.setLong(2, compactedAt);
			update.setString(3, region);
			update.setLong(4, compactedTo);
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
		Map<String, RegionPosition> regions = new TreeMap<>();
		Map<String, Confirmation> confirmations = new TreeMap<>();
		jdbc.query(READ_PULL_STATE_SQL, (rs) -> {
			String region = rs.getString(2);
			if ("s".equals(rs.getString(1))) {
				regions.put(region, new RegionPosition(rs.getLong(3), rs.getLong(4)));
			}
			else {
				confirmations.put(rs.getString(5), new Confirmation(rs.getLong(4), region, rs.getLong(3)));
			}
		}, clientGroupId);
		if (regions.isEmpty()) {
			throw new DataAccessResourceFailureException(NO_STATE_ROW);
		}
		return new PullState(regions, confirmations);
	}

	/**
	 * Creates a region's state row (head 0) unless it exists. Instances of one region starting together may
	 * race: the loser's insert fails on the unique region (or the id), and the row exists either way.
	 * @param connection the connection, not in a transaction
	 * @param region the region
	 * @return whether this call created the row
	 * @throws SQLException on database errors other than the lost race
	 */
	public static boolean register(Connection connection, String region) throws SQLException {
		if (exists(connection, region)) {
			return false;
		}
		try (PreparedStatement insert = connection.prepareStatement(REGISTER_SQL)) {
			insert.setString(1, region);
			insert.executeUpdate();
			return true;
		}
		catch (SQLException ex) {
			if (exists(connection, region)) {
				return false;
			}
			throw ex;
		}
	}

	private static boolean exists(Connection connection, String region) throws SQLException {
		try (PreparedStatement select = connection.prepareStatement(EXISTS_SQL)) {
			select.setString(1, region);
			try (ResultSet rs = select.executeQuery()) {
				return rs.next();
			}
		}
	}

	/**
	 * Renews a region's lease: its instances are alive until {@code until} (database time, Unix ms).
	 * @param connection the connection
	 * @param region the region
	 * @param until the new end of the lease
	 * @param by who renews it (for operators)
	 * @throws SQLException on database errors
	 */
	public static void renewLease(Connection connection, String region, long until, String by) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement(RENEW_LEASE_SQL)) {
			update.setLong(1, until);
			update.setString(2, by);
			update.setString(3, region);
			update.executeUpdate();
		}
	}

	/**
	 * Reads every region's head: one cheap statement, for pokes.
	 * @param connection the connection to read with
	 * @return the head of each region, by region
	 * @throws SQLException on database errors
	 */
	public static Map<String, Long> readHeads(Connection connection) throws SQLException {
		Map<String, Long> heads = new TreeMap<>();
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(HEADS_SQL)) {
			while (rs.next()) {
				heads.put(rs.getString(1), rs.getLong(2));
			}
		}
		return heads;
	}

	/**
	 * Reads every region's state row, in region order.
	 * @param connection the connection to read with
	 * @return the regions
	 * @throws SQLException on database errors
	 */
	public static List<RegionState> readAll(Connection connection) throws SQLException {
		List<RegionState> regions = new ArrayList<>();
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(LIST_SQL)) {
			while (rs.next()) {
				regions.add(new RegionState(rs.getString(1),
						new State(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)), rs.getLong(7),
						rs.getString(8)));
			}
		}
		return regions;
	}

	private static long queryHead(Connection connection, String sql, String region) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setString(1, region);
			try (ResultSet rs = statement.executeQuery()) {
				requireRow(rs, region);
				return rs.getLong(1);
			}
		}
	}

	private static void requireRow(ResultSet rs, String region) throws SQLException {
		if (!rs.next()) {
			throw new SQLException(NO_STATE_ROW + " (region '" + region + "')");
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
	 * A region's state row with its lease.
	 * @param region the region
	 * @param state head, floor and compaction progress
	 * @param leaseUntil when the region's lease ends (database time, Unix ms), 0 for never renewed
	 * @param leasedBy who renewed it last, {@code null} for nobody
	 */
	public record RegionState(String region, State state, long leaseUntil, @Nullable String leasedBy) {
	}

	/**
	 * What a pull reads first.
	 * @param regions every region's head and floor, by region in region order
	 * @param confirmations the group's sequenced confirmations by client ID, in client ID order
	 */
	public record PullState(Map<String, RegionPosition> regions, Map<String, Confirmation> confirmations) {
	}

	/**
	 * A region's head and compaction floor.
	 * @param head the highest version the region handed out
	 * @param floor the region's compaction floor
	 */
	public record RegionPosition(long head, long floor) {
	}

	/**
	 * A client's sequenced confirmation, a row of {@code _plasma_client_confirmations}.
	 * @param mutationId the last mutation ID confirmed
	 * @param region the region whose sequencer gave its ledger marker a version
	 * @param rowVersion the version of its ledger marker in that region
	 */
	public record Confirmation(long mutationId, String region, long rowVersion) {
	}

}

package dev.plasma.sequencer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

import dev.plasma.dialect.PlasmaDialect;

/**
 * Moves a batch in one statement of the dialect ({@link PlasmaDialect#moveBatchSql(String)}), without
 * the entries passing through the JVM. On PostgreSQL a {@code DELETE ... RETURNING} of the oldest visible
 * pending entries feeds the insert into the change log (numbered by {@code row_number()} in creation
 * order) and the upsert of confirmations. Rows of transactions still open are invisible to the
 * statement's snapshot and are neither read nor waited for.
 */
class StatementBatchMover implements BatchMover {

	private final String moveSql;

	/**
	 * Creates the mover.
	 * @param moveSql the dialect's statement, see {@link PlasmaDialect#moveBatchSql(String)}
	 */
	StatementBatchMover(String moveSql) {
		this.moveSql = moveSql;
	}

	@Override
	public long[] move(Connection connection, long head, int limit) throws SQLException {
		long[] createdAts = new long[limit];
		int count = 0;
		try (PreparedStatement move = connection.prepareStatement(this.moveSql)) {
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

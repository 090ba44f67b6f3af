package dev.plasma.sequencer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.plasma.changelog.ChangeLog;
import dev.plasma.changelog.PendingChanges;
import dev.plasma.changelog.PendingScope;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.ledger.MutationLedger;

/**
 * Moves a batch through the JVM with plain JDBC: read the pending entries, insert them with their
 * versions, delete them by exact primary-key lookups ({@link PlasmaDialect#deletePendingEntries}), record
 * confirmations. Used where the dialect has no one-statement move ({@link PlasmaDialect#moveBatchSql}).
 */
class JdbcBatchMover implements BatchMover {

	private final String selectPendingSql;

	private final String insertEntrySql;

	private final String upsertConfirmationSql;

	private final PlasmaDialect dialect;

	private final String region;

	private final String nextBatchOrderSql;

	JdbcBatchMover(PlasmaDialect dialect, int batchSize, PendingScope scope) {
		this.dialect = dialect;
		this.region = scope.region();
		this.selectPendingSql = PendingChanges.selectOldestSql(dialect, batchSize, scope);
		this.insertEntrySql = ChangeLog.insertEntriesSql(dialect, scope.region());
		this.upsertConfirmationSql = dialect.upsertConfirmationSql();
		this.nextBatchOrderSql = dialect.nextBatchOrderSql();
	}

	@Override
	public long[] move(Connection connection, long head, int limit) throws SQLException {
		long[] ids = new long[limit];
		long[] createdAts = new long[limit];
		List<Object[]> rows = new ArrayList<>();
		try (PreparedStatement select = connection.prepareStatement(this.selectPendingSql);
				ResultSet rs = select.executeQuery()) {
			while (rs.next() && rows.size() < limit) {
				ids[rows.size()] = rs.getLong(1);
				createdAts[rows.size()] = rs.getLong(6);
				long mutationId = rs.getLong(9);
				Long mutation = rs.wasNull() ? null : mutationId;
				rows.add(new Object[] { rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
						createdAts[rows.size()], rs.getString(7), rs.getString(8), mutation, rs.getString(10),
						rs.getString(11) });
			}
		}
		int count = rows.size();
		if (count == 0) {
			return new long[0];
		}
		long batchOrder = nextBatchOrder(connection);
		List<Object[]> confirmations = new ArrayList<>();
		try (PreparedStatement insert = connection.prepareStatement(this.insertEntrySql)) {
			for (int i = 0; i < count; i++) {
				Object[] row = rows.get(i);
				long version = head + i + 1;
				insert.setLong(1, version);
				insert.setString(2, (String) row[0]);
				insert.setString(3, (String) row[1]);
				insert.setString(4, (String) row[2]);
				insert.setString(5, (String) row[3]);
				insert.setLong(6, (Long) row[4]);
				insert.setString(7, (String) row[5]);
				insert.setString(8, (String) row[6]);
				Long mutationId = (Long) row[7];
				if (mutationId == null) {
					insert.setNull(9, Types.BIGINT);
				}
				else {
					insert.setLong(9, mutationId);
					if (MutationLedger.MARKER_TABLE.equals(row[0])) {
						confirmations.add(new Object[] { row[5], row[6], mutationId, version });
					}
				}
				insert.setString(10, (String) row[8]);
				insert.setString(11, (String) row[9]);
				insert.setLong(12, batchOrder);
				insert.addBatch();
			}
			insert.executeBatch();
		}
		this.dialect.deletePendingEntries(connection, ids, count);
		if (!confirmations.isEmpty()) {
			try (PreparedStatement upsert = connection.prepareStatement(this.upsertConfirmationSql)) {
				for (Object[] confirmation : confirmations) {
					upsert.setString(1, (String) confirmation[0]);
					upsert.setString(2, (String) confirmation[1]);
					upsert.setLong(3, (Long) confirmation[2]);
					upsert.setLong(4, (Long) confirmation[3]);
					upsert.setString(5, this.region);
					upsert.addBatch();
				}
				upsert.executeBatch();
			}
		}
		return Arrays.copyOf(createdAts, count);
	}

	/**
	 * Takes the batch's order after the read of its entries, see {@link BatchMover}.
	 */
	private long nextBatchOrder(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(this.nextBatchOrderSql)) {
			rs.next();
			return rs.getLong(1);
		}
	}

}

package dev.plasma.sequencer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.plasma.changelog.ChangeLog;
import dev.plasma.changelog.PendingChanges;
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

	JdbcBatchMover(PlasmaDialect dialect, int batchSize) {
		this.dialect = dialect;
		this.selectPendingSql = PendingChanges.selectOldestSql(dialect, batchSize);
		this.insertEntrySql = ChangeLog.insertEntriesSql(dialect);
		this.upsertConfirmationSql = dialect.upsertConfirmationSql();
	}

	@Override
	public long[] move(Connection connection, long head, int limit) throws SQLException {
		long[] ids = new long[limit];
		long[] createdAts = new long[limit];
		List<Object[]> confirmations = new ArrayList<>();
		int count = 0;
		try (PreparedStatement select = connection.prepareStatement(this.selectPendingSql);
				PreparedStatement insert = connection.prepareStatement(this.insertEntrySql);
				ResultSet rs = select.executeQuery()) {
			while (rs.next() && count < limit) {
				long version = head + count + 1;
				ids[count] = rs.getLong(1);
				String tableName = rs.getString(2);
				insert.setLong(1, version);
				insert.setString(2, tableName);
				insert.setString(3, rs.getString(3));
				insert.setString(4, rs.getString(4));
				insert.setString(5, rs.getString(5));
				createdAts[count] = rs.getLong(6);
				insert.setLong(6, createdAts[count]);
				String clientGroupId = rs.getString(7);
				String clientId = rs.getString(8);
				insert.setString(7, clientGroupId);
				insert.setString(8, clientId);
				long mutationId = rs.getLong(9);
				if (rs.wasNull()) {
					insert.setNull(9, Types.BIGINT);
				}
				else {
					insert.setLong(9, mutationId);
					if (MutationLedger.MARKER_TABLE.equals(tableName)) {
						confirmations.add(new Object[] { clientGroupId, clientId, mutationId, version });
					}
				}
				insert.setString(10, rs.getString(10));
				insert.setString(11, rs.getString(11));
				insert.addBatch();
				count++;
			}
			if (count == 0) {
				return new long[0];
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
					upsert.addBatch();
				}
				upsert.executeBatch();
			}
		}
		return Arrays.copyOf(createdAts, count);
	}

}

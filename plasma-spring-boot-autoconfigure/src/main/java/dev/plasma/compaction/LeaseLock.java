package dev.plasma.compaction;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import dev.plasma.dialect.DatabaseClock;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.jdbc.JdbcTransactions;
import dev.plasma.jdbc.JdbcTransactions.Isolation;

/**
 * A cluster-wide lock held as a lease on one row of {@code _plasma_locks}, so that one application
 * instance at a time runs a background job. Every time is the database's clock (Unix ms), never a host's.
 * <p>
 * The algorithm, each step one short {@code READ COMMITTED} transaction:
 * <ol>
 * <li><b>Acquire</b>: read the database time {@code now}, then
 * {@code UPDATE _plasma_locks SET locked_until = now + lease, locked_at = now, locked_by = token
 * WHERE lock_name = ? AND locked_until <= now}. One row updated: the lease is ours. None: the row is
 * missing (insert it with the same values; a duplicate key means another instance just did, and holds
 * it) or another instance's lease has not run out. Concurrent acquirers queue on the row lock and the
 * later one finds {@code locked_until} in the future, so at most one wins. The {@code token} is unique per
 * acquisition.</li>
 * <li><b>Renew</b> (before each unit of work): {@code UPDATE ... SET locked_until = now + lease WHERE
 * lock_name = ? AND locked_by = token}. No row updated means the lease ran out and another instance took
 * it: the holder stops before doing more work.</li>
 * <li><b>Release</b>: {@code UPDATE ... SET locked_until = now WHERE lock_name = ? AND locked_by = token}.</li>
 * </ol>
 * An instance that dies holding the lease blocks the others for at most {@code lease}. A holder that
 * stalls longer than {@code lease} between two renewals may overlap with the next holder for that one
 * unit of work; compaction tolerates that (see {@link ChangeLogCompactor}).
 */
public class LeaseLock {

	private static final String ACQUIRE_SQL = """
			UPDATE _plasma_locks SET locked_until = ?, locked_at = ?, locked_by = ?
			WHERE lock_name = ? AND locked_until <= ?""";

	private static final String EXISTS_SQL = "SELECT locked_until FROM _plasma_locks WHERE lock_name = ?";

	private static final String INSERT_SQL = """
			INSERT INTO _plasma_locks (lock_name, locked_until, locked_at, locked_by) VALUES (?, ?, ?, ?)""";

	private static final String RENEW_SQL = """
			UPDATE _plasma_locks SET locked_until = ? WHERE lock_name = ? AND locked_by = ?""";

	private static final String RELEASE_SQL = """
			UPDATE _plasma_locks SET locked_until = ? WHERE lock_name = ? AND locked_by = ?""";

	private final DataSource dataSource;

	private final DatabaseClock clock;

	private final String name;

	private final Duration lease;

	private final String owner;

	private final JdbcTransactions transactions;

	/**
	 * Creates a lock.
	 * @param dataSource the data source holding Plasma's tables
	 * @param dialect the database's dialect
	 * @param name the lock's name, at most 64 characters
	 * @param lease how long an acquisition or renewal holds the lock
	 */
	public LeaseLock(DataSource dataSource, PlasmaDialect dialect, String name, Duration lease) {
		if (lease.isNegative() || lease.isZero()) {
			throw new IllegalArgumentException("lease must be positive");
		}
		this.dataSource = dataSource;
		this.clock = DatabaseClock.of(dialect);
		this.name = name;
		this.lease = lease;
		this.owner = describeThisProcess();
		this.transactions = new JdbcTransactions(dataSource, "Plasma lease '" + name + "'");
	}

	/**
	 * Acquires the lock if no other holder's lease is running.
	 * @return the lease, or empty when another instance holds the lock
	 */
	public Optional<Lease> tryAcquire() {
		String token = this.owner + "/" + UUID.randomUUID();
		try (Connection connection = this.dataSource.getConnection()) {
			boolean acquired = JdbcTransactions.inTransaction(connection, Isolation.READ_COMMITTED, null,
					(transaction) -> {
				long now = this.clock.nowMillis(connection);
				try (PreparedStatement update = connection.prepareStatement(ACQUIRE_SQL)) {
					update.setLong(1, now + this.lease.toMillis());
					update.setLong(2, now);
					update.setString(3, token);
					update.setString(4, this.name);
					update.setLong(5, now);
					if (update.executeUpdate() == 1) {
						return true;
					}
				}
				try (PreparedStatement select = connection.prepareStatement(EXISTS_SQL)) {
					select.setString(1, this.name);
					try (ResultSet rs = select.executeQuery()) {
						if (rs.next()) {
							return false;
						}
					}
				}
				try (PreparedStatement insert = connection.prepareStatement(INSERT_SQL)) {
					insert.setString(1, this.name);
					insert.setLong(2, now + this.lease.toMillis());
					insert.setLong(3, now);
					insert.setString(4, token);
					insert.executeUpdate();
					return true;
				}
			});
			return acquired ? Optional.of(new Lease(token)) : Optional.empty();
		}
		catch (SQLException ex) {
			if (isDuplicateKey(ex)) {
				return Optional.empty();
			}
			throw this.transactions.translate("acquire", ex);
		}
	}

	/**
	 * Returns the lease length.
	 * @return the lease
	 */
	public Duration lease() {
		return this.lease;
	}

	private boolean update(String sql, String token, long extraMillis) {
		return this.transactions.execute("update",
				(connection) -> JdbcTransactions.inTransaction(connection, Isolation.READ_COMMITTED, null, (transaction) -> {
					long now = this.clock.nowMillis(connection);
					try (PreparedStatement update = connection.prepareStatement(sql)) {
						update.setLong(1, now + extraMillis);
						update.setString(2, this.name);
						update.setString(3, token);
						return update.executeUpdate() == 1;
					}
				}));
	}

	private static boolean isDuplicateKey(SQLException ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
				return true;
			}
		}
		return false;
	}

	private static String describeThisProcess() {
		String host;
		try {
			host = InetAddress.getLocalHost().getHostName();
		}
		catch (Exception ex) {
			host = "unknown-host";
		}
		String process = ManagementFactory.getRuntimeMXBean().getName();
		String description = host + "/" + process;
		return (description.length() > 180) ? description.substring(0, 180) : description;
	}

	/**
	 * A held lease. Close it to release the lock.
	 */
	public final class Lease implements AutoCloseable {

		private final String token;

		private Lease(String token) {
			this.token = token;
		}

		/**
		 * Extends the lease by the lease length from now.
		 * @throws CompactionStoppedException when the lease ran out and another instance took the lock
		 */
		public void renew() {
			if (!update(RENEW_SQL, this.token, LeaseLock.this.lease.toMillis())) {
				throw new CompactionStoppedException("Plasma: lost the lease '" + LeaseLock.this.name
						+ "' to another instance (it ran out after " + LeaseLock.this.lease + ")");
			}
		}

		/**
		 * Returns the token identifying this acquisition in {@code _plasma_locks.locked_by}.
		 * @return the token
		 */
		public String token() {
			return this.token;
		}

		/**
		 * Releases the lock, unless another instance has taken it meanwhile.
		 */
		@Override
		public void close() {
			update(RELEASE_SQL, this.token, 0);
		}

	}

}

package dev.plasma.clients;

import java.util.List;
import java.util.function.LongSupplier;

import javax.sql.DataSource;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The owner of {@code _plasma_client_groups}: which user each client group belongs to, when it was last
 * seen, and the tombstones of deleted groups. Every statement on the table is here.
 * <p>
 * {@link #claim} runs before a push or pull, outside its transaction, in auto-commit statements:
 * <ol>
 * <li>Read the group's row (one primary-key lookup). A pull of a known, recently seen group stops here:
 * it writes nothing.</li>
 * <li>No row: insert one owned by the user. Two first requests racing on a new group both try; the loser
 * gets a duplicate key, ignores it and reads the row again, so exactly one user owns the group.</li>
 * <li>A tombstone ({@code deleted_at} set) is {@link ClientGroupAccess#DELETED}, another owner
 * {@link ClientGroupAccess#FOREIGN}; neither writes anything.</li>
 * <li>The owner's group whose {@code last_seen_at} is older than the touch interval gets it moved to now,
 * with a conditional update: at most one write per group per touch interval, whoever asks.</li>
 * </ol>
 * Times are Unix milliseconds of the application's clock; retention is measured in days, so clock skew
 * between instances does not matter.
 */
public class ClientGroups {

	private static final String READ_SQL = """
			SELECT owner, last_seen_at, deleted_at FROM _plasma_client_groups WHERE client_group_id = ?""";

	private static final String INSERT_SQL = """
			INSERT INTO _plasma_client_groups (client_group_id, owner, created_at, last_seen_at) VALUES (?, ?, ?, ?)""";

	private static final String TOUCH_SQL = """
			UPDATE _plasma_client_groups SET last_seen_at = ?
			WHERE client_group_id = ? AND last_seen_at < ? AND deleted_at IS NULL""";

	private static final String EXPIRED_SQL = """
			SELECT client_group_id FROM _plasma_client_groups
			WHERE last_seen_at < ? AND deleted_at IS NULL ORDER BY last_seen_at LIMIT %LIMIT%""";

	private static final String TOMBSTONE_SQL = """
			UPDATE _plasma_client_groups SET deleted_at = ?
			WHERE client_group_id = ? AND last_seen_at < ? AND deleted_at IS NULL""";

	private static final String COUNT_SQL = """
			SELECT COUNT(*), COUNT(deleted_at) FROM _plasma_client_groups""";

	private final JdbcTemplate jdbc;

	private final LongSupplier clock;

	private final long touchIntervalMillis;

	/**
	 * Creates the table's owner.
	 * @param dataSource the data source holding Plasma's tables
	 * @param clock the current time, Unix milliseconds
	 * @param touchIntervalMillis how old {@code last_seen_at} may get before a request moves it
	 */
	public ClientGroups(DataSource dataSource, LongSupplier clock, long touchIntervalMillis) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.clock = clock;
		this.touchIntervalMillis = touchIntervalMillis;
	}

	/**
	 * Decides whether a user may use a client group, claiming a new group for the user.
	 * @param clientGroupId the client group
	 * @param userName the user
	 * @return the user's access to the group
	 */
	public ClientGroupAccess claim(String clientGroupId, String userName) {
		Row row = read(clientGroupId);
		long now = this.clock.getAsLong();
		if (row == null) {
			try {
				this.jdbc.update(INSERT_SQL, clientGroupId, userName, now, now);
				return ClientGroupAccess.OWNED;
			}
			catch (DataIntegrityViolationException ex) {
				row = read(clientGroupId);
				if (row == null) {
					throw ex;
				}
			}
		}
		if (row.deleted()) {
			return ClientGroupAccess.DELETED;
		}
		if (!row.owner().equals(userName)) {
			return ClientGroupAccess.FOREIGN;
		}
		long staleBefore = now - this.touchIntervalMillis;
		if (row.lastSeenAt() < staleBefore) {
			this.jdbc.update(TOUCH_SQL, now, clientGroupId, staleBefore);
		}
		return ClientGroupAccess.OWNED;
	}

	private Row read(String clientGroupId) {
		return this.jdbc.query(READ_SQL, (rs) -> {
			if (!rs.next()) {
				return null;
			}
			String owner = rs.getString(1);
			long lastSeenAt = rs.getLong(2);
			rs.getLong(3);
			return new Row(owner, lastSeenAt, !rs.wasNull());
		}, clientGroupId);
	}

	/**
	 * Returns live groups unseen since {@code cutoff}, least recently seen first.
	 * @param cutoff Unix milliseconds
	 * @param limit the most groups returned
	 * @return their IDs
	 */
	public List<String> unseenSince(long cutoff, int limit) {
		return this.jdbc.queryForList(EXPIRED_SQL.replace("%LIMIT%", Integer.toString(limit)), String.class, cutoff);
	}

	/**
	 * Turns a group into a tombstone, unless it was seen since {@code cutoff} or is one already.
	 * @param clientGroupId the group
	 * @param cutoff Unix milliseconds
	 * @return whether the group was deleted now
	 */
	public boolean tombstone(String clientGroupId, long cutoff) {
		return this.jdbc.update(TOMBSTONE_SQL, this.clock.getAsLong(), clientGroupId, cutoff) == 1;
	}

	/**
	 * Counts the groups.
	 * @return the counts
	 */
	public Counts count() {
		return this.jdbc.queryForObject(COUNT_SQL, (rs, rowNum) -> new Counts(rs.getLong(1) - rs.getLong(2), rs.getLong(2)));
	}

	/**
	 * Returns the current time of this table's clock.
	 * @return Unix milliseconds
	 */
	public long now() {
		return this.clock.getAsLong();
	}

	/**
	 * How many client groups there are.
	 * @param active groups in use
	 * @param deleted tombstones of deleted groups
	 */
	public record Counts(long active, long deleted) {
	}

	private record Row(String owner, long lastSeenAt, boolean deleted) {
	}

}

package dev.plasma.blob;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The owner of {@code _plasma_blobs} and {@code _plasma_blob_uploaders}: every statement on them. State
 * changes are conditional updates on the expected state, so that concurrent requests for one hash cannot
 * both move it. A blob's uploaders are its first uploader, recorded when it becomes present, and every
 * later user whose bytes hashed to it; they go when the blob is orphaned.
 */
public class BlobTable {

	private static final String COLUMNS = "hash, state, size, mime, uploader, received, updated_at";

	private static final String FIND_SQL = "SELECT " + COLUMNS + " FROM _plasma_blobs WHERE hash = ?";

	private static final String INSERT_SQL = """
			INSERT INTO _plasma_blobs (hash, state, size, mime, uploader, received, created_at, updated_at, receiving_until)
			VALUES (?, 'uploading', ?, ?, ?, 0, ?, ?, ?)""";

	private static final String RESTART_SQL = """
			UPDATE _plasma_blobs SET state = 'uploading', size = ?, mime = ?, uploader = ?, received = 0,
			updated_at = ?, receiving_until = ?, unreferenced_since = NULL WHERE hash = ? AND state = 'orphaned'""";

	private static final String CLAIM_SQL = """
			UPDATE _plasma_blobs SET receiving_until = ?, updated_at = ?
			WHERE hash = ? AND state = 'uploading' AND uploader = ? AND (receiving_until IS NULL OR receiving_until < ?)""";

	private static final String RENEW_SQL = """
			UPDATE _plasma_blobs SET receiving_until = ?, updated_at = ?
			WHERE hash = ? AND state = 'uploading' AND receiving_until = ?""";

	private static final String RELEASE_SQL = """
			UPDATE _plasma_blobs SET receiving_until = NULL WHERE hash = ? AND state = 'uploading' AND receiving_until = ?""";

	private static final String PROGRESS_SQL = """
			UPDATE _plasma_blobs SET received = ?, updated_at = ? WHERE hash = ? AND state = 'uploading'""";

	private static final String PRESENT_SQL = """
			UPDATE _plasma_blobs SET state = 'present', received = size, updated_at = ?, unreferenced_since = ?,
			receiving_until = NULL WHERE hash = ? AND state = 'uploading'""";

	private static final String FIRST_UPLOADER_SQL = """
			INSERT INTO _plasma_blob_uploaders (hash, user_name) SELECT hash, uploader FROM _plasma_blobs WHERE hash = ?""";

	private static final String ADD_UPLOADER_SQL = "INSERT INTO _plasma_blob_uploaders (hash, user_name) VALUES (?, ?)";

	private static final String UPLOADED_BY_SQL = """
			SELECT COUNT(*) FROM _plasma_blob_uploaders WHERE hash = ? AND user_name = ?""";

	private static final String FORGET_UPLOADERS_SQL = "DELETE FROM _plasma_blob_uploaders WHERE hash = ?";

	private static final String ABANDON_SQL = "DELETE FROM _plasma_blobs WHERE hash = ? AND state = 'uploading'";

	private static final String STALE_UPLOADS_SQL = """
			SELECT hash FROM _plasma_blobs WHERE state = 'uploading' AND updated_at < ? ORDER BY updated_at LIMIT ?""";

	private static final String STALE_UPLOAD_SQL = """
			DELETE FROM _plasma_blobs WHERE hash = ? AND state = 'uploading' AND updated_at < ?""";

	private static final String COUNT_BY_STATE_SQL = "SELECT COUNT(*) FROM _plasma_blobs WHERE state = ?";

	private static final String PRESENT_BYTES_SQL = "SELECT COALESCE(SUM(size), 0) FROM _plasma_blobs WHERE state = 'present'";

	private static final String REFERENCED_SQL = """
			UPDATE _plasma_blobs SET unreferenced_since = NULL WHERE hash = ? AND state = 'present'""";

	private static final String UNREFERENCED_SQL = """
			UPDATE _plasma_blobs SET unreferenced_since = ?
			WHERE hash = ? AND state = 'present' AND unreferenced_since IS NULL""";

	private static final String ORPHAN_CANDIDATES_SQL = """
			SELECT hash FROM _plasma_blobs WHERE state = 'present' AND unreferenced_since < ?
			ORDER BY unreferenced_since LIMIT ?""";

	private static final String ORPHAN_SQL = """
			UPDATE _plasma_blobs SET state = 'orphaned', updated_at = ?
			WHERE hash = ? AND state = 'present' AND unreferenced_since < ?""";

	private final JdbcTemplate jdbc;

	/**
	 * Creates the owner.
	 * @param dataSource the data source holding Plasma's tables
	 */
	public BlobTable(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
	}

	/**
	 * Reads a hash's row.
	 * @param hash the hash
	 * @return the row, empty when the hash is absent
	 */
	public Optional<BlobRecord> find(String hash) {
		List<BlobRecord> rows = this.jdbc.query(FIND_SQL,
				(rs, i) -> new BlobRecord(rs.getString(1), BlobState.of(rs.getString(2)), rs.getLong(3), rs.getString(4),
						rs.getString(5), rs.getLong(6), rs.getLong(7)),
				hash);
		return rows.stream().findFirst();
	}

	/**
	 * Starts an upload of an absent or orphaned hash.
	 * @return whether this call started it (false: another upload started it, or it is present)
	 */
	boolean startUpload(String hash, long size, String mime, String uploader, long now, long receivingUntil) {
		try {
			this.jdbc.update(INSERT_SQL, hash, size, mime, uploader, now, now, receivingUntil);
			return true;
		}
		catch (DuplicateKeyException ex) {
			return this.jdbc.update(RESTART_SQL, size, mime, uploader, now, receivingUntil, hash) == 1;
		}
	}

	/**
	 * Takes an upload of the uploader's for a request, unless another request holds it.
	 * @return whether this call took it
	 */
	boolean claim(String hash, String uploader, long now, long receivingUntil) {
		return this.jdbc.update(CLAIM_SQL, receivingUntil, now, hash, uploader, now) == 1;
	}

	/**
	 * Extends a request's hold on an upload.
	 * @return whether the request still held it
	 */
	boolean renew(String hash, long heldUntil, long now, long receivingUntil) {
		return this.jdbc.update(RENEW_SQL, receivingUntil, now, hash, heldUntil) == 1;
	}

	/**
	 * Ends a request's hold on an upload (a no-op when the upload ended or another request holds it).
	 */
	void release(String hash, long heldUntil) {
		this.jdbc.update(RELEASE_SQL, hash, heldUntil);
	}

	void progress(String hash, long received, long now) {
		this.jdbc.update(PROGRESS_SQL, received, now, hash);
	}

	/**
	 * Marks an upload's blob present; it counts as unreferenced from now until a row references it.
	 */
	boolean present(String hash, long now) {
		if (this.jdbc.update(PRESENT_SQL, now, now, hash) != 1) {
			return false;
		}
		try {
			this.jdbc.update(FIRST_UPLOADER_SQL, hash);
		}
		catch (DuplicateKeyException ex) {
			// uploaded before, orphaned and uploaded again by the same user before the rows went
		}
		return true;
	}

	/**
	 * Records that a user sent bytes that hash to a present blob.
	 */
	void addUploader(String hash, String user) {
		try {
			this.jdbc.update(ADD_UPLOADER_SQL, hash, user);
		}
		catch (DuplicateKeyException ex) {
			// recorded already, by a concurrent request of the same user
		}
	}

	/**
	 * Returns whether a user sent a blob's bytes.
	 * @param hash the blob's hash
	 * @param user the user
	 * @return whether the user is one of its uploaders
	 */
	public boolean uploadedBy(String hash, String user) {
		Long count = this.jdbc.queryForObject(UPLOADED_BY_SQL, Long.class, hash, user);
		return count != null && count > 0;
	}

	void abandon(String hash) {
		this.jdbc.update(ABANDON_SQL, hash);
	}

	List<String> staleUploads(long before, int limit) {
		return this.jdbc.queryForList(STALE_UPLOADS_SQL, String.class, before, limit);
	}

	boolean removeStaleUpload(String hash, long before) {
		return this.jdbc.update(STALE_UPLOAD_SQL, hash, before) == 1;
	}

	/**
	 * Counts the blobs in a state.
	 * @param state the state
	 * @return the count
	 */
	public long count(BlobState state) {
		Long count = this.jdbc.queryForObject(COUNT_BY_STATE_SQL, Long.class, state.column());
		return (count != null) ? count : 0;
	}

	/**
	 * Sums the sizes of the present blobs.
	 * @return the bytes stored
	 */
	public long presentBytes() {
		Long bytes = this.jdbc.queryForObject(PRESENT_BYTES_SQL, Long.class);
		return (bytes != null) ? bytes : 0;
	}

	/**
	 * Records on the caller's connection that a blob is referenced.
	 */
	static void referenced(Connection connection, String hash) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement(REFERENCED_SQL)) {
			update.setString(1, hash);
			update.executeUpdate();
		}
	}

	/**
	 * Records on the caller's connection that a blob's last reference went away.
	 */
	static void unreferenced(Connection connection, String hash, long now) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement(UNREFERENCED_SQL)) {
			update.setLong(1, now);
			update.setString(2, hash);
			update.executeUpdate();
		}
	}

	List<String> orphanCandidates(long unreferencedBefore, int limit) {
		return this.jdbc.queryForList(ORPHAN_CANDIDATES_SQL, String.class, unreferencedBefore, limit);
	}

	/**
	 * Marks a blob orphaned on the caller's connection if it is still present and unreferenced since before the cutoff.
	 */
	static boolean orphan(Connection connection, String hash, long unreferencedBefore, long now) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement(ORPHAN_SQL)) {
			update.setLong(1, now);
			update.setString(2, hash);
			update.setLong(3, unreferencedBefore);
			if (update.executeUpdate() != 1) {
				return false;
			}
		}
		try (PreparedStatement forget = connection.prepareStatement(FORGET_UPLOADERS_SQL)) {
			forget.setString(1, hash);
			forget.executeUpdate();
		}
		return true;
	}

}

package dev.plasma.blob;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * The owner of {@code _plasma_blob_refs} and of {@code _plasma_blob_cursors}, per region the change-log version up to
 * which the references are derived; every statement runs on the caller's connection, inside its
 * transaction.
 */
public final class BlobRefs {

	private static final String LOCK_SQL = "SELECT refs_version FROM _plasma_blob_cursor WHERE id = 1 FOR UPDATE";

	private static final String RANGES_SQL = """
			SELECT s.region, COALESCE(c.refs_version, 0), s.head FROM _plasma_sequencer s
			LEFT JOIN _plasma_blob_cursors c ON c.region = s.region""";

	private static final String OF_ROWS_SQL = """
			SELECT row_id, column_name, hash, scope FROM _plasma_blob_refs WHERE table_name = ? AND row_id IN (%s)""";

	private static final int ROWS_PER_QUERY = 200;

	private static final String ADVANCE_SQL = "UPDATE _plasma_blob_cursors SET refs_version = ? WHERE region = ?";

	private static final String ADD_SQL = "INSERT INTO _plasma_blob_cursors (region, refs_version) VALUES (?, ?)";

	private static final String REMOVE_SQL = """
			DELETE FROM _plasma_blob_refs WHERE table_name = ? AND row_id = ? AND column_name = ?""";

	private static final String INSERT_SQL = """
			INSERT INTO _plasma_blob_refs (hash, table_name, row_id, column_name, scope) VALUES (?, ?, ?, ?, ?)""";

	private static final String OF_HASH_SQL = """
			SELECT hash, table_name, row_id, column_name, scope FROM _plasma_blob_refs WHERE hash = ? LIMIT ?""";

	private static final String REFERENCED_SQL = "SELECT 1 FROM _plasma_blob_refs WHERE hash = ? LIMIT 1";

	private BlobRefs() {
	}

	/**
	 * Locks the derivation (the row of {@code _plasma_blob_cursor}, so one derivation runs at a time) and
	 * reads, per region, the range still to derive: {@code {cursor, head}} (cursor 0 for a region not
	 * derived yet).
	 */
	static Map<String, long[]> lockRanges(Connection connection) throws SQLException {
		try (PreparedStatement lock = connection.prepareStatement(LOCK_SQL); ResultSet rs = lock.executeQuery()) {
			rs.next();
		}
		return ranges(connection);
	}

	/**
	 * Tells whether some region's references are derived only up to a version below its head.
	 */
	static boolean behind(Connection connection) throws SQLException {
		return behind(ranges(connection));
	}

	/**
	 * Tells whether some range read by {@link #lockRanges} is not derived yet.
	 */
	static boolean behind(Map<String, long[]> ranges) {
		return ranges.values().stream().anyMatch((range) -> range[0] < range[1]);
	}

	private static Map<String, long[]> ranges(Connection connection) throws SQLException {
		Map<String, long[]> ranges = new TreeMap<>();
		try (PreparedStatement select = connection.prepareStatement(RANGES_SQL); ResultSet rs = select.executeQuery()) {
			while (rs.next()) {
				ranges.put(rs.getString(1), new long[] { rs.getLong(2), rs.getLong(3) });
			}
		}
		return ranges;
	}

	/**
	 * Reads the references of some rows of a table, keyed by row and column.
	 */
	static Map<RowColumn, Derived> ofRows(Connection connection, String table, Collection<String> rowIds)
			throws SQLException {
		Map<RowColumn, Derived> found = new HashMap<>();
		List<String> ids = new ArrayList<>(rowIds);
		for (int from = 0; from < ids.size(); from += ROWS_PER_QUERY) {
			List<String> chunk = ids.subList(from, Math.min(ids.size(), from + ROWS_PER_QUERY));
			String sql = OF_ROWS_SQL.formatted(String.join(", ", Collections.nCopies(chunk.size(), "?")));
			try (PreparedStatement select = connection.prepareStatement(sql)) {
				select.setString(1, table);
				for (int i = 0; i < chunk.size(); i++) {
					select.setString(i + 2, chunk.get(i));
				}
				try (ResultSet rs = select.executeQuery()) {
					while (rs.next()) {
						found.put(new RowColumn(rs.getString(1), rs.getString(2)), new Derived(rs.getString(3), rs.getString(4)));
					}
				}
			}
		}
		return found;
	}

	/**
	 * Stores a row's file column's reference: removes the one derived before, if any, and inserts the new
	 * one, if any.
	 */
	static void store(Connection connection, String table, RowColumn key, @Nullable Derived before,
			@Nullable Derived after) throws SQLException {
		if (before != null) {
			try (PreparedStatement remove = connection.prepareStatement(REMOVE_SQL)) {
				remove.setString(1, table);
				remove.setString(2, key.rowId());
				remove.setString(3, key.column());
				remove.executeUpdate();
			}
		}
		if (after != null) {
			try (PreparedStatement insert = connection.prepareStatement(INSERT_SQL)) {
				insert.setString(1, after.hash());
				insert.setString(2, table);
				insert.setString(3, key.rowId());
				insert.setString(4, key.column());
				insert.setString(5, after.scope());
				insert.executeUpdate();
			}
		}
	}

	/**
	 * A derived reference: the blob and the referencing row's read-rule scope.
	 * @param hash the blob
	 * @param scope the row's scope, {@code null} for none
	 */
	record Derived(String hash, @Nullable String scope) {
	}

	/**
	 * A row's file column.
	 * @param rowId the row
	 * @param column the file column
	 */
	record RowColumn(String rowId, String column) {
	}

	/**
	 * Moves a region's cursor, under the lock {@link #lockCursors} took.
	 */
	static void advanceCursor(Connection connection, String region, long version) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement(ADVANCE_SQL)) {
			update.setLong(1, version);
			update.setString(2, region);
			if (update.executeUpdate() > 0) {
				return;
			}
		}
		try (PreparedStatement insert = connection.prepareStatement(ADD_SQL)) {
			insert.setString(1, region);
			insert.setLong(2, version);
			insert.executeUpdate();
		}
	}

	/**
	 * Reads up to {@code limit} references to a blob.
	 * @param connection the connection
	 * @param hash the blob's hash
	 * @param limit the most references to read
	 * @return the references
	 * @throws SQLException on database errors
	 */
	public static List<BlobRef> of(Connection connection, String hash, int limit) throws SQLException {
		List<BlobRef> refs = new ArrayList<>();
		try (PreparedStatement select = connection.prepareStatement(OF_HASH_SQL)) {
			select.setString(1, hash);
			select.setInt(2, limit);
			try (ResultSet rs = select.executeQuery()) {
				while (rs.next()) {
					refs.add(new BlobRef(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
				}
			}
		}
		return refs;
	}

	static boolean referenced(Connection connection, String hash) throws SQLException {
		try (PreparedStatement select = connection.prepareStatement(REFERENCED_SQL)) {
			select.setString(1, hash);
			try (ResultSet rs = select.executeQuery()) {
				return rs.next();
			}
		}
	}

}

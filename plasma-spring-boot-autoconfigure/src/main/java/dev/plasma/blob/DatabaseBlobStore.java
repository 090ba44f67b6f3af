package dev.plasma.blob;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

/**
 * Keeps blobs in the database, in {@code _plasma_blob_chunks}: rows of at most {@value #CHUNK_SIZE} bytes
 * keyed by the blob (the upload key while staged, the hash once published) and the chunk's offset, so that
 * no blob is ever held whole in memory, on any driver (a {@code BYTEA}, {@code LONGBLOB} or {@code BLOB}
 * column of one chunk each).
 * <p>
 * An append reads a chunk from the request and inserts it in its own transaction, so a dropped connection
 * keeps every complete chunk; the staged length is the end of the last chunk. Two appends at the same
 * offset collide on the primary key and only one stays. Publishing renames the chunks' key in one
 * statement (an empty blob gets one empty chunk, so that it exists). A read fetches one chunk at a time,
 * each on a short-lived connection, so a slow download holds no connection.
 */
public class DatabaseBlobStore implements BlobStore {

	/** The most bytes in one chunk row. */
	static final int CHUNK_SIZE = 256 * 1024;

	private static final String INSERT_SQL = """
			INSERT INTO _plasma_blob_chunks (blob_key, chunk_offset, length, data) VALUES (?, ?, ?, ?)""";

	private static final String STAGED_SQL = """
			SELECT MAX(chunk_offset + length) FROM _plasma_blob_chunks WHERE blob_key = ?""";

	private static final String RENAME_SQL = "UPDATE _plasma_blob_chunks SET blob_key = ? WHERE blob_key = ?";

	private static final String DELETE_SQL = "DELETE FROM _plasma_blob_chunks WHERE blob_key = ?";

	private static final String EXISTS_SQL = "SELECT 1 FROM _plasma_blob_chunks WHERE blob_key = ? AND chunk_offset = 0";

	private static final String CHUNK_AT_SQL = """
			SELECT chunk_offset, data FROM _plasma_blob_chunks WHERE blob_key = ? AND chunk_offset <= ?
			ORDER BY chunk_offset DESC LIMIT 1""";

	private final DataSource dataSource;

	/**
	 * Creates the store.
	 * @param dataSource the data source holding Plasma's tables
	 */
	public DatabaseBlobStore(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	@Override
	public long append(String uploadKey, long offset, InputStream bytes) throws IOException {
		BlobHashes.requireKey(uploadKey);
		long staged = staged(uploadKey);
		if (offset != staged) {
			throw new UploadOffsetException(offset, staged);
		}
		byte[] chunk = new byte[CHUNK_SIZE];
		while (true) {
			int length = bytes.readNBytes(chunk, 0, CHUNK_SIZE);
			if (length == 0) {
				return staged;
			}
			insert(uploadKey, staged, chunk, length);
			staged += length;
		}
	}

	private void insert(String key, long offset, byte[] chunk, int length) throws IOException {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement insert = connection.prepareStatement(INSERT_SQL)) {
			insert.setString(1, key);
			insert.setLong(2, offset);
			insert.setInt(3, length);
			insert.setBytes(4, (length == chunk.length) ? chunk : java.util.Arrays.copyOf(chunk, length));
			insert.executeUpdate();
		}
		catch (SQLException ex) {
			throw new IOException("Plasma: could not store a blob chunk: " + ex.getMessage(), ex);
		}
	}

	@Override
	public long staged(String uploadKey) throws IOException {
		return queryLong(STAGED_SQL, BlobHashes.requireKey(uploadKey));
	}

	@Override
	public InputStream readStaged(String uploadKey) throws IOException {
		return new ChunkStream(BlobHashes.requireKey(uploadKey), 0, null);
	}

	@Override
	public void publish(String uploadKey, String hash) throws IOException {
		BlobHashes.requireKey(uploadKey);
		BlobHashes.requireHash(hash);
		try (Connection connection = this.dataSource.getConnection()) {
			int renamed;
			try (PreparedStatement rename = connection.prepareStatement(RENAME_SQL)) {
				rename.setString(1, hash);
				rename.setString(2, uploadKey);
				renamed = rename.executeUpdate();
			}
			if (renamed == 0) {
				insert(hash, 0, new byte[0], 0);
			}
		}
		catch (SQLException ex) {
			throw new IOException("Plasma: could not publish a blob: " + ex.getMessage(), ex);
		}
	}

	@Override
	public void discard(String uploadKey) throws IOException {
		update(DELETE_SQL, BlobHashes.requireKey(uploadKey));
	}

	@Override
	public InputStream read(String hash, long offset) throws IOException {
		BlobHashes.requireHash(hash);
		if (!contains(hash)) {
			throw new java.nio.file.NoSuchFileException(hash);
		}
		return new ChunkStream(hash, offset, null);
	}

	@Override
	public boolean contains(String hash) throws IOException {
		return queryLong(EXISTS_SQL, BlobHashes.requireHash(hash)) > 0;
	}

	@Override
	public void delete(String hash) throws IOException {
		update(DELETE_SQL, BlobHashes.requireHash(hash));
	}

	private long queryLong(String sql, String key) throws IOException {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement select = connection.prepareStatement(sql)) {
			select.setString(1, key);
			try (ResultSet rs = select.executeQuery()) {
				return rs.next() ? rs.getLong(1) : 0;
			}
		}
		catch (SQLException ex) {
			throw new IOException("Plasma: could not read the blob store: " + ex.getMessage(), ex);
		}
	}

	private void update(String sql, String key) throws IOException {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement update = connection.prepareStatement(sql)) {
			update.setString(1, key);
			update.executeUpdate();
		}
		catch (SQLException ex) {
			throw new IOException("Plasma: could not write the blob store: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Reads one chunk at a time: the chunk holding the start position, then the chunk starting where the
	 * previous one ended, until there is none.
	 */
	private final class ChunkStream extends InputStream {

		private final String key;

		private long position;

		private byte @Nullable [] chunk;

		private int index;

		private boolean ended;

		ChunkStream(String key, long position, byte @Nullable [] chunk) {
			this.key = key;
			this.position = position;
			this.chunk = chunk;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			int n = read(one, 0, 1);
			return (n < 0) ? -1 : one[0] & 0xff;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			if (length == 0) {
				return 0;
			}
			while (!this.ended && (this.chunk == null || this.index >= this.chunk.length)) {
				fetch();
			}
			if (this.ended) {
				return -1;
			}
			int n = Math.min(length, this.chunk.length - this.index);
			System.arraycopy(this.chunk, this.index, buffer, offset, n);
			this.index += n;
			this.position += n;
			return n;
		}

		private void fetch() throws IOException {
			try (Connection connection = DatabaseBlobStore.this.dataSource.getConnection();
					PreparedStatement select = connection.prepareStatement(CHUNK_AT_SQL)) {
				select.setString(1, this.key);
				select.setLong(2, this.position);
				try (ResultSet rs = select.executeQuery()) {
					if (!rs.next()) {
						this.ended = true;
						return;
					}
					long start = rs.getLong(1);
					byte[] data = rs.getBytes(2);
					if (start + data.length <= this.position) {
						this.ended = true;
						return;
					}
					this.chunk = data;
					this.index = (int) (this.position - start);
				}
			}
			catch (SQLException ex) {
				throw new IOException("Plasma: could not read a blob chunk: " + ex.getMessage(), ex);
			}
		}

	}

}

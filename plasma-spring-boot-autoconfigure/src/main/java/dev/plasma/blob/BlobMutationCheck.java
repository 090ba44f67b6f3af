package dev.plasma.blob;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator;

import dev.plasma.changelog.PendingChanges;
import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.mutation.MutationCheck;
import dev.plasma.mutation.MutationContext;
import dev.plasma.mutation.MutationDeniedException;

/**
 * Keeps mutations from claiming blobs or lying about them: after a mutator ran, each row it wrote to a table
 * with file columns (read from the entries its writes were captured as, in its own transaction) may put a
 * new reference (a hash other than the one the row references; the previous reference is the one in the
 * row's latest sequenced change-log entry) into a file column only if
 * <ul>
 * <li>it is well formed: an object with {@code hash} (64 lower-case hex digits), {@code size} (a
 * non-negative integer), {@code mime} and an optional {@code name};</li>
 * <li>the column is not immutable with a file already set;</li>
 * <li>the column accepts the MIME type and the size it claims;</li>
 * <li>the blob is present and the mutation's user uploaded it or may already read a row referencing it
 * (one message for a blob the user may not use and for one that does not exist);</li>
 * <li>its size and MIME type are those recorded when the blob was uploaded.</li>
 * </ul>
 * Otherwise the mutation fails as {@code denied}. Clearing a column ({@code null}) and keeping the row's
 * hash are not checked; raw SQL writes bypass mutations and are not checked either.
 */
public class BlobMutationCheck implements MutationCheck {

	private final String writesSql;

	private final String latestEntrySql;

	private final DataSource dataSource;

	private final FileColumns columns;

	private final BlobTable table;

	private final BlobAccess access;

	private final JsonMapper mapper;

	private final SQLErrorCodeSQLExceptionTranslator translator;

	/**
	 * Creates the check.
	 * @param dataSource the data source of the push's transaction
	 * @param dialect the database's dialect
	 * @param columns the file columns
	 * @param table the owner of {@code _plasma_blobs}
	 * @param access decides who may read a blob
	 * @param mapper parses row JSON
	 */
	public BlobMutationCheck(DataSource dataSource, PlasmaDialect dialect, FileColumns columns, BlobTable table,
			BlobAccess access, JsonMapper mapper) {
		this.writesSql = PendingChanges.selectMutationWritesSql(dialect);
		this.latestEntrySql = "SELECT op, " + dialect.valueColumn() + " FROM _plasma_changes WHERE table_name = ? AND"
				+ " row_id = ? ORDER BY batch_order DESC, row_version DESC LIMIT 1";
		this.dataSource = dataSource;
		this.columns = columns;
		this.table = table;
		this.access = access;
		this.mapper = mapper;
		this.translator = new SQLErrorCodeSQLExceptionTranslator(dataSource);
	}

	@Override
	public void check(MutationContext context) {
		if (this.columns.all().isEmpty()) {
			return;
		}
		Connection connection = DataSourceUtils.getConnection(this.dataSource);
		try {
			check(connection, context);
		}
		catch (SQLException ex) {
			throw this.translator.translate("Plasma: check a mutation's file references", this.writesSql, ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, this.dataSource);
		}
	}

	private void check(Connection connection, MutationContext context) throws SQLException {
		try (PreparedStatement select = connection.prepareStatement(this.writesSql)) {
			select.setString(1, context.clientGroupId());
			select.setString(2, context.clientId());
			select.setLong(3, context.mutationId());
			try (ResultSet rs = select.executeQuery()) {
				while (rs.next()) {
					List<FileColumn> files = this.columns.of(rs.getString(1));
					if (!files.isEmpty() && "put".equals(rs.getString(3))) {
						checkRow(connection, context.userName(), rs.getString(2), this.mapper.readTree(rs.getString(4)), files);
					}
				}
			}
		}
	}

	/**
	 * The hash a row's file column held before the mutation: the one in the row's latest sequenced entry
	 * (references are derived from those entries in the background, so they may not have caught up yet).
	 */
	private @Nullable String previousHash(Connection connection, FileColumn file, String rowId) throws SQLException {
		try (PreparedStatement select = connection.prepareStatement(this.latestEntrySql)) {
			select.setString(1, file.table());
			select.setString(2, rowId);
			try (ResultSet rs = select.executeQuery()) {
				if (!rs.next() || !"put".equals(rs.getString(1)) || rs.getString(2) == null) {
					return null;
				}
				return FileReference.hash(this.mapper, this.mapper.readTree(rs.getString(2)).get(file.column()));
			}
		}
	}

	private void checkRow(Connection connection, String user, String rowId, JsonNode row, List<FileColumn> files)
			throws SQLException {
		for (FileColumn file : files) {
			JsonNode value = row.get(file.column());
			if (value == null || value.isNull()) {
				continue;
			}
			String current = previousHash(connection, file, rowId);
			String hash = FileReference.hash(this.mapper, value);
			if (hash != null && hash.equals(current)) {
				continue;
			}
			String column = file.table() + "." + file.column();
			FileReference reference = FileReference.parse(this.mapper, value);
			if (reference == null) {
				throw new MutationDeniedException("the value of " + column + " is not a file reference {\"hash\": SHA-256 in 64"
						+ " lower-case hex digits, \"size\": bytes, \"mime\": type, \"name\"?: text}");
			}
			if (file.immutable() && current != null) {
				throw new MutationDeniedException("the file of " + column + " is immutable; it cannot be replaced by another");
			}
			checkPolicy(file, column, reference);
			Optional<BlobRecord> blob = this.table.find(reference.hash()).filter((found) -> found.state() == BlobState.PRESENT);
			if (blob.isEmpty() || !this.table.uploadedBy(reference.hash(), user)
					&& !this.access.mayReadReference(connection, user, reference.hash())) {
				throw new MutationDeniedException(
						"the file " + reference.hash() + " was neither uploaded by the user nor is it readable to them");
			}
			checkMetadata(column, reference, blob.get());
		}
	}

	/**
	 * Checks what the reference claims against the column's limits; nothing here depends on the blob, so
	 * a refusal reveals nothing about it.
	 */
	private static void checkPolicy(FileColumn file, String column, FileReference reference) {
		if (!file.accepts(reference.mime())) {
			throw new MutationDeniedException("the reference's MIME type is not one " + column + " accepts ("
					+ String.join(", ", file.mimeTypes()) + ")");
		}
		if (reference.size() > file.maxSize()) {
			throw new MutationDeniedException("the reference's size, " + reference.size() + " bytes, is more than "
					+ column + " accepts (" + file.maxSize() + ")");
		}
	}

	/**
	 * Checks the reference's size and MIME type against what the upload recorded, once the user may use the blob.
	 */
	private static void checkMetadata(String column, FileReference reference, BlobRecord blob) {
		if (reference.size() != blob.size()) {
			throw new MutationDeniedException("the reference in " + column + " claims " + reference.size()
					+ " bytes; the file " + blob.hash() + " has " + blob.size());
		}
		if (!FileColumn.baseType(reference.mime()).equals(blob.mime())) {
			throw new MutationDeniedException("the reference in " + column + " claims another MIME type than the file "
					+ blob.hash() + " was uploaded with (" + blob.mime() + ")");
		}
	}

}

package dev.plasma.blob;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

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
 * Keeps mutations from claiming blobs: after a mutator ran, each row it wrote to a table with file columns
 * (read from the entries its writes were captured as, in its own transaction) may reference a new hash only
 * if the mutation's user uploaded the blob or may already read a row referencing it, and may not give an
 * immutable column another hash than the one the row references; otherwise the mutation fails as
 * {@code denied}. The row's previous reference is the one derived from the change log so far.
 */
public class BlobMutationCheck implements MutationCheck {

	private final String writesSql;

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

	private void checkRow(Connection connection, String user, String rowId, JsonNode row, List<FileColumn> files)
			throws SQLException {
		for (FileColumn file : files) {
			String hash = FileReference.hash(this.mapper, row.get(file.column()));
			String current = BlobRefs.current(connection, file.table(), rowId, file.column());
			if (hash == null || hash.equals(current)) {
				continue;
			}
			if (file.immutable() && current != null) {
				throw new MutationDeniedException("the file of " + file.table() + "." + file.column()
						+ " is immutable; it cannot be replaced by another");
			}
			if (!this.table.uploadedBy(hash, user) && !this.access.mayReadReference(connection, user, hash)) {
				throw new MutationDeniedException("the file " + hash + " was neither uploaded by the user nor is it readable to them");
			}
		}
	}

}

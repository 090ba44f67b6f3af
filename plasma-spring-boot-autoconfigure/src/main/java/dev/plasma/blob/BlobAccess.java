package dev.plasma.blob;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.jspecify.annotations.Nullable;

import dev.plasma.access.ReadRules;
import dev.plasma.access.ReadView;
import dev.plasma.jdbc.JdbcTransactions;

/**
 * Who may download a blob: its uploaders (every user who sent its bytes), and every user who may read at least one row referencing it
 * (a table without a read rule is readable by everyone; a ruled table's row is readable when the scope
 * recorded with its reference is among the user's allowed values). At most {@code maxReferences}
 * references are checked; when a blob has more, the rest are not looked at, and that is logged and
 * counted. Anyone else is told the blob does not exist.
 */
public class BlobAccess {

	private static final Log logger = LogFactory.getLog(BlobAccess.class);

	private final BlobStore store;

	private final BlobTable table;

	private final ReadRules rules;

	private final int maxReferences;

	private final BlobListener listener;

	private final JdbcTransactions transactions;

	private @Nullable BlobReferenceTracker references;

	/**
	 * Creates the check.
	 * @param dataSource the data source holding Plasma's tables
	 * @param store where the bytes are
	 * @param table the owner of {@code _plasma_blobs}
	 * @param rules the read rules
	 * @param maxReferences the most references checked per request
	 * @param listener told about downloads and hits of the bound
	 */
	public BlobAccess(DataSource dataSource, BlobStore store, BlobTable table, ReadRules rules, int maxReferences,
			BlobListener listener) {
		this.store = store;
		this.table = table;
		this.rules = rules;
		this.maxReferences = maxReferences;
		this.listener = listener;
		this.transactions = new JdbcTransactions(dataSource, "Plasma blob access");
	}

	/**
	 * Returns a present blob the user may download.
	 * @param user the user
	 * @param hash the blob's name
	 * @return the blob, empty when it is not present or the user may not read it
	 */
	public Optional<BlobRecord> readable(String user, String hash) {
		if (!BlobHashes.isHash(hash)) {
			return Optional.empty();
		}
		Optional<BlobRecord> blob = this.table.find(hash).filter((row) -> row.state() == BlobState.PRESENT);
		if (blob.isEmpty() || this.table.uploadedBy(hash, user)) {
			return blob;
		}
		BlobReferenceTracker tracker = this.references;
		if (tracker != null) {
			tracker.catchUpIfBehind();
		}
		return mayRead(user, hash) ? blob : Optional.empty();
	}

	/**
	 * Lets every download check first derive the references not derived yet (they are derived in the
	 * background), so that it decides on every entry sequenced before it: a file attached a moment ago is
	 * not answered 404, and a row that left the user's view a moment ago no longer lets them download.
	 * @param references the tracker deriving the references
	 */
	public void setReferences(BlobReferenceTracker references) {
		this.references = references;
	}

	private boolean mayRead(String user, String hash) {
		return this.transactions.execute("check", (connection) -> mayReadReference(connection, user, hash));
	}

	/**
	 * Returns whether a user may read at least one row referencing a blob.
	 * @param connection the connection to read on
	 * @param user the user
	 * @param hash the blob
	 * @return whether a referencing row is readable
	 * @throws SQLException on database errors
	 */
	public boolean mayReadReference(Connection connection, String user, String hash) throws SQLException {
		List<BlobRef> refs = BlobRefs.of(connection, hash, this.maxReferences + 1);
		if (refs.size() > this.maxReferences) {
			logger.info("Plasma: blob " + hash + " has more than " + this.maxReferences
					+ " references; a download check looked at the first " + this.maxReferences + " only");
			this.listener.referenceBoundHit(hash);
			refs = refs.subList(0, this.maxReferences);
		}
		if (refs.isEmpty()) {
			return false;
		}
		ReadView view = this.rules.view(connection, user);
		for (BlobRef ref : refs) {
			Set<String> allowed = (view != null) ? view.allowed(ref.table()) : null;
			if (allowed == null || ref.scope() != null && allowed.contains(ref.scope())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Opens a range of a blob's bytes.
	 * @param hash the blob
	 * @param offset where to start
	 * @param length how many bytes the caller reads
	 * @return the bytes
	 * @throws IOException when the store cannot read them
	 */
	public InputStream open(String hash, long offset, long length) throws IOException {
		return this.store.read(hash, offset, length);
	}

	/**
	 * Records a download served.
	 * @param bytes the bytes sent
	 */
	public void downloaded(long bytes) {
		this.listener.downloaded(bytes);
	}

}

package dev.plasma.sequencer;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Moves one batch of a region's pending entries into the change log, inside the sequencer's transaction
 * (the region's sequencer row is already locked): the oldest pending entries the region takes get versions {@code head+1, head+2, ...},
 * leave {@code _plasma_pending_changes}, and sequenced ledger markers are recorded in
 * {@code _plasma_client_confirmations}. The statements belong to the tables' owners
 * ({@link dev.plasma.changelog.PendingChanges}, {@link dev.plasma.changelog.ChangeLog},
 * {@link dev.plasma.ledger.MutationLedger}) and, where they differ per database, to the dialect.
 * <p>
 * The batch's entries get one value of {@code _plasma_batch_order}, taken <em>after</em> the read of the
 * pending entries: when the read no longer sees an earlier entry of a row pending (another region's batch
 * took it and committed), that batch's value, taken before its commit, is below this one.
 */
interface BatchMover {

	/**
	 * Moves up to {@code limit} entries.
	 * @param connection the sequencer's connection, in its transaction
	 * @param head the highest version handed out so far
	 * @param limit the most entries to move
	 * @return the creation times (Unix ms) of the moved entries, in version order
	 * @throws SQLException on database errors
	 */
	long[] move(Connection connection, long head, int limit) throws SQLException;

}

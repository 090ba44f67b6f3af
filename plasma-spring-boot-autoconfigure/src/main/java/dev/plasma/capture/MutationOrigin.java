package dev.plasma.capture;

import java.util.function.Function;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plasma.dialect.PlasmaDialect;
import dev.plasma.region.RegionIds;

/**
 * Runs work as a client's mutation: every write the work makes to a synced table is captured with the
 * mutation's client group ID, client ID and mutation ID, and the region of this instance, whose sequencer
 * gives them their versions (writes without a mutation carry no region and go to the default region for
 * raw writes).
 * <p>
 * The identity travels to the capture triggers through {@code _plasma_origin}, in a row keyed by the
 * database session and written and removed inside the mutation's own transaction. Concurrent scopes
 * therefore never wait for each other, and the row is never visible outside its transaction.
 */
public class MutationOrigin {

	private static final ThreadLocal<Boolean> ACTIVE = new ThreadLocal<>();

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final String upsertSql;

	private final String deleteSql;

	private final String region;

	/**
	 * Creates the scope runner.
	 * @param dataSource the data source holding the synced tables
	 * @param dialect its dialect
	 * @param transactions transactions on that data source, joined when one is already active
	 */
	public MutationOrigin(DataSource dataSource, PlasmaDialect dialect, TransactionTemplate transactions) {
		this(dataSource, dialect, transactions, RegionIds.DEFAULT);
	}

	/**
	 * Creates the scope runner of an instance of a region: the writes it attributes are sequenced by that
	 * region.
	 * @param dataSource the data source holding the synced tables
	 * @param dialect its dialect
	 * @param transactions transactions on that data source, joined when one is already active
	 * @param region the region of this instance
	 */
	public MutationOrigin(DataSource dataSource, PlasmaDialect dialect, TransactionTemplate transactions,
			String region) {
		this.region = RegionIds.require(region, "region");
		this.jdbc = new JdbcTemplate(dataSource);
		this.transactions = transactions;
		this.upsertSql = dialect.upsertOriginSql();
		this.deleteSql = "DELETE FROM _plasma_origin WHERE session_id = " + dialect.sessionIdExpression();
	}

	/**
	 * Runs {@code work} in a transaction (the caller's, if one is active) as mutation
	 * {@code mutationId} of client {@code clientId} in group {@code clientGroupId}.
	 * @param <T> the result type
	 * @param clientGroupId the client group ID
	 * @param clientId the client ID
	 * @param mutationId the mutation ID
	 * @param work the writes to attribute
	 * @return what {@code work} returned
	 */
	public <T> T runAs(String clientGroupId, String clientId, long mutationId, Supplier<T> work) {
		if (ACTIVE.get() != null) {
			throw new IllegalStateException("Plasma: mutation scopes cannot be nested");
		}
		return this.transactions.execute((status) -> {
			ACTIVE.set(Boolean.TRUE);
			this.jdbc.update(this.upsertSql, clientGroupId, clientId, mutationId, this.region);
			try {
				T result = work.get();
				this.jdbc.update(this.deleteSql);
				return result;
			}
			finally {
				ACTIVE.remove();
			}
		});
	}

	/**
	 * Runs {@code work} as a mutation, see {@link #runAs(String, String, long, Supplier)}.
	 * @param clientGroupId the client group ID
	 * @param clientId the client ID
	 * @param mutationId the mutation ID
	 * @param work the writes to attribute
	 */
	public void runAs(String clientGroupId, String clientId, long mutationId, Runnable work) {
		runAs(clientGroupId, clientId, mutationId, () -> {
			work.run();
			return null;
		});
	}

	/**
	 * Runs {@code work} in the caller's active transaction, attributing its writes to one mutation after
	 * another: after {@link Attribution#attribute} every write belongs to the mutation named there, until
	 * the next call. Used by a push that runs many mutations in one transaction, so that the scope row is
	 * written once per mutation and removed once per push. The row is removed when {@code work} returns;
	 * when it throws, the caller's transaction must roll back, which removes the row too.
	 * @param <T> the result type
	 * @param work the mutations to run
	 * @return what {@code work} returned
	 * @throws IllegalStateException when no transaction is active or scopes would nest
	 */
	public <T> T runAsEach(Function<Attribution, T> work) {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			throw new IllegalStateException("Plasma: attributing mutations needs an active transaction");
		}
		if (ACTIVE.get() != null) {
			throw new IllegalStateException("Plasma: mutation scopes cannot be nested");
		}
		ACTIVE.set(Boolean.TRUE);
		try {
			boolean[] attributed = { false };
			T result = work.apply((clientGroupId, clientId, mutationId) -> {
				this.jdbc.update(this.upsertSql, clientGroupId, clientId, mutationId, this.region);
				attributed[0] = true;
			});
			if (attributed[0]) {
				this.jdbc.update(this.deleteSql);
			}
			return result;
		}
		finally {
			ACTIVE.remove();
		}
	}

	/**
	 * Names the mutation that the following writes belong to, see {@link #runAsEach(Function)}.
	 */
	@FunctionalInterface
	public interface Attribution {

		/**
		 * Attributes the writes that follow, in the current transaction, to a mutation.
		 * @param clientGroupId the client group ID
		 * @param clientId the client ID
		 * @param mutationId the mutation ID
		 */
		void attribute(String clientGroupId, String clientId, long mutationId);

	}

}

package dev.plasma.sync;

import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plasma.capture.MutationOrigin;
import dev.plasma.ledger.MutationLedger;
import dev.plasma.mutation.MutationContext;
import dev.plasma.mutation.Mutator;
import dev.plasma.mutation.MutatorRegistry;

/**
 * Runs pushed mutations exactly once (docs/protocol.md, guarantees 3 and 4).
 * <p>
 * Each mutation gets its own transaction: lock the client's ledger row, skip {@code id <= last}, stop
 * the client's batch at a gap ({@code id > last + 1}), otherwise run the mutator as the mutation's origin
 * and advance the ledger in the same transaction. Concurrent pushes of the same mutation serialise on
 * the ledger row, so the second sees it as a duplicate.
 * <p>
 * A permanent failure (the mutator throws, its args do not bind, its name is unknown) rolls the
 * transaction back; a second transaction then advances the ledger past the mutation, so the client is
 * never wedged. Infrastructure failures (lost connection, deadlock or serialization failure after
 * retries) propagate and leave the ledger alone, and the client retries.
 */
public class PushProcessor {

	private static final Log logger = LogFactory.getLog(PushProcessor.class);

	private static final int ATTEMPTS = 5;

	private final TransactionTemplate transactions;

	private final MutationLedger ledger;

	private final MutationOrigin origin;

	private final MutatorRegistry mutators;

	private final SyncObserver observer;

	public PushProcessor(TransactionTemplate transactions, MutationLedger ledger, MutationOrigin origin,
			MutatorRegistry mutators, SyncObserver observer) {
		this.transactions = transactions;
		this.ledger = ledger;
		this.origin = origin;
		this.mutators = mutators;
		this.observer = observer;
	}

	/**
	 * Processes the mutations of one push, in order.
	 * @param clientGroupId the pushing client group
	 * @param mutations the mutations, possibly of several clients of the group
	 * @return one result per mutation, in order
	 */
	public List<MutationResult> push(String clientGroupId, List<PushMutation> mutations) {
		long started = System.nanoTime();
		List<MutationResult> results = new ArrayList<>(mutations.size());
		Set<String> stopped = new HashSet<>();
		for (PushMutation mutation : mutations) {
			MutationOutcome outcome = stopped.contains(mutation.clientId()) ? MutationOutcome.GAP
					: processWithRetries(clientGroupId, mutation);
			if (outcome == MutationOutcome.GAP) {
				stopped.add(mutation.clientId());
			}
			this.observer.mutationProcessed(outcome);
			results.add(new MutationResult(mutation.clientId(), mutation.id(), outcome));
		}
		this.observer.pushCompleted(Duration.ofNanos(System.nanoTime() - started));
		return results;
	}

	private MutationOutcome processWithRetries(String clientGroupId, PushMutation mutation) {
		for (int attempt = 1;; attempt++) {
			try {
				return process(clientGroupId, mutation);
			}
			catch (RuntimeException ex) {
				if (attempt >= ATTEMPTS || !isRetryable(ex)) {
					throw ex;
				}
				logger.debug("Plasma: retrying mutation " + describe(clientGroupId, mutation) + " after " + ex);
				sleepBeforeRetry(attempt);
			}
		}
	}

	private MutationOutcome process(String clientGroupId, PushMutation mutation) {
		MutationContext context = new MutationContext(clientGroupId, mutation.clientId(), mutation.id(),
				mutation.name(), mutation.timestamp());
		PermanentFailure failure;
		try {
			return this.transactions.execute((status) -> {
				long last = this.ledger.lock(clientGroupId, mutation.clientId());
				MutationOutcome skip = skip(mutation.id(), last);
				if (skip != null) {
					return skip;
				}
				this.origin.runAs(clientGroupId, mutation.clientId(), mutation.id(), () -> apply(mutation, context));
				this.ledger.advance(clientGroupId, mutation.clientId(), mutation.id());
				return MutationOutcome.APPLIED;
			});
		}
		catch (PermanentFailure ex) {
			failure = ex;
		}
		return recordFailure(clientGroupId, mutation, failure.getCause());
	}

	private void apply(PushMutation mutation, MutationContext context) {
		try {
			Mutator mutator = this.mutators.get(mutation.name());
			mutator.mutate(mutation.args(), context);
		}
		catch (RuntimeException ex) {
			if (isInfrastructureFailure(ex)) {
				throw ex;
			}
			throw new PermanentFailure(ex);
		}
		catch (Exception ex) {
			throw new PermanentFailure(ex);
		}
	}

	private MutationOutcome recordFailure(String clientGroupId, PushMutation mutation, Throwable cause) {
		MutationOutcome outcome = this.transactions.execute((status) -> {
			long last = this.ledger.lock(clientGroupId, mutation.clientId());
			MutationOutcome skip = skip(mutation.id(), last);
			if (skip != null) {
				return skip;
			}
			this.ledger.advance(clientGroupId, mutation.clientId(), mutation.id());
			return MutationOutcome.FAILED;
		});
		if (outcome == MutationOutcome.FAILED) {
			logger.warn("Plasma: mutation " + describe(clientGroupId, mutation) + " failed and was skipped: " + cause,
					logger.isDebugEnabled() ? cause : null);
		}
		return outcome;
	}

	private static MutationOutcome skip(long id, long last) {
		if (id <= last) {
			return MutationOutcome.DUPLICATE;
		}
		if (id > last + 1) {
			return MutationOutcome.GAP;
		}
		return null;
	}

	private static String describe(String clientGroupId, PushMutation mutation) {
		return "'" + mutation.name() + "' (clientGroupID=" + clientGroupId + ", clientID=" + mutation.clientId()
				+ ", id=" + mutation.id() + ")";
	}

	private static boolean isInfrastructureFailure(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof TransientDataAccessException || t instanceof RecoverableDataAccessException
					|| t instanceof DataAccessResourceFailureException || t instanceof CannotGetJdbcConnectionException
					|| t instanceof CannotCreateTransactionException || t instanceof SQLTransientException
					|| t instanceof java.sql.SQLRecoverableException) {
				return true;
			}
		}
		return false;
	}

	private static boolean isRetryable(RuntimeException ex) {
		return ex instanceof PessimisticLockingFailureException || ex instanceof DuplicateKeyException
				|| ex instanceof QueryTimeoutException || (ex instanceof TransientDataAccessException)
				|| (ex instanceof TransactionException && isInfrastructureFailure(ex.getCause()));
	}

	private static void sleepBeforeRetry(int attempt) {
		try {
			Thread.sleep(Math.min(200, 5L << attempt) + (long) (Math.random() * 10));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while retrying a mutation", ex);
		}
	}

	/**
	 * Carries a permanent mutator failure out of the transaction so that it rolls back.
	 */
	private static final class PermanentFailure extends RuntimeException {

		PermanentFailure(Throwable cause) {
			super(cause.getMessage(), cause, false, false);
		}

	}

}

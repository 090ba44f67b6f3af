package dev.plasma.sync;

import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plasma.capture.MutationOrigin;
import dev.plasma.identity.SyncUserResolver;
import dev.plasma.ledger.MutationLedger;
import dev.plasma.mutation.MutationCheck;
import dev.plasma.mutation.MutationContext;
import dev.plasma.mutation.MutatorRegistry;
import dev.plasma.sequencer.Sequencer;

/**
 * Runs pushed mutations exactly once (docs/protocol.md, guarantees 3 to 5), one database transaction per push.
 * <p>
 * The algorithm:
 * <ol>
 * <li><b>Lock the ledger, in a stable order.</b> The push transaction first locks the ledger row of
 * every client of the push, in the order of their client IDs ({@code SELECT ... FOR UPDATE}). Two pushes
 * touching the same clients therefore queue on the first client they share instead of deadlocking, and
 * pushes of different groups never wait for each other (nothing global is locked). A client without a
 * row gets one (at 0) only when the push will process one of its mutations; otherwise, for example
 * when its only mutation is a gap, the push creates no ledger state. Two pushes creating the same row
 * make one fail with a duplicate key or a deadlock, and that push is retried whole.</li>
 * <li><b>Run each mutation in a savepoint.</b> Per client, {@code id <= last} is a duplicate and is
 * skipped, {@code id > last + 1} is a gap that stops the client's batch (the client resends), and
 * {@code id == last + 1} runs: its identity goes to {@link MutationOrigin} (so that capture attributes
 * its writes), a savepoint is set, and the mutator runs. A permanent failure (the mutator throws, its
 * args do not bind, its name is unknown) rolls back to the savepoint, which undoes exactly that
 * mutation's writes and also clears PostgreSQL's aborted-transaction state; the mutation counts as
 * processed and the push goes on. Savepoints are not released one by one: the commit ends them.</li>
 * <li><b>Advance the ledger once per client</b> to its last processed mutation, with one ledger marker
 * per client (markers are what move the cookie and record the confirmation), and <b>commit once</b>.</li>
 * <li><b>Retry the whole push</b> on a deadlock, serialization or lock-timeout failure, or a duplicate
 * ledger row, up to {@value #ATTEMPTS} attempts with back-off. Because the push is one transaction, a
 * failed attempt leaves nothing behind, and the retry sees what concurrent pushes committed meanwhile
 * (their mutations become duplicates). Other infrastructure failures (a lost connection) propagate:
 * nothing of the push stays applied, the ledger is unchanged, and the client retries (HTTP 503).</li>
 * <li><b>Read your writes.</b> After the commit, when the push applied, failed or re-sent anything (a
 * re-sent mutation may come from a push whose flush failed after its commit), it waits for
 * {@link Sequencer#flush()} (concurrent pushes share one flush) and only then answers, so a pull that
 * follows the push sees its changes and confirmations; pulls never flush themselves.</li>
 * </ol>
 * Failures are logged after the commit, with client-supplied names escaped, so a retried attempt is
 * never logged twice. A mutation the user may not make (the mutator threw {@code MutationDeniedException}
 * or Spring Security's {@code AccessDeniedException}) fails like any other, is logged at INFO without a
 * stack trace and is counted with reason {@link FailureReason#DENIED}.
 */
public class PushProcessor {

	private static final Log logger = LogFactory.getLog(PushProcessor.class);

	private static final int ATTEMPTS = 5;

	private final TransactionTemplate transactions;

	private final MutationLedger ledger;

	private final MutationOrigin origin;

	private final MutatorRegistry mutators;

	private final Sequencer sequencer;

	private final SyncObserver observer;

	private final List<MutationCheck> checks;

	public PushProcessor(TransactionTemplate transactions, MutationLedger ledger, MutationOrigin origin,
			MutatorRegistry mutators, Sequencer sequencer, SyncObserver observer) {
		this(transactions, ledger, origin, mutators, sequencer, observer, List.of());
	}

	/**
	 * Creates the processor with checks applied to every mutation's writes after its mutator ran.
	 * @param transactions runs a push's transaction
	 * @param ledger the clients' last mutation IDs
	 * @param origin attributes captured writes to mutations
	 * @param mutators the mutators
	 * @param sequencer sequences a push's changes before it answers
	 * @param observer told about outcomes
	 * @param checks the mutation checks, in order
	 */
	public PushProcessor(TransactionTemplate transactions, MutationLedger ledger, MutationOrigin origin,
			MutatorRegistry mutators, Sequencer sequencer, SyncObserver observer, List<MutationCheck> checks) {
		this.checks = List.copyOf(checks);
		this.transactions = transactions;
		this.ledger = ledger;
		this.origin = origin;
		this.mutators = mutators;
		this.sequencer = sequencer;
		this.observer = observer;
	}

	/**
	 * Processes the mutations of one push for the anonymous user; see {@link #push(String, String, List)}.
	 * @param clientGroupId the pushing client group
	 * @param mutations the mutations, possibly of several clients of the group
	 * @return one result per mutation, in order
	 */
	public List<MutationResult> push(String clientGroupId, List<PushMutation> mutations) {
		return push(clientGroupId, SyncUserResolver.ANONYMOUS, mutations);
	}

	/**
	 * Processes the mutations of one push, in order, in one transaction, and returns once their changes
	 * are sequenced.
	 * @param clientGroupId the pushing client group
	 * @param userName the user the push runs for, which mutators see in their {@link MutationContext}
	 * @param mutations the mutations, possibly of several clients of the group
	 * @return one result per mutation, in order
	 */
	public List<MutationResult> push(String clientGroupId, String userName, List<PushMutation> mutations) {
		long started = System.nanoTime();
		Attempt attempt = pushWithRetries(clientGroupId, userName, mutations);
		for (MutationResult result : attempt.results) {
			this.observer.mutationProcessed(result.outcome());
		}
		for (Failure failure : attempt.failures) {
			FailureReason reason = FailureReason.of(failure.cause());
			if (reason == FailureReason.DENIED) {
				logger.info("Plasma: mutation " + describe(clientGroupId, failure.mutation()) + " was denied to user "
						+ LogSafe.quote(userName) + ": " + LogSafe.escape(String.valueOf(failure.cause().getMessage())));
			}
			else {
				logger.warn("Plasma: mutation " + describe(clientGroupId, failure.mutation()) + " failed and was skipped: "
						+ LogSafe.escape(String.valueOf(failure.cause())), logger.isDebugEnabled() ? failure.cause() : null);
			}
			this.observer.mutationFailed(reason);
		}
		if (attempt.advanced || hasDuplicates(attempt.results)) {
			this.sequencer.flush();
		}
		this.observer.pushCompleted(Duration.ofNanos(System.nanoTime() - started));
		return attempt.results;
	}

	/**
	 * A duplicate may be the retry of a push that committed but failed before its flush: its entries
	 * need sequencing before the answer too (a flush with nothing pending is one cheap query).
	 */
	private static boolean hasDuplicates(List<MutationResult> results) {
		for (MutationResult result : results) {
			if (result.outcome() == MutationOutcome.DUPLICATE) {
				return true;
			}
		}
		return false;
	}

	private Attempt pushWithRetries(String clientGroupId, String userName, List<PushMutation> mutations) {
		for (int attempt = 1;; attempt++) {
			try {
				return this.transactions.execute((status) -> attempt(status, clientGroupId, userName, mutations));
			}
			catch (RuntimeException ex) {
				if (attempt >= ATTEMPTS || !isRetryable(ex)) {
					throw ex;
				}
				logger.debug("Plasma: retrying a push of " + mutations.size() + " mutations (clientGroupID="
						+ LogSafe.quote(clientGroupId) + ") after " + LogSafe.escape(ex.toString()));
				sleepBeforeRetry(attempt);
			}
		}
	}

	private Attempt attempt(TransactionStatus status, String clientGroupId, String userName,
			List<PushMutation> mutations) {
		Map<String, ClientProgress> clients = lockClients(clientGroupId, mutations);
		Attempt attempt = new Attempt(mutations.size());
		this.origin.runAsEach((attribution) -> {
			for (PushMutation mutation : mutations) {
				ClientProgress client = clients.get(mutation.clientId());
				MutationOutcome outcome = client.skip(mutation.id());
				if (outcome == null) {
					attribution.attribute(clientGroupId, mutation.clientId(), mutation.id());
					Exception failure = runInSavepoint(status, clientGroupId, userName, mutation);
					if (failure != null) {
						attempt.failures.add(new Failure(mutation, failure));
					}
					outcome = (failure != null) ? MutationOutcome.FAILED : MutationOutcome.APPLIED;
					client.processed(mutation.id());
				}
				attempt.results.add(new MutationResult(mutation.clientId(), mutation.id(), outcome));
			}
			return null;
		});
		for (ClientProgress client : clients.values()) {
			if (client.advanced()) {
				this.ledger.advance(clientGroupId, client.clientId(), client.last());
				attempt.advanced = true;
			}
		}
		return attempt;
	}

	/**
	 * Locks the ledger rows of the push's clients in client-ID order, creating the rows of new clients
	 * whose mutations will be processed.
	 */
	private Map<String, ClientProgress> lockClients(String clientGroupId, List<PushMutation> mutations) {
		Map<String, List<Long>> idsByClient = new TreeMap<>();
		for (PushMutation mutation : mutations) {
			idsByClient.computeIfAbsent(mutation.clientId(), (clientId) -> new ArrayList<>()).add(mutation.id());
		}
		Map<String, ClientProgress> clients = new TreeMap<>();
		idsByClient.forEach((clientId, ids) -> {
			Long last = this.ledger.lock(clientGroupId, clientId);
			if (last == null && ClientProgress.processesAny(ids, 0)) {
				this.ledger.create(clientGroupId, clientId);
			}
			clients.put(clientId, new ClientProgress(clientId, (last != null) ? last : 0));
		});
		return clients;
	}

	/**
	 * Runs one mutation inside a savepoint of the push transaction.
	 * @return {@code null} when it applied, otherwise the permanent failure (its writes rolled back)
	 */
	private Exception runInSavepoint(TransactionStatus status, String clientGroupId, String userName,
			PushMutation mutation) {
		MutationContext context = new MutationContext(clientGroupId, mutation.clientId(), mutation.id(),
				mutation.name(), mutation.timestamp(), userName);
		Object savepoint = status.createSavepoint();
		try {
			this.mutators.get(mutation.name()).mutate(mutation.args(), context);
			for (MutationCheck check : this.checks) {
				check.check(context);
			}
			return null;
		}
		catch (RuntimeException ex) {
			if (isInfrastructureFailure(ex)) {
				throw ex;
			}
			status.rollbackToSavepoint(savepoint);
			return ex;
		}
		catch (Exception ex) {
			status.rollbackToSavepoint(savepoint);
			return ex;
		}
	}

	private static String describe(String clientGroupId, PushMutation mutation) {
		return LogSafe.quote(mutation.name()) + " (clientGroupID=" + LogSafe.quote(clientGroupId) + ", clientID="
				+ LogSafe.quote(mutation.clientId()) + ", id=" + mutation.id() + ")";
	}

	private static boolean isInfrastructureFailure(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (t instanceof TransientDataAccessException || t instanceof RecoverableDataAccessException
					|| t instanceof DataAccessResourceFailureException || t instanceof CannotGetJdbcConnectionException
					|| t instanceof CannotCreateTransactionException || t instanceof SQLTransientException
					|| t instanceof SQLRecoverableException) {
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
			throw new IllegalStateException("interrupted while retrying a push", ex);
		}
	}

	/**
	 * What one attempt of a push did.
	 */
	private static final class Attempt {

		private final List<MutationResult> results;

		private final List<Failure> failures = new ArrayList<>();

		private boolean advanced;

		Attempt(int size) {
			this.results = new ArrayList<>(size);
		}

	}

	private record Failure(PushMutation mutation, Exception cause) {
	}

}

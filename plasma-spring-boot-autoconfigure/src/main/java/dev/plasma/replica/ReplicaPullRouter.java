package dev.plasma.replica;

import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.plasma.ledger.MutationLedger;
import dev.plasma.sync.Cookie;
import dev.plasma.sync.Positions;
import dev.plasma.sync.PullHeader;
import dev.plasma.sync.PullSourceChooser;

/**
 * Answers a pull from the read replica when the replica has caught up to everything the pull needs, and
 * from the primary otherwise. Pushes, sequencing and compaction never come here: they use the primary.
 * <p>
 * <b>The rule.</b> A pull needs, in every region, the greater of
 * <ul>
 * <li>the cookie's cursor: an answer from a snapshot below it would go backwards, and</li>
 * <li>the version of the group's newest sequenced confirmation on the primary
 * ({@link MutationLedger#lastConfirmationVersions}, one primary-key prefix lookup on the primary): a push
 * answers only once its mutations' entries and ledger markers are sequenced, so this is the position
 * that holds every change and confirmation the group may already rely on (read-your-writes).</li>
 * </ul>
 * The replica answers only when its own head, read in the pull's snapshot on the replica before anything
 * is answered, reaches that ({@link Positions#reach}). Why that is enough: the sequencer moves the head
 * and writes the confirmations of the entries it numbers in one transaction, and a streaming replica
 * shows a prefix of the primary's commits, so a replica snapshot is one the primary itself had; within
 * it a pull confirms only mutations whose ledger marker, and hence every change they made, lies at or
 * below the version it answers (as on the primary). The check costs no replica statement: the head is
 * the pull's own first read. With read rules, a pull whose grants fingerprint (on the replica) differs from
 * the cookie's also goes to the primary: a reset from the primary reads tables, so it may hold a grant
 * committed but not yet sequenced, which a replica at the cookie's version may still lack; resetting from
 * there would take rows back from the client for a while.
 * <p>
 * <b>Cheaper alternatives, and why not.</b> Comparing the replica's replay LSN with the primary's current
 * LSN asks as much of the primary (one statement) and fails whenever any write at all is in flight; an
 * LSN recorded at push time would have to be stored per group (a write per push) and is PostgreSQL-only.
 * A pull whose group pushes nothing and whose cookie the replica has reached is served by the replica
 * however far behind the primary it is otherwise: like a pull a moment earlier, it never misses a change
 * for good (the next pull brings it) and never contradicts what the client was told.
 * <p>
 * <b>Failures.</b> A replica that fails before the answer begins (no connection within the pool's
 * timeout, a statement error) hands the pull to the primary and is left alone for {@code retryAfter}, so
 * a replica that is down costs one connection timeout per {@code retryAfter}, not one per pull. A replica
 * failing in the middle of a full state cannot hand over (the answer has begun): that pull fails like a
 * primary failure would (503, the client retries).
 */
public class ReplicaPullRouter implements PullSourceChooser {

	private static final Log logger = LogFactory.getLog(ReplicaPullRouter.class);

	private final ReadReplica replica;

	private final MutationLedger primaryLedger;

	private final List<ReplicaListener> listeners;

	private final long retryAfterNanos;

	private final LongSupplier nanoClock;

	private volatile long restingUntil;

	private volatile boolean resting;

	/**
	 * Creates the router.
	 * @param replica the read replica
	 * @param primaryLedger the mutation ledger on the primary
	 * @param retryAfter how long the replica is left alone after it failed
	 * @param listeners told where each pull was answered
	 */
	public ReplicaPullRouter(ReadReplica replica, MutationLedger primaryLedger, Duration retryAfter,
			List<ReplicaListener> listeners) {
		this(replica, primaryLedger, retryAfter, listeners, System::nanoTime);
	}

	ReplicaPullRouter(ReadReplica replica, MutationLedger primaryLedger, Duration retryAfter,
			List<ReplicaListener> listeners, LongSupplier nanoClock) {
		this.replica = replica;
		this.primaryLedger = primaryLedger;
		this.retryAfterNanos = retryAfter.toNanos();
		this.listeners = List.copyOf(listeners);
		this.nanoClock = nanoClock;
	}

	@Override
	public PullHeader answer(String clientGroupId, Cookie.@Nullable Position cookie, PullReads reads) {
		if (this.resting && this.nanoClock.getAsLong() - this.restingUntil < 0) {
			return fromPrimary(reads, ReplicaFallback.BACKOFF);
		}
		Positions needed = neededBy(clientGroupId, cookie);
		try {
			PullHeader header = reads.from(this.replica.pullSource(), needed);
			if (this.resting) {
				this.resting = false;
				logger.info("Plasma: the read replica answers pulls again");
			}
			this.listeners.forEach((listener) -> listener.pullServed(true));
			return header;
		}
		catch (SourceBehindException ex) {
			return fromPrimary(reads, ReplicaFallback.BEHIND);
		}
		catch (SourceFailedException ex) {
			boolean wasResting = this.resting;
			this.restingUntil = this.nanoClock.getAsLong() + this.retryAfterNanos;
			this.resting = true;
			if (!wasResting) {
				logger.warn("Plasma: the read replica failed; the primary answers pulls for the next "
						+ Duration.ofNanos(this.retryAfterNanos).toMillis() + " ms: " + ex.getCause().getMessage());
			}
			return fromPrimary(reads, ReplicaFallback.ERROR);
		}
	}

	/**
	 * Returns what a pull needs a database to have reached: the cookie's cursors and the group's newest
	 * confirmation on the primary.
	 * @param clientGroupId the pulling client group
	 * @param cookie the request's cookie, {@code null} for none
	 * @return the positions needed
	 */
	Positions neededBy(String clientGroupId, Cookie.@Nullable Position cookie) {
		Positions confirmed = new Positions(this.primaryLedger.lastConfirmationVersions(clientGroupId));
		return (cookie != null) ? confirmed.and(new Positions(cookie.cursors())) : confirmed;
	}

	private PullHeader fromPrimary(PullReads reads, ReplicaFallback reason) {
		this.listeners.forEach((listener) -> listener.fellBack(reason));
		PullHeader header = reads.fromPrimary();
		this.listeners.forEach((listener) -> listener.pullServed(false));
		return header;
	}

}

package dev.plasma.sync;

/**
 * One client's place in the ledger while a push runs: the last processed mutation ID, whether the push
 * processed any of the client's mutations, and whether a gap stopped the client's batch.
 */
final class ClientProgress {

	private final String clientId;

	private long last;

	private boolean advanced;

	private boolean stopped;

	ClientProgress(String clientId, long last) {
		this.clientId = clientId;
		this.last = last;
	}

	/**
	 * Returns whether a client whose ledger stands at {@code last} would process one of these
	 * mutation IDs (sent in this order): the first one above {@code last} decides, it either follows
	 * {@code last} directly or is a gap.
	 * @param ids the client's mutation IDs in push order
	 * @param last the last processed mutation ID
	 * @return whether one of them would be processed
	 */
	static boolean processesAny(Iterable<Long> ids, long last) {
		for (long id : ids) {
			if (id > last) {
				return id == last + 1;
			}
		}
		return false;
	}

	/**
	 * Returns what happens to mutation {@code id} without running it, or {@code null} when it is the next
	 * one and must run. A gap stops the client: its later mutations in the push are gaps too.
	 * @param id the mutation ID
	 * @return {@link MutationOutcome#DUPLICATE}, {@link MutationOutcome#GAP} or {@code null}
	 */
	MutationOutcome skip(long id) {
		if (this.stopped) {
			return MutationOutcome.GAP;
		}
		if (id <= this.last) {
			return MutationOutcome.DUPLICATE;
		}
		if (id > this.last + 1) {
			this.stopped = true;
			return MutationOutcome.GAP;
		}
		return null;
	}

	/**
	 * Records that mutation {@code id} was applied or failed.
	 * @param id the mutation ID
	 */
	void processed(long id) {
		this.last = id;
		this.advanced = true;
	}

	String clientId() {
		return this.clientId;
	}

	long last() {
		return this.last;
	}

	boolean advanced() {
		return this.advanced;
	}

}

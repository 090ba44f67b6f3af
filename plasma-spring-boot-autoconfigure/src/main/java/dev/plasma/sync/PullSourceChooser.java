package dev.plasma.sync;

import org.jspecify.annotations.Nullable;

/**
 * Chooses which database answers a pull: the primary, or a read replica that has reached everything the
 * pull needs. {@link PullProcessor} asks its chooser once per pull; the chooser answers through the
 * {@link PullReads} it is given, falling back to the primary when a replica cannot answer.
 */
@FunctionalInterface
public interface PullSourceChooser {

	/** Answers every pull from the primary: no replica, no extra statement. */
	PullSourceChooser PRIMARY_ONLY = (clientGroupId, cookie, reads) -> reads.fromPrimary();

	/**
	 * Answers a pull.
	 * @param clientGroupId the pulling client group
	 * @param cookie what the request's cookie names, {@code null} for none
	 * @param reads reads the answer from the primary or from another source
	 * @return the header the pull's sink received
	 */
	PullHeader answer(String clientGroupId, Cookie.@Nullable Position cookie, PullReads reads);

	/**
	 * The ways of reading one pull's answer.
	 */
	interface PullReads {

		/**
		 * Reads the answer from the primary.
		 * @return the header the sink received
		 */
		PullHeader fromPrimary();

		/**
		 * Reads the answer from another source, provided its heads, read in the pull's own snapshot, reach
		 * {@code needed}.
		 * @param source the source, a read replica of the primary
		 * @param needed what the source must have reached: the answer must not go behind the cookie, nor lack
		 * what the primary already confirmed to the group
		 * @return the header the sink received
		 * @throws SourceBehindException when the source has not reached {@code needed} (the sink received
		 * nothing)
		 * @throws SourceFailedException when the source failed before the sink received anything
		 */
		PullHeader from(PullSource source, Positions needed);

	}

	/**
	 * A source has not reached what the pull needs; nothing was answered.
	 */
	final class SourceBehindException extends RuntimeException {

		private final Positions reached;

		SourceBehindException(Positions reached) {
			super("the pull source has not reached what the pull needs", null, false, false);
			this.reached = reached;
		}

		/**
		 * Returns what the source had reached.
		 * @return its heads
		 */
		public Positions reached() {
			return this.reached;
		}

	}

	/**
	 * A source failed (unreachable, or a statement failed) before anything was answered.
	 */
	final class SourceFailedException extends RuntimeException {

		SourceFailedException(RuntimeException cause) {
			super("the pull source failed: " + cause.getMessage(), cause);
		}

	}

}

package dev.plasma.mutation;

/**
 * Thrown by a mutator (or a write rule) when the mutation's user may not make it. The mutation fails
 * like any permanent failure: its writes are rolled back, the ledger advances past it, the push is
 * answered 200, and it is counted with reason {@code denied}. Use the same message whether the row is
 * missing or forbidden, so that a push never reveals whether a row the user cannot read exists.
 * Spring Security's {@code AccessDeniedException} is treated the same way.
 */
public class MutationDeniedException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param message what was denied, without revealing whether the row exists
	 */
	public MutationDeniedException(String message) {
		super(message);
	}

}

package dev.plasma.mutation;

/**
 * Thrown when a mutation's {@code args} cannot be bound to the mutator's argument type.
 */
public class MutatorArgumentException extends RuntimeException {

	public MutatorArgumentException(String message, Throwable cause) {
		super(message, cause);
	}

}

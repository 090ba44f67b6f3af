package dev.plasma.mutation;

/**
 * Thrown when a pushed mutation names no registered mutator.
 */
public class UnknownMutatorException extends RuntimeException {

	public UnknownMutatorException(String name) {
		super("no mutator is registered for mutation name '" + name + "'");
	}

}

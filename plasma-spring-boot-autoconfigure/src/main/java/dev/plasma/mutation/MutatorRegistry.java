package dev.plasma.mutation;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The application's mutators by name.
 */
public class MutatorRegistry {

	private final Map<String, Mutator> mutators = new ConcurrentHashMap<>();

	private final Map<String, String> origins = new ConcurrentHashMap<>();

	/**
	 * Registers a mutator.
	 * @param name the mutation name
	 * @param mutator the mutator
	 * @throws IllegalStateException when the name is already taken
	 */
	public void register(String name, Mutator mutator) {
		register(name, mutator, mutator.toString());
	}

	/**
	 * Registers a mutator, naming where it comes from for error messages.
	 * @param name the mutation name
	 * @param mutator the mutator
	 * @param origin a description of the mutator, e.g. the method
	 * @throws IllegalStateException when the name is already taken
	 */
	public synchronized void register(String name, Mutator mutator, String origin) {
		if (name == null || name.isBlank()) {
			throw new IllegalStateException("Plasma: mutator " + origin + " has an empty name");
		}
		String existing = this.origins.get(name);
		if (existing != null) {
			throw new IllegalStateException(
					"Plasma: duplicate mutator name '" + name + "': declared by " + existing + " and by " + origin);
		}
		this.mutators.put(name, mutator);
		this.origins.put(name, origin);
	}

	/**
	 * Returns the mutator for a name.
	 * @param name the mutation name
	 * @return the mutator
	 * @throws UnknownMutatorException when none is registered
	 */
	public Mutator get(String name) {
		Mutator mutator = this.mutators.get(name);
		if (mutator == null) {
			throw new UnknownMutatorException(name);
		}
		return mutator;
	}

	/**
	 * Returns the registered names.
	 * @return the names
	 */
	public Set<String> names() {
		return Collections.unmodifiableSet(this.mutators.keySet());
	}

}

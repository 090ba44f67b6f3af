package dev.plasma.mutation;

import tools.jackson.databind.JsonNode;

/**
 * Applies one named mutation. Usually derived from a {@link PlasmaMutator} method; may also be registered
 * directly with {@link MutatorRegistry#register(String, Mutator)}.
 */
@FunctionalInterface
public interface Mutator {

	/**
	 * Applies the mutation inside the current transaction.
	 * @param args the mutation's JSON arguments
	 * @param context the mutation's identity
	 * @throws Exception any failure; the mutation's writes are rolled back and it is recorded as failed
	 */
	void mutate(JsonNode args, MutationContext context) throws Exception;

}

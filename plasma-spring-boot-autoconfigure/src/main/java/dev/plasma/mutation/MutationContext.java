package dev.plasma.mutation;

import dev.plasma.identity.SyncUserResolver;

/**
 * Identity of the mutation a mutator is running, and of the user it runs for.
 * @param clientGroupId the pushing client group
 * @param clientId the client that created the mutation
 * @param mutationId the client's mutation number (1, 2, 3, ...)
 * @param name the mutator name
 * @param timestamp the client's timestamp of the mutation ({@code performance.now()}, not epoch time)
 * @param userName the user the push runs for ({@value SyncUserResolver#ANONYMOUS} in an application
 * without users); throw {@link MutationDeniedException} when that user may not make the mutation
 */
public record MutationContext(String clientGroupId, String clientId, long mutationId, String name, double timestamp,
		String userName) {

	/**
	 * Creates the context of a mutation run for the anonymous user.
	 * @param clientGroupId the pushing client group
	 * @param clientId the client that created the mutation
	 * @param mutationId the client's mutation number
	 * @param name the mutator name
	 * @param timestamp the client's timestamp of the mutation
	 */
	public MutationContext(String clientGroupId, String clientId, long mutationId, String name, double timestamp) {
		this(clientGroupId, clientId, mutationId, name, timestamp, SyncUserResolver.ANONYMOUS);
	}

}

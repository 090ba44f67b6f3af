package dev.plasma.mutation;

/**
 * Identity of the mutation a mutator is running.
 * @param clientGroupId the pushing client group
 * @param clientId the client that created the mutation
 * @param mutationId the client's mutation number (1, 2, 3, ...)
 * @param name the mutator name
 * @param timestamp the client's timestamp of the mutation ({@code performance.now()}, not epoch time)
 */
public record MutationContext(String clientGroupId, String clientId, long mutationId, String name, double timestamp) {
}

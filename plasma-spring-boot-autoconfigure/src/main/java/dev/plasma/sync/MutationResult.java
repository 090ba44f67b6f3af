package dev.plasma.sync;

/**
 * The outcome of one pushed mutation.
 * @param clientId the client
 * @param id the mutation ID
 * @param outcome what happened
 */
public record MutationResult(String clientId, long id, MutationOutcome outcome) {
}

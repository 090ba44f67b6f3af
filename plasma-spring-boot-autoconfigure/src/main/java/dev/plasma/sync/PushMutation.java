package dev.plasma.sync;

import tools.jackson.databind.JsonNode;

/**
 * One mutation of a push request.
 * @param clientId the client that created it
 * @param id the client's mutation number
 * @param name the mutator name
 * @param args the JSON arguments
 * @param timestamp the client's timestamp ({@code performance.now()})
 */
public record PushMutation(String clientId, long id, String name, JsonNode args, double timestamp) {
}

package dev.plasma.presence;

/**
 * One member of a room as every member sees it.
 * @param memberId the member's key (one per connection and room; not sent to clients)
 * @param user the member's user name
 * @param clientId the client ID the member joined with
 * @param state the member's state, a JSON object as text
 */
public record PresenceMember(String memberId, String user, String clientId, String state) {
}

package dev.plasma.poke;

/**
 * The change log's head of a region moved: every entry up to {@code version} is sequenced.
 * @param region the region whose head moved
 * @param version the new head
 * @param sequencedAt when the batch was sequenced (Unix ms), or when the move was noticed where that is
 * unknown (polling)
 */
public record HeadAdvanced(String region, long version, long sequencedAt) {
}

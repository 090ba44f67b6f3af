package dev.plasma.sync;

import java.util.List;
import java.util.Map;

/**
 * What a pull returns.
 * @param version the version the client has now received everything up to (the new cookie)
 * @param reset whether the patch starts with {@code clear} and holds the full state
 * @param patch the operations to apply, in order
 * @param lastMutationIds confirmed mutation IDs of the group's clients as of {@code version}
 * @param lastMutationIdChanges the confirmations that changed since the request's cookie
 * @param hasMore whether more changes are waiting (pull again with the new cookie)
 */
public record PullResult(long version, boolean reset, List<PatchOperation> patch, Map<String, Long> lastMutationIds,
		Map<String, Long> lastMutationIdChanges, boolean hasMore) {
}

package dev.plasma.sync;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a pull returns.
 * @param version the sum of {@code cursors} (a single region: its cursor)
 * @param reset whether the patch starts with {@code clear} and holds the full state
 * @param patch the operations to apply, in order
 * @param lastMutationIds confirmed mutation IDs of the group's clients as of {@code version}
 * @param lastMutationIdChanges the confirmations that changed since the request's cookie
 * @param hasMore whether more changes are waiting (pull again with the new cookie)
 * @param grants the grants fingerprint the new cookie carries, {@code null} when no read rules are declared
 * @param cursors the version the client has now received everything up to, by region
 */
public record PullResult(long version, boolean reset, List<PatchOperation> patch, Map<String, Long> lastMutationIds,
		Map<String, Long> lastMutationIdChanges, boolean hasMore, @Nullable String grants, Map<String, Long> cursors) {

	/**
	 * Returns what the answer's cookie names, to send with the next pull.
	 * @return the version and grants fingerprint
	 */
	public Cookie.Position cookie() {
		return new Cookie.Position(this.cursors, this.grants);
	}

}

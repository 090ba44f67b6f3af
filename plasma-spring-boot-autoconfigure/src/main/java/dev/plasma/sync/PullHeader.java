package dev.plasma.sync;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Everything a pull answers except its patch, known before the first patch operation.
 * @param version the sum of {@code cursors}, growing with every cursor (a single region: its cursor)
 * @param reset whether the patch starts with {@code clear} and holds the full state
 * @param lastMutationIds confirmed mutation IDs of the group's clients as of {@code version}
 * @param lastMutationIdChanges the confirmations that changed since the request's cookie
 * @param hasMore whether more changes are waiting (pull again with the new cookie)
 * @param grants the grants fingerprint the new cookie carries, {@code null} when no read rules are declared
 * @param cursors the version the client has now received everything up to, by region (the new cookie)
 */
public record PullHeader(long version, boolean reset, Map<String, Long> lastMutationIds,
		Map<String, Long> lastMutationIdChanges, boolean hasMore, @Nullable String grants, Map<String, Long> cursors) {

	/**
	 * Creates the header of a single-region answer.
	 * @param version the version of region {@code "0"}
	 * @param reset whether the patch starts with {@code clear}
	 * @param lastMutationIds confirmed mutation IDs
	 * @param lastMutationIdChanges the confirmations that changed
	 * @param hasMore whether more changes are waiting
	 * @param grants the grants fingerprint or {@code null}
	 */
	public PullHeader(long version, boolean reset, Map<String, Long> lastMutationIds,
			Map<String, Long> lastMutationIdChanges, boolean hasMore, @Nullable String grants) {
		this(version, reset, lastMutationIds, lastMutationIdChanges, hasMore, grants, Map.of(Cookie.REGION, version));
	}

	/**
	 * Returns the answer's {@code c1:} cookie.
	 * @return the encoded version and grants fingerprint
	 */
	public String cookie() {
		return Cookie.encode(this.cursors, this.grants);
	}

}

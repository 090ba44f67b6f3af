package dev.plasma.replica;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * How far the read replica was behind the primary when {@link ReplicaLag} last read it.
 * @param regions the regions the primary knows, in region order
 * @param answered whether the replica answered; when not, {@code versionsBehind} is empty and
 * {@code replayDelayMillis} {@code null}
 * @param versionsBehind by region, the primary's head minus the replica's (a region the replica does not
 * know yet counts from 0); every one of {@code regions} when the replica answered
 * @param replayDelayMillis how long the replica's replay trails the primary, in ms, {@code null} when the
 * database cannot tell (only PostgreSQL can)
 * @param error why the replica did not answer, {@code null} when it did
 */
public record ReplicaStatus(List<String> regions, boolean answered, Map<String, Long> versionsBehind,
		@Nullable Long replayDelayMillis, @Nullable String error) {

	/**
	 * Creates a status.
	 */
	public ReplicaStatus {
		regions = List.copyOf(regions);
		versionsBehind = Collections.unmodifiableMap(new TreeMap<>(versionsBehind));
	}

}

package dev.plasma.sync;

import java.util.Map;
import java.util.TreeMap;

/**
 * Positions in the change log's version spaces, one cursor per region ID: what a pull needs a database to
 * have reached (the cookie's cursors, the client group's confirmations), or what a database has reached
 * (its heads). A cursor means "everything up to and including this version".
 * @param byRegion the cursor of each region; a region not named is at 0
 */
public record Positions(Map<String, Long> byRegion) {

	/** No position at all: reached by every database. */
	public static final Positions NONE = new Positions(Map.of());

	/**
	 * Creates positions, copying the map.
	 * @param byRegion the cursor of each region
	 */
	public Positions {
		byRegion = Map.copyOf(byRegion);
	}

	/**
	 * Returns the position of one region.
	 * @param region the region ID
	 * @param version its cursor
	 * @return the positions
	 */
	public static Positions of(String region, long version) {
		return new Positions(Map.of(region, version));
	}

	/**
	 * Returns the cursor of a region.
	 * @param region the region ID
	 * @return its cursor, 0 when not named
	 */
	public long of(String region) {
		return this.byRegion.getOrDefault(region, 0L);
	}

	/**
	 * Returns whether these positions are at or past every cursor of {@code needed}.
	 * @param needed the positions needed
	 * @return whether each region of {@code needed} is reached here
	 */
	public boolean reach(Positions needed) {
		return needed.byRegion.entrySet().stream().allMatch((cursor) -> of(cursor.getKey()) >= cursor.getValue());
	}

	/**
	 * Returns the positions at or past both these and {@code other}: the greater cursor of each region.
	 * @param other other positions
	 * @return the combined positions
	 */
	public Positions and(Positions other) {
		Map<String, Long> combined = new TreeMap<>(this.byRegion);
		other.byRegion.forEach((region, version) -> combined.merge(region, version, Math::max));
		return new Positions(combined);
	}

}

package dev.plasma.changelog;

import dev.plasma.region.RegionIds;

/**
 * Which pending entries a region's sequencer takes: those of mutations pushed to the region, and, in the
 * default region for raw writes, those that carry no region (raw SQL, jobs). Region IDs are validated, so
 * the conditions hold them as literals.
 *
 * @param region the sequenced region
 * @param rawWritesRegion the region that sequences entries without a region
 */
public record PendingScope(String region, String rawWritesRegion) {

	/**
	 * Validates both region IDs.
	 * @param region the sequenced region
	 * @param rawWritesRegion the region that sequences entries without a region
	 */
	public PendingScope {
		RegionIds.require(region, "region");
		RegionIds.require(rawWritesRegion, "default region for raw writes");
	}

	/**
	 * Returns the scope of a single-region deployment, region {@value RegionIds#DEFAULT}.
	 * @return the scope
	 */
	public static PendingScope single() {
		return new PendingScope(RegionIds.DEFAULT, RegionIds.DEFAULT);
	}

	/**
	 * Returns the region a pending entry of the table alias {@code alias} belongs to, as SQL.
	 * @param alias the alias of {@code _plasma_pending_changes}
	 * @return the expression
	 */
	String owner(String alias) {
		return "COALESCE(" + alias + ".region, " + RegionIds.literal(this.rawWritesRegion) + ")";
	}

	/**
	 * Returns the condition "the entry of {@code alias} belongs to this region".
	 * @param alias the alias of {@code _plasma_pending_changes}
	 * @return the condition
	 */
	public String owns(String alias) {
		return owner(alias) + " = " + RegionIds.literal(this.region);
	}

	/**
	 * Returns the condition "the entry of {@code alias} belongs to this region and no earlier write of its
	 * row waits in another region": entries of one row are sequenced in the order their writes happened
	 * (pending IDs, taken in the capture triggers while the writer holds the row's lock), whatever their
	 * regions, so a row's entry waits while an earlier entry of the row is pending elsewhere.
	 * @param alias the alias of {@code _plasma_pending_changes}
	 * @return the condition
	 */
	public String takes(String alias) {
		return owns(alias) + " AND NOT EXISTS (SELECT 1 FROM _plasma_pending_changes plasma_earlier"
				+ " WHERE plasma_earlier.table_name = " + alias + ".table_name AND plasma_earlier.row_id = " + alias
				+ ".row_id AND plasma_earlier.id < " + alias + ".id AND " + owner("plasma_earlier") + " <> "
				+ RegionIds.literal(this.region) + ")";
	}

}

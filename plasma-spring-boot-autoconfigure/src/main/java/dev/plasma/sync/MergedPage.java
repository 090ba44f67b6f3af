package dev.plasma.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.plasma.changelog.ChangeEntry;
import dev.plasma.changelog.ChangePage;
import dev.plasma.changelog.SequencerStateRepository.RegionPosition;

/**
 * One pull page over several regions: each region's entries above its cursor, merged in the order of
 * {@code (batch_order, region, row_version)}.
 * <p>
 * The merge repeatedly takes the region whose next entry comes first in that order, so that each region
 * contributes a prefix of its entries in version order (its new cursor is consistent: nothing of the region
 * at or below it is left out) and the entries of one row come in the order their writes happened (the
 * sequencer gives a row's later entry a later batch, whatever its region). It stops at {@code maxChanges}
 * entries or {@code maxBytes}, and as soon as a region whose read was cut short has no entry left to
 * compare: an entry beyond what was read might come before the other regions' next entries.
 *
 * @param entries the entries taken, in apply order
 * @param cursors every region's new cursor
 * @param hasMore whether some region has entries above its new cursor
 */
record MergedPage(List<ChangeEntry> entries, Map<String, Long> cursors, boolean hasMore) {

	/**
	 * Merges the pages read for each region.
	 * @param pages each region's entries above its cursor (regions with none are absent)
	 * @param cursors every region's cursor before the page
	 * @param regions every region's head
	 * @param maxChanges the most entries of the page
	 * @param maxBytes the size budget of the page
	 * @return the page
	 */
	static MergedPage merge(Map<String, ChangePage> pages, Map<String, Long> cursors, Map<String, RegionPosition> regions,
			int maxChanges, long maxBytes) {
		Map<String, Integer> taken = new TreeMap<>();
		pages.keySet().forEach((region) -> taken.put(region, 0));
		List<ChangeEntry> entries = new ArrayList<>();
		long bytes = 0;
		while (entries.size() < maxChanges && bytes < maxBytes) {
			String next = null;
			ChangeEntry first = null;
			boolean blocked = false;
			for (Map.Entry<String, ChangePage> page : pages.entrySet()) {
				List<ChangeEntry> read = page.getValue().entries();
				int index = taken.get(page.getKey());
				if (index == read.size()) {
					blocked |= !page.getValue().complete();
					continue;
				}
				ChangeEntry candidate = read.get(index);
				if (first == null || before(candidate, first)) {
					first = candidate;
					next = page.getKey();
				}
			}
			if (first == null || blocked) {
				break;
			}
			entries.add(first);
			taken.merge(next, 1, Integer::sum);
			bytes += first.tableName().length() + first.rowId().length()
					+ ((first.value() != null) ? first.value().length() : 0);
		}
		Map<String, Long> newCursors = new TreeMap<>(cursors);
		boolean hasMore = false;
		for (Map.Entry<String, ChangePage> page : pages.entrySet()) {
			String region = page.getKey();
			List<ChangeEntry> read = page.getValue().entries();
			int count = taken.get(region);
			if (count == read.size() && page.getValue().complete()) {
				newCursors.put(region, regions.get(region).head());
			}
			else if (count > 0) {
				newCursors.put(region, read.get(count - 1).rowVersion());
			}
			hasMore |= newCursors.get(region) < regions.get(region).head();
		}
		return new MergedPage(entries, newCursors, hasMore);
	}

	private static boolean before(ChangeEntry a, ChangeEntry b) {
		if (a.batchOrder() != b.batchOrder()) {
			return a.batchOrder() < b.batchOrder();
		}
		int region = a.region().compareTo(b.region());
		return (region != 0) ? region < 0 : a.rowVersion() < b.rowVersion();
	}

}

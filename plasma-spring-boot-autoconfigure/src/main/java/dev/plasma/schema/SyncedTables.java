package dev.plasma.schema;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The declared tables as resolved against the database at start-up.
 */
public class SyncedTables {

	private final Map<String, SyncedTable> byName = new LinkedHashMap<>();

	public SyncedTables(List<SyncedTable> tables) {
		tables.forEach((table) -> this.byName.put(table.name(), table));
	}

	/**
	 * Returns every declared table, suppressed ones included, in declaration order.
	 * @return the tables
	 */
	public List<SyncedTable> all() {
		return List.copyOf(this.byName.values());
	}

	/**
	 * Returns the tables whose writes are captured and sent to clients.
	 * @return the synced tables
	 */
	public List<SyncedTable> synced() {
		return this.byName.values().stream().filter((table) -> !table.changeLogSuppressed()).toList();
	}

	/**
	 * Returns a declared table by its configured name.
	 * @param name the configured name
	 * @return the table, or {@code null}
	 */
	public SyncedTable get(String name) {
		return this.byName.get(name);
	}

}

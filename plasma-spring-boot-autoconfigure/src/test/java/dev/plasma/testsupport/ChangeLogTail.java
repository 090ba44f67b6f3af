package dev.plasma.testsupport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.plasma.changelog.ChangeEntry;
import dev.plasma.changelog.ChangeLog;

/**
 * A reader that tails the change log from its cursor, like a pulling client, and replays the entries
 * into a map of {@code table/row_id} to row JSON.
 */
public final class ChangeLogTail {

	private final ChangeLog changeLog;

	private final Map<String, String> rows = new LinkedHashMap<>();

	private final List<ChangeEntry> seen = new ArrayList<>();

	private long cursor;

	public ChangeLogTail(ChangeLog changeLog) {
		this.changeLog = changeLog;
	}

	/**
	 * Reads everything after the cursor and applies it.
	 * @return the entries read by this call
	 */
	public List<ChangeEntry> poll() {
		List<ChangeEntry> read = new ArrayList<>();
		List<ChangeEntry> page;
		do {
			page = this.changeLog.readAfter(this.cursor, 500);
			for (ChangeEntry entry : page) {
				if (entry.rowVersion() <= this.cursor) {
					throw new AssertionError("version went backwards: " + entry.rowVersion() + " after " + this.cursor);
				}
				this.cursor = entry.rowVersion();
				String key = entry.tableName() + "/" + entry.rowId();
				if (entry.isDelete()) {
					this.rows.remove(key);
				}
				else {
					this.rows.put(key, entry.value());
				}
				read.add(entry);
			}
		}
		while (page.size() == 500);
		this.seen.addAll(read);
		return read;
	}

	public long cursor() {
		return this.cursor;
	}

	public Map<String, String> rows() {
		return this.rows;
	}

	public List<ChangeEntry> seen() {
		return this.seen;
	}

}

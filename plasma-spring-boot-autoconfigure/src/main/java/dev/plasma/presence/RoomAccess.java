package dev.plasma.presence;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

import javax.sql.DataSource;

import org.springframework.dao.DataAccessResourceFailureException;

import dev.plasma.access.ReadRule;
import dev.plasma.access.ReadRules;
import dev.plasma.access.ReadView;
import dev.plasma.changelog.ChangeLog;
import dev.plasma.changelog.ChangeScope;
import dev.plasma.schema.SyncedTable;
import dev.plasma.schema.SyncedTables;

/**
 * Who may join a presence room: a room is {@code <syncedTable>:<rowId>}, and a user may join it when the
 * row exists and the user may read it under the read rules (any user, for a table without a rule). The
 * row's existence and scope come from its latest change-log entry (one indexed query), which every
 * synced row has; the user's view is evaluated like a pull's. Every refusal looks the same, so a refusal
 * never tells whether a hidden row exists.
 */
public class RoomAccess {

	/** Longest room name accepted. */
	public static final int MAX_ROOM_LENGTH = 600;

	private final DataSource dataSource;

	private final SyncedTables tables;

	private final ReadRules rules;

	private final ChangeLog changeLog;

	/**
	 * Creates the check.
	 * @param dataSource the data source holding Plasma's tables
	 * @param tables the synced tables
	 * @param rules the read rules
	 * @param changeLog the change log
	 */
	public RoomAccess(DataSource dataSource, SyncedTables tables, ReadRules rules, ChangeLog changeLog) {
		this.dataSource = dataSource;
		this.tables = tables;
		this.rules = rules;
		this.changeLog = changeLog;
	}

	/**
	 * Returns whether a user may join a room.
	 * @param user the user
	 * @param room the room name as the client sent it
	 * @return whether the room names an existing row the user may read
	 */
	public boolean mayJoin(String user, String room) {
		int colon = room.indexOf(':');
		if (colon <= 0 || colon == room.length() - 1 || room.length() > MAX_ROOM_LENGTH) {
			return false;
		}
		SyncedTable table = this.tables.get(room.substring(0, colon));
		if (table == null || table.changeLogSuppressed()) {
			return false;
		}
		ChangeScope row = this.changeLog.currentScope(table.name(), room.substring(colon + 1));
		if (row == null) {
			return false;
		}
		ReadRule rule = this.rules.rule(table.name());
		if (rule == null) {
			return true;
		}
		try (Connection connection = this.dataSource.getConnection()) {
			ReadView view = this.rules.view(connection, user);
			Set<String> allowed = (view != null) ? view.allowed(table.name()) : null;
			return allowed == null || (row.scope() != null && allowed.contains(row.scope()));
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("Plasma: checking a presence room failed", ex);
		}
	}

}

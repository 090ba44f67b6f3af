package dev.plasma.sample;

import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Who may do what with a list: every statement on {@code lists} and {@code list_members}. A user may
 * write to the lists they own or are a member of; only the owner shares and unshares.
 */
@Component
class Lists {

	private static final String CAN_WRITE_SQL = """
			SELECT COUNT(*) FROM lists l WHERE l.id = ? AND (l.owner = ?
			  OR EXISTS (SELECT 1 FROM list_members m WHERE m.list_id = l.id AND m.user_name = ?))""";

	private static final String OWNS_SQL = "SELECT COUNT(*) FROM lists WHERE id = ? AND owner = ?";

	private static final String INSERT_SQL = "INSERT INTO lists (id, name, owner) VALUES (?, ?, ?)";

	private static final String IS_MEMBER_SQL = "SELECT COUNT(*) FROM list_members WHERE list_id = ? AND user_name = ?";

	private static final String ADD_MEMBER_SQL = "INSERT INTO list_members (list_id, user_name) VALUES (?, ?)";

	private static final String REMOVE_MEMBER_SQL = "DELETE FROM list_members WHERE list_id = ? AND user_name = ?";

	private final JdbcClient jdbc;

	Lists(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	boolean canWrite(String listId, String user) {
		return count(CAN_WRITE_SQL, listId, user, user) > 0;
	}

	boolean owns(String listId, String user) {
		return count(OWNS_SQL, listId, user) > 0;
	}

	void create(String id, String name, String owner) {
		this.jdbc.sql(INSERT_SQL).params(id, name, owner).update();
	}

	/**
	 * Returns the user's inbox list, creating it on first use. Two pushes creating it at once make one fail
	 * with a duplicate key; that one is reported as a concurrency failure, so Plasma retries its whole push,
	 * which then finds the list.
	 */
	String inbox(String user) {
		String id = "inbox-" + user;
		if (!owns(id, user)) {
			try {
				create(id, "Inbox", user);
			}
			catch (DuplicateKeyException ex) {
				throw new ConcurrencyFailureException("inbox of " + user + " created concurrently", ex);
			}
		}
		return id;
	}

	void addMember(String listId, String user) {
		if (count(IS_MEMBER_SQL, listId, user) == 0) {
			this.jdbc.sql(ADD_MEMBER_SQL).params(listId, user).update();
		}
	}

	void removeMember(String listId, String user) {
		this.jdbc.sql(REMOVE_MEMBER_SQL).params(listId, user).update();
	}

	private long count(String sql, Object... params) {
		return this.jdbc.sql(sql).params(params).query(Long.class).single();
	}

}

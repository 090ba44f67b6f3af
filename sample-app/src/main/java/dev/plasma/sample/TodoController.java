package dev.plasma.sample;

import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Read-only view of the todos, so a person can look at the data: {@code admin} sees every todo, any other
 * user the todos of the lists they own or are a member of. Writes go through Plasma's push endpoint (or
 * any plain SQL: Plasma captures them all).
 */
@RestController
class TodoController {

	private final JdbcClient jdbc;

	TodoController(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	private static final String ALL_SQL = "SELECT id, text, done, created_at FROM todos ORDER BY created_at, id";

	private static final String READABLE_SQL = """
			SELECT t.id, t.text, t.done, t.created_at FROM todos t JOIN lists l ON l.id = t.list_id
			WHERE l.owner = ? OR EXISTS (SELECT 1 FROM list_members m WHERE m.list_id = l.id AND m.user_name = ?)
			ORDER BY t.created_at, t.id""";

	@GetMapping("/todos")
	List<Todo> todos(Authentication user) {
		boolean admin = user.getAuthorities().stream().anyMatch((authority) -> "ROLE_ADMIN".equals(authority.getAuthority()));
		return (admin ? this.jdbc.sql(ALL_SQL) : this.jdbc.sql(READABLE_SQL).params(user.getName(), user.getName()))
			.query((rs, rowNum) -> new Todo(rs.getString("id"), rs.getString("text"), rs.getBoolean("done"),
					rs.getLong("created_at")))
			.list();
	}

	/**
	 * One row of {@code todos}.
	 * @param id the primary key
	 * @param text what to do
	 * @param done whether it is done
	 * @param createdAt creation time, Unix milliseconds
	 */
	record Todo(String id, String text, boolean done, long createdAt) {
	}

}

package dev.plasma.sample;

import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Read-only view of the todos, so a person can look at the data. Writes go through Plasma's push
 * endpoint (or any plain SQL: Plasma captures them all).
 */
@RestController
class TodoController {

	private final JdbcClient jdbc;

	TodoController(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@GetMapping("/todos")
	List<Todo> todos() {
		return this.jdbc.sql("SELECT id, text, done, created_at FROM todos ORDER BY created_at, id")
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

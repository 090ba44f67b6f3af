package dev.plasma.sample;

import java.util.Map;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The benchmark baseline: {@code POST /plain/todos} with {@code {"id":"..","text":".."}} inserts one todo
 * exactly as the {@code createTodo} mutator does (same statement, same columns), with {@link JdbcTemplate}
 * in one transaction and no Plasma on the request path: no mutation ledger, no origin, no marker.
 * <p>
 * It exists so that the push load benchmark ({@code plasma-bench sync-load}, see {@code docs/performance.md})
 * can measure push throughput against a plain endpoint of the same app, in the same run. {@code todos} is a
 * synced table, so Plasma's capture trigger fires for these inserts too; that is intended: the ratio then
 * isolates what the push protocol itself costs. Not meant for real clients, whose writes should go through
 * push so that they are confirmed. It needs a user (any demo user) and writes todos that belong to no list,
 * which only {@code admin} sees in {@code GET /todos}.
 */
@RestController
class PlainTodoController {

	private static final String INSERT = "INSERT INTO todos (id, text, done, created_at) VALUES (?, ?, FALSE, ?)";

	private static final int ATTEMPTS = 3;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transaction;

	PlainTodoController(JdbcTemplate jdbc, TransactionTemplate transaction) {
		this.jdbc = jdbc;
		this.transaction = transaction;
	}

	@PostMapping("/plain/todos")
	ResponseEntity<Map<String, Object>> create(@RequestBody(required = false) NewTodo todo) {
		if (todo == null || todo.id() == null || todo.id().isBlank() || todo.text() == null) {
			return ResponseEntity.badRequest().body(Map.of("error", "a todo needs a non-empty id and a text"));
		}
		try {
			insertRetryingDeadlocks(todo);
		}
		catch (DuplicateKeyException ex) {
			return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", "todo " + todo.id() + " exists"));
		}
		return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("id", todo.id()));
	}

	/**
	 * Inserts the todo, running the transaction again when the database chose it as a deadlock victim
	 * (MariaDB's gap locks make an insert deadlock with concurrent updates of neighbouring rows), as any
	 * application writing behind Plasma's back should.
	 */
	private void insertRetryingDeadlocks(NewTodo todo) {
		for (int attempt = 1;; attempt++) {
			try {
				this.transaction.executeWithoutResult(
						(status) -> this.jdbc.update(INSERT, todo.id(), todo.text(), System.currentTimeMillis()));
				return;
			}
			catch (PessimisticLockingFailureException ex) {
				if (attempt == ATTEMPTS) {
					throw ex;
				}
			}
		}
	}

	/**
	 * Body of {@code POST /plain/todos}, the same arguments as {@code createTodo}.
	 * @param id the new todo's ID
	 * @param text what to do
	 */
	record NewTodo(String id, String text) {
	}

}

package dev.plasma.sample;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.plasma.mutation.MutationContext;
import dev.plasma.mutation.PlasmaMutator;

/**
 * The todo app's mutators. Each runs inside the transaction Plasma opens for the mutation; Plasma's
 * triggers capture the writes with the mutation's origin. A thrown exception marks the mutation failed
 * (its writes roll back, the client is not wedged).
 */
@Component
class TodoMutators {

	private final JdbcClient jdbc;

	TodoMutators(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@PlasmaMutator("createTodo")
	void createTodo(CreateTodo args, MutationContext context) {
		requireId(args.id());
		if (args.text() == null) {
			throw new IllegalArgumentException("createTodo needs a text");
		}
		this.jdbc.sql("INSERT INTO todos (id, text, done, created_at) VALUES (?, ?, FALSE, ?)")
			.params(args.id(), args.text(), System.currentTimeMillis())
			.update();
	}

	@PlasmaMutator("updateTodo")
	void updateTodo(UpdateTodo args) {
		requireId(args.id());
		if (args.text() != null) {
			this.jdbc.sql("UPDATE todos SET text = ? WHERE id = ?").params(args.text(), args.id()).update();
		}
		if (args.done() != null) {
			this.jdbc.sql("UPDATE todos SET done = ? WHERE id = ?").params(args.done(), args.id()).update();
		}
	}

	@PlasmaMutator("deleteTodo")
	void deleteTodo(DeleteTodo args) {
		requireId(args.id());
		this.jdbc.sql("DELETE FROM todos WHERE id = ?").param(args.id()).update();
	}

	private static void requireId(String id) {
		if (id == null || id.isBlank()) {
			throw new IllegalArgumentException("mutation args need a non-empty id");
		}
	}

	/**
	 * Arguments of {@code createTodo}.
	 * @param id the new todo's ID, chosen by the client
	 * @param text what to do
	 */
	record CreateTodo(String id, String text) {
	}

	/**
	 * Arguments of {@code updateTodo}; absent fields stay as they are.
	 * @param id the todo
	 * @param text the new text, or {@code null}
	 * @param done the new state, or {@code null}
	 */
	record UpdateTodo(String id, String text, Boolean done) {
	}

	/**
	 * Arguments of {@code deleteTodo}.
	 * @param id the todo
	 */
	record DeleteTodo(String id) {
	}

}

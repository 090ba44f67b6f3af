package dev.plasma.sample;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.plasma.mutation.MutationContext;
import dev.plasma.mutation.MutationDeniedException;
import dev.plasma.mutation.PlasmaMutator;

/**
 * The shared todo app's mutators. Each runs inside the transaction Plasma opens for the mutation, as the
 * pushing user ({@link MutationContext#userName()}); Plasma's triggers capture the writes with the
 * mutation's origin. A thrown exception marks the mutation failed (its writes roll back, the client is
 * not wedged); {@link MutationDeniedException} marks it denied, with the same message whether the row is
 * missing or belongs to someone else, so a push never reveals which.
 * <p>
 * {@code attachFile} sets or clears a todo's {@code attachment}, a Plasma file column: Plasma fails the
 * mutation as denied when the user neither uploaded the referenced blob nor may read a row referencing it,
 * when the reference's size or type is not the uploaded blob's or not one the column takes, or when it
 * would replace an attached file by another (the column is immutable: detach first).
 */
@Component
class TodoMutators {

	private final JdbcClient jdbc;

	private final Lists lists;

	private final JsonMapper mapper;

	TodoMutators(JdbcClient jdbc, Lists lists, JsonMapper mapper) {
		this.jdbc = jdbc;
		this.lists = lists;
		this.mapper = mapper;
	}

	@PlasmaMutator("createList")
	void createList(CreateList args, MutationContext context) {
		requireId(args.id());
		if (args.name() == null || args.name().isBlank()) {
			throw new IllegalArgumentException("createList needs a name");
		}
		this.lists.create(args.id(), args.name(), context.userName());
	}

	@PlasmaMutator("shareList")
	void shareList(Share args, MutationContext context) {
		requireOwner(args, context);
		if (!args.userName().equals(context.userName())) {
			this.lists.addMember(args.listId(), args.userName());
		}
	}

	@PlasmaMutator("unshareList")
	void unshareList(Share args, MutationContext context) {
		requireOwner(args, context);
		this.lists.removeMember(args.listId(), args.userName());
	}

	@PlasmaMutator("createTodo")
	void createTodo(CreateTodo args, MutationContext context) {
		requireId(args.id());
		if (args.text() == null) {
			throw new IllegalArgumentException("createTodo needs a text");
		}
		String listId = args.listId();
		if (listId == null) {
			listId = this.lists.inbox(context.userName());
		}
		else if (!this.lists.canWrite(listId, context.userName())) {
			throw new MutationDeniedException("no list '" + listId + "' you may add to");
		}
		this.jdbc.sql("INSERT INTO todos (id, list_id, text, done, created_at) VALUES (?, ?, ?, FALSE, ?)")
			.params(args.id(), listId, args.text(), System.currentTimeMillis())
			.update();
	}

	@PlasmaMutator("updateTodo")
	void updateTodo(UpdateTodo args, MutationContext context) {
		requireWritableTodo(args.id(), context);
		if (args.text() != null) {
			this.jdbc.sql("UPDATE todos SET text = ? WHERE id = ?").params(args.text(), args.id()).update();
		}
		if (args.done() != null) {
			this.jdbc.sql("UPDATE todos SET done = ? WHERE id = ?").params(args.done(), args.id()).update();
		}
	}

	@PlasmaMutator("deleteTodo")
	void deleteTodo(DeleteTodo args, MutationContext context) {
		requireWritableTodo(args.id(), context);
		this.jdbc.sql("DELETE FROM todos WHERE id = ?").param(args.id()).update();
	}

	@PlasmaMutator("attachFile")
	void attachFile(AttachFile args, MutationContext context) {
		requireWritableTodo(args.todoId(), context);
		String reference = (args.file() != null) ? args.file().toJson(this.mapper) : null;
		this.jdbc.sql("UPDATE todos SET attachment = ? WHERE id = ?").params(reference, args.todoId()).update();
	}

	private void requireOwner(Share args, MutationContext context) {
		if (args.listId() == null || args.userName() == null || args.userName().isBlank()) {
			throw new IllegalArgumentException("sharing needs a listId and a userName");
		}
		if (!this.lists.owns(args.listId(), context.userName())) {
			throw new MutationDeniedException("no list '" + args.listId() + "' you own");
		}
	}

	private void requireWritableTodo(String id, MutationContext context) {
		requireId(id);
		String listId = this.jdbc.sql("SELECT list_id FROM todos WHERE id = ?")
			.param(id)
			.query(String.class)
			.optional()
			.orElse(null);
		if (listId == null || !this.lists.canWrite(listId, context.userName())) {
			throw new MutationDeniedException("no todo '" + id + "' you may change");
		}
	}

	private static void requireId(String id) {
		if (id == null || id.isBlank()) {
			throw new IllegalArgumentException("mutation args need a non-empty id");
		}
	}

	/**
	 * Arguments of {@code createList}.
	 * @param id the new list's ID, chosen by the client
	 * @param name its name
	 */
	record CreateList(String id, String name) {
	}

	/**
	 * Arguments of {@code shareList} and {@code unshareList}.
	 * @param listId the list, which the pushing user must own
	 * @param userName the user who gains or loses access
	 */
	record Share(String listId, String userName) {
	}

	/**
	 * Arguments of {@code createTodo}.
	 * @param id the new todo's ID, chosen by the client
	 * @param text what to do
	 * @param listId the list to add it to, or {@code null} for the user's inbox list
	 */
	record CreateTodo(String id, String text, String listId) {
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
	 * Arguments of {@code attachFile}.
	 * @param todoId the todo
	 * @param file the uploaded file to attach, or {@code null} to detach the todo's file
	 */
	record AttachFile(String todoId, FileRef file) {
	}

	/**
	 * Arguments of {@code deleteTodo}.
	 * @param id the todo
	 */
	record DeleteTodo(String id) {
	}

}

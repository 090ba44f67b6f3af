// The client side of the sample app's mutators (TodoMutators.java): same names and arguments, applied
// optimistically to the local Replicache store. The server runs the real ones and decides; its answer
// replaces these guesses on the next pull. Keys follow Plasma's row IDs: `<table>/<primary key>`, a
// composite key's values joined by `/` with `%` and `/` escaped.

const escapeKeyPart = (value) => String(value).replaceAll('%', '%25').replaceAll('/', '%2F');

const listKey = (id) => `lists/${id}`;
const todoKey = (id) => `todos/${id}`;
const memberKey = (listId, userName) => `list_members/${escapeKeyPart(listId)}/${escapeKeyPart(userName)}`;

/** The mutators of a client signed in as `user`. */
export function mutatorsFor(user) {
	return {
		async createList(tx, { id, name }) {
			await tx.set(listKey(id), { id, name, owner: user });
		},
		async shareList(tx, { listId, userName }) {
			const list = await tx.get(listKey(listId));
			if (list && list.owner === user && userName !== user) {
				await tx.set(memberKey(listId, userName), { list_id: listId, user_name: userName });
			}
		},
		async unshareList(tx, { listId, userName }) {
			await tx.del(memberKey(listId, userName));
		},
		async createTodo(tx, { id, text, listId }) {
			await tx.set(todoKey(id), { id, text, done: false, created_at: Date.now(), list_id: listId ?? `inbox-${user}` });
		},
		async updateTodo(tx, { id, text, done }) {
			const todo = await tx.get(todoKey(id));
			if (todo) {
				await tx.set(todoKey(id), { ...todo, ...(text !== undefined ? { text } : {}), ...(done !== undefined ? { done } : {}) });
			}
		},
		async deleteTodo(tx, { id }) {
			await tx.del(todoKey(id));
		},
	};
}

// The sample app's browser UI: sign in as a demo user, see the lists you own or share, their todos, add,
// toggle, edit and delete todos, create and share lists, and see who else is looking at a list. All data
// comes from a Replicache client (subscriptions on its local store); all changes are Replicache mutations,
// pushed to Plasma. Live updates: see realtime.js.
import { Replicache } from 'replicache';
import { mutatorsFor } from './mutators.js';
import { Realtime, Transport } from './realtime.js';

const DEMO_USERS = ['alice', 'bob', 'carol'];
const BASE = document.querySelector('meta[name="plasma-base"]')?.content ?? '/plasma';
const POLL_MS = 2_000; // pull timer while no live transport is up
const SAFETY_PULL_MS = 60_000; // pull timer while pokes arrive
const USER_KEY = 'plasma-sample-user';
const LIST_KEY = 'plasma-sample-list';

const $ = (selector) => document.querySelector(selector);
const basic = (user, password) => `Basic ${btoa(`${user}:${password}`)}`;

/** Creates an element: h('li', {class: 'x', dataset: {testid: 'todo'}, onclick}, child, ...). */
function h(tag, props = {}, ...children) {
	const element = document.createElement(tag);
	for (const [name, value] of Object.entries(props)) {
		if (value === undefined || value === null || value === false) {
			continue;
		}
		if (name === 'dataset') {
			Object.assign(element.dataset, value);
		}
		else if (name.startsWith('on')) {
			element.addEventListener(name.slice(2), value);
		}
		else if (name in element && typeof value !== 'string') {
			element[name] = value;
		}
		else {
			element.setAttribute(name, value === true ? '' : value);
		}
	}
	element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
	return element;
}

function newId() {
	const bytes = crypto.getRandomValues(new Uint8Array(12));
	return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// ------------------------------------------------------------------------------------------------
// Signing in
// ------------------------------------------------------------------------------------------------
function showLogin(message = '') {
	$('#workspace').hidden = true;
	$('#login').hidden = false;
	const error = $('#login-error');
	error.textContent = message;
	error.hidden = message === '';
	const picker = $('#login-users');
	picker.replaceChildren(...DEMO_USERS.map((user, index) => h('label', { class: 'user-choice' },
		h('input', { type: 'radio', name: 'user', value: user, checked: index === 0, dataset: { testid: `login-user-${user}` },
			onchange: () => { $('#login-password').value = user; } }),
		` ${user} `, h('small', {}, `(password: ${user})`))));
	$('#login-password').value = DEMO_USERS[0];
}

async function signIn(event) {
	event.preventDefault();
	const user = new FormData(event.target).get('user');
	const password = $('#login-password').value;
	const authorization = basic(user, password);
	let status;
	try {
		const response = await fetch('/todos', { headers: { Authorization: authorization, 'X-Requested-With': 'XMLHttpRequest' } });
		status = response.status;
	}
	catch (error) {
		showLogin(`The server did not answer: ${error.message}`);
		return;
	}
	if (status !== 200) {
		showLogin(status === 401 ? `Wrong password for ${user}.` : `Signing in failed (HTTP ${status}).`);
		return;
	}
	// Demo only: the credentials live in this tab's session storage. A real app uses sessions or tokens.
	sessionStorage.setItem(USER_KEY, JSON.stringify({ user, authorization }));
	startWorkspace(user, authorization);
}

// ------------------------------------------------------------------------------------------------
// The workspace
// ------------------------------------------------------------------------------------------------
let session = null;

function startWorkspace(user, authorization) {
	$('#login').hidden = true;
	$('#workspace').hidden = false;
	$('#current-user').textContent = user;
	const rep = new Replicache({
		// One local database per user: Plasma refuses a client group that belongs to another user.
		name: `plasma-sample-${user}`,
		pushURL: `${BASE}/replicache/push`,
		pullURL: `${BASE}/replicache/pull`,
		auth: authorization,
		mutators: mutatorsFor(user),
		pullInterval: POLL_MS,
		pushDelay: 10,
		requestOptions: { maxDelayMs: 2_000 }, // after failures, retry at least every 2 s (default 60 s)
		logLevel: 'error',
	});
	rep.onUpdateNeeded = () => window.location.reload();
	rep.onClientStateNotFound = () => window.location.reload();
	rep.onOnlineChange = (online) => {
		$('#sync-status').dataset.online = String(online);
		renderStatus();
	};
	session = {
		user,
		rep,
		data: { lists: [], members: [], todos: [] },
		loaded: false,
		selectedListId: sessionStorage.getItem(LIST_KEY),
		editingId: null,
		editingText: '',
		transport: Transport.CONNECTING,
		transportDetail: '',
		presence: null,
		unsubscribe: [],
	};
	session.realtime = new Realtime({
		base: BASE,
		authorization,
		clientID: rep.clientID,
		onPoke: () => rep.pull(),
		onStatus: (transport, detail) => {
			session.transport = transport;
			session.transportDetail = detail;
			rep.pullInterval = transport === Transport.WEBSOCKET || transport === Transport.SSE ? SAFETY_PULL_MS : POLL_MS;
			renderStatus();
		},
		onPresence: (room, members) => {
			session.presence = members;
			renderPresence();
		},
	});
	session.unsubscribe.push(rep.subscribe(async (tx) => ({
		lists: await tx.scan({ prefix: 'lists/' }).values().toArray(),
		members: await tx.scan({ prefix: 'list_members/' }).values().toArray(),
		todos: await tx.scan({ prefix: 'todos/' }).values().toArray(),
	}), {
		onData: (data) => {
			session.data = data;
			session.loaded = true;
			render();
		},
	}));
	// A pull page cut short leaves this key behind: pull again until it is gone (docs/protocol.md, Paging).
	session.unsubscribe.push(rep.subscribe((tx) => tx.get('plasma:hasMore'), {
		onData: (more) => {
			if (more !== undefined) {
				rep.pull();
			}
		},
	}));
	session.realtime.start();
	selectList(session.selectedListId ?? inboxId());
}

async function signOut() {
	if (session) {
		session.realtime.stop();
		session.unsubscribe.forEach((unsubscribe) => unsubscribe());
		await session.rep.close();
		session = null;
	}
	sessionStorage.removeItem(USER_KEY);
	sessionStorage.removeItem(LIST_KEY);
	showLogin();
}

function selectList(listId) {
	session.selectedListId = listId;
	session.editingId = null;
	if (listId) {
		sessionStorage.setItem(LIST_KEY, listId);
	}
	session.realtime.setRoom(listId ? `lists:${listId}` : null, presenceState());
	render();
}

function presenceState() {
	return { editing: session.editingId };
}

function setEditing(id, text = '') {
	session.editingId = id;
	session.editingText = text;
	session.realtime.updateState(presenceState());
	renderTodos();
	if (id) {
		const input = $('[data-testid="todo-edit-input"]');
		input?.focus();
		input?.select();
	}
}

const mutate = (name, args) => session.rep.mutate[name](args);

// ------------------------------------------------------------------------------------------------
// Rendering (the whole workspace from session.data; cheap for a demo's few rows)
// ------------------------------------------------------------------------------------------------
const byName = (a, b) => (a.name === 'Inbox' ? -1 : b.name === 'Inbox' ? 1 : a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
const byCreation = (a, b) => (a.created_at - b.created_at) || a.id.localeCompare(b.id);

const inboxId = () => `inbox-${session.user}`;

/** The selected list; the user's inbox before the server has created it (the first todo does). */
function selectedList() {
	const id = session.selectedListId;
	return session.data.lists.find((list) => list.id === id)
		?? (id === inboxId() ? { id, name: 'Inbox', owner: session.user } : null);
}

function render() {
	if (!session) {
		return;
	}
	const realSelection = session.data.lists.some((list) => list.id === session.selectedListId);
	const pendingInbox = session.selectedListId === inboxId() && session.data.todos.some((todo) => todo.list_id === inboxId());
	if (session.loaded && !realSelection && !pendingInbox) {
		const first = [...session.data.lists].sort(byName)[0];
		const wanted = first ? first.id : inboxId();
		if (wanted !== session.selectedListId) {
			selectList(wanted);
			return;
		}
	}
	renderLists();
	renderListHeader();
	renderTodos();
	renderPresence();
	renderStatus();
}

function renderStatus() {
	if (!session) {
		return;
	}
	const status = $('#sync-status');
	const labels = {
		[Transport.CONNECTING]: 'Connecting…',
		[Transport.WEBSOCKET]: 'Live (WebSocket)',
		[Transport.SSE]: 'Live (server-sent events)',
		[Transport.POLLING]: `Polling every ${POLL_MS / 1000} s`,
	};
	status.dataset.transport = session.transport;
	const offline = status.dataset.online === 'false';
	status.textContent = offline ? 'Offline: changes are kept and sent when the server answers again' : labels[session.transport];
	status.title = session.transportDetail;
}

function renderLists() {
	const lists = [...session.data.lists].sort(byName);
	$('#lists').replaceChildren(...lists.map((list) => {
		const current = list.id === session.selectedListId;
		const shared = list.owner !== session.user ? ` (shared by ${list.owner})` : '';
		return h('li', {},
			h('button', { type: 'button', class: 'list-button', 'aria-current': current ? 'true' : false,
				dataset: { testid: 'list-item', listId: list.id }, onclick: () => selectList(list.id) },
			list.name, h('small', {}, shared)));
	}));
	$('#no-lists').hidden = lists.length > 0;
}

function renderListHeader() {
	const list = selectedList();
	$('#list-title').textContent = list ? list.name : 'Inbox';
	const owner = list?.owner ?? session.user;
	const isOwner = owner === session.user;
	const members = session.data.members
		.filter((member) => member.list_id === session.selectedListId)
		.map((member) => member.user_name)
		.sort();
	$('#list-owner').textContent = isOwner ? 'You own this list.' : `Owned by ${owner}.`;
	$('#list-members').replaceChildren(...(members.length === 0
		? [h('li', { class: 'muted' }, 'Not shared with anyone.')]
		: members.map((member) => h('li', { dataset: { testid: 'list-member', user: member } }, member,
			isOwner ? h('button', { type: 'button', class: 'link', 'aria-label': `Stop sharing with ${member}`,
				dataset: { testid: 'unshare' }, onclick: () => mutate('unshareList', { listId: session.selectedListId, userName: member }) }, 'remove') : null))));
	const shareForm = $('#share-form');
	shareForm.hidden = !isOwner || !list;
	const candidates = DEMO_USERS.filter((user) => user !== owner && !members.includes(user));
	const select = $('#share-user');
	const previous = select.value;
	select.replaceChildren(...candidates.map((user) => h('option', { value: user }, user)));
	if (candidates.includes(previous)) {
		select.value = previous;
	}
	$('#share-button').disabled = candidates.length === 0;
}

function renderTodos() {
	const listId = session.selectedListId;
	const todos = session.data.todos.filter((todo) => todo.list_id === listId).sort(byCreation);
	const open = todos.filter((todo) => !todo.done).length;
	$('#todo-count').textContent = todos.length === 0 ? 'Nothing to do.' : `${open} of ${todos.length} open`;
	$('#todos').replaceChildren(...todos.map((todo) => (todo.id === session.editingId ? editRow(todo) : todoRow(todo))));
	if (session.editingId && !todos.some((todo) => todo.id === session.editingId)) {
		session.editingId = null;
	}
}

function todoRow(todo) {
	const checkboxId = `done-${todo.id}`;
	return h('li', { class: todo.done ? 'todo done' : 'todo', dataset: { testid: 'todo', todoId: todo.id, done: String(todo.done) } },
		h('input', { type: 'checkbox', id: checkboxId, checked: todo.done, dataset: { testid: 'todo-toggle' },
			onchange: (event) => mutate('updateTodo', { id: todo.id, done: event.target.checked }) }),
		h('label', { for: checkboxId, dataset: { testid: 'todo-text' } }, todo.text),
		h('button', { type: 'button', class: 'link', 'aria-label': `Edit "${todo.text}"`, dataset: { testid: 'todo-edit' },
			onclick: () => setEditing(todo.id, todo.text) }, 'Edit'),
		h('button', { type: 'button', class: 'link danger', 'aria-label': `Delete "${todo.text}"`, dataset: { testid: 'todo-delete' },
			onclick: () => mutate('deleteTodo', { id: todo.id }) }, 'Delete'));
}

function editRow(todo) {
	const focused = document.activeElement?.dataset?.testid === 'todo-edit-input';
	const input = h('input', { type: 'text', value: session.editingText, required: true, maxlength: '1000',
		'aria-label': 'Todo text', dataset: { testid: 'todo-edit-input' },
		oninput: (event) => { session.editingText = event.target.value; } });
	const row = h('li', { class: 'todo editing', dataset: { testid: 'todo', todoId: todo.id, done: String(todo.done) } },
		h('form', { dataset: { testid: 'todo-edit-form' }, onsubmit: (event) => {
			event.preventDefault();
			const text = session.editingText.trim();
			if (text !== '' && text !== todo.text) {
				mutate('updateTodo', { id: todo.id, text });
			}
			setEditing(null);
		} },
		input,
		h('button', { type: 'submit', dataset: { testid: 'todo-save' } }, 'Save'),
		h('button', { type: 'button', class: 'link', onclick: () => setEditing(null) }, 'Cancel')));
	if (focused) {
		queueMicrotask(() => input.focus());
	}
	return row;
}

function renderPresence() {
	if (!session) {
		return;
	}
	const members = session.presence;
	const status = $('#presence-status');
	const list = $('#presence-members');
	if (members === null) {
		status.textContent = 'Presence unavailable: no live connection to the server.';
		status.dataset.available = 'false';
		list.replaceChildren();
		return;
	}
	status.dataset.available = 'true';
	const others = members.filter((member) => member.clientID !== session.rep.clientID);
	status.textContent = others.length === 0 ? 'Nobody else is looking at this list.' : `${others.length} other${others.length === 1 ? '' : 's'} here.`;
	const todoText = (id) => session.data.todos.find((todo) => todo.id === id)?.text;
	list.replaceChildren(...members.map((member) => {
		const you = member.clientID === session.rep.clientID;
		const editing = member.state?.editing ? todoText(member.state.editing) : undefined;
		return h('li', { dataset: { testid: 'presence-member', user: member.user, self: String(you) } },
			h('span', { class: 'avatar', 'aria-hidden': 'true' }, String(member.user ?? '?').slice(0, 1).toUpperCase()),
			` ${member.user}${you ? ' (you)' : ''}`,
			editing ? h('small', {}, ` editing "${editing}"`) : null);
	}));
}

// ------------------------------------------------------------------------------------------------
// Forms
// ------------------------------------------------------------------------------------------------
/** On submit of a one-field form: clears the field and calls handler with its trimmed text, unless empty. */
function onTextSubmit(formSelector, inputSelector, handler) {
	$(formSelector).addEventListener('submit', async (event) => {
		event.preventDefault();
		const input = $(inputSelector);
		const text = input.value.trim();
		if (text !== '') {
			input.value = '';
			await handler(text);
		}
	});
}

function wireForms() {
	$('#login-form').addEventListener('submit', signIn);
	$('#sign-out').addEventListener('click', signOut);
	onTextSubmit('#new-list-form', '#new-list-name', async (name) => {
		const id = `list-${newId()}`;
		await mutate('createList', { id, name });
		selectList(id);
	});
	onTextSubmit('#new-todo-form', '#new-todo-text', async (text) => {
		const listId = session.selectedListId;
		// Without listId the server puts the todo in the user's inbox, creating the list on first use.
		await mutate('createTodo', { id: newId(), text, ...(listId === inboxId() ? {} : { listId }) });
	});
	$('#share-form').addEventListener('submit', (event) => {
		event.preventDefault();
		const userName = $('#share-user').value;
		if (userName) {
			mutate('shareList', { listId: session.selectedListId, userName });
		}
	});
	window.addEventListener('online', () => session?.rep.pull());
}

function main() {
	wireForms();
	const saved = sessionStorage.getItem(USER_KEY);
	if (saved) {
		const { user, authorization } = JSON.parse(saved);
		startWorkspace(user, authorization);
	}
	else {
		showLogin();
	}
	document.body.dataset.ready = 'true';
}

main();

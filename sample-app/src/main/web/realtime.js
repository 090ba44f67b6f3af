// Live updates from the server: pokes ("something you may read changed, pull now") and presence ("who
// else is looking at this list"). Tries, in order:
//   1. a WebSocket at {base}/ws, with a short-lived token from POST {base}/ws-token (browsers cannot set
//      an Authorization header on a WebSocket): pokes and presence;
//   2. Server-Sent Events at GET {base}/poke, read through fetch so that the request carries the
//      Authorization header (EventSource cannot): pokes only;
//   3. polling: the caller pulls on a short timer. Presence is unavailable.
// A live transport that drops is re-established with backoff; from polling the whole chain is retried
// every RETRY_LIVE_MS.

const CONNECT_TIMEOUT_MS = 5_000;
const RETRY_LIVE_MS = 20_000;
const MAX_BACKOFF_MS = 15_000;
const MAX_REJOINS = 10;

/** Transports, in the order they are tried. */
export const Transport = Object.freeze({ CONNECTING: 'connecting', WEBSOCKET: 'websocket', SSE: 'sse', POLLING: 'polling' });

export class Realtime {
	#base;
	#authorization;
	#clientID;
	#onPoke;
	#onStatus;
	#onPresence;
	#socket = null;
	#sseAbort = null;
	#lastEventId = null;
	#room = null;
	#state = {};
	#stopped = false;
	#retryTimer = null;
	#backoffMs = 500;
	#rejoinTimer = null;
	#rejoins = 0;

	/**
	 * @param {object} options
	 * @param {string} options.base the sync base path, e.g. "/plasma"
	 * @param {string} options.authorization the Authorization header value
	 * @param {string} options.clientID this Replicache client's ID, sent with presence
	 * @param {(version: number|undefined) => void} options.onPoke called on every poke
	 * @param {(transport: string, detail: string) => void} options.onStatus called when the transport changes
	 * @param {(room: string|null, members: Array|null) => void} options.onPresence called with the room's
	 *   members, or with null members when presence is unavailable
	 */
	constructor({ base, authorization, clientID, onPoke, onStatus, onPresence }) {
		this.#base = base;
		this.#authorization = authorization;
		this.#clientID = clientID;
		this.#onPoke = onPoke;
		this.#onStatus = onStatus;
		this.#onPresence = onPresence;
	}

	start() {
		this.#connect();
	}

	stop() {
		this.#stopped = true;
		clearTimeout(this.#retryTimer);
		clearTimeout(this.#rejoinTimer);
		this.#closeSocket();
		this.#sseAbort?.abort();
	}

	/** Joins the room (leaving the previous one) with the given presence state; null leaves. */
	setRoom(room, state = {}) {
		if (room === this.#room) {
			return;
		}
		if (this.#room !== null) {
			this.#send({ type: 'leave', room: this.#room });
		}
		this.#room = room;
		this.#state = state;
		this.#rejoins = 0;
		clearTimeout(this.#rejoinTimer);
		this.#onPresence(room, this.#socket ? [] : null);
		this.#join();
	}

	/** Replaces this client's presence state in the current room. */
	updateState(state) {
		this.#state = state;
		if (this.#room !== null) {
			this.#send({ type: 'update', room: this.#room, state });
		}
	}

	async #connect() {
		if (this.#stopped) {
			return;
		}
		this.#onStatus(Transport.CONNECTING, 'connecting');
		const reasons = [];
		try {
			await this.#openWebSocket();
			return;
		}
		catch (error) {
			reasons.push(`WebSocket: ${error.message}`);
		}
		try {
			await this.#openEventStream();
			return;
		}
		catch (error) {
			reasons.push(`SSE: ${error.message}`);
		}
		if (this.#stopped) {
			return;
		}
		this.#onStatus(Transport.POLLING, reasons.join('; '));
		this.#onPresence(this.#room, null);
		this.#retryTimer = setTimeout(() => this.#connect(), RETRY_LIVE_MS);
	}

	#reconnectLater() {
		if (this.#stopped) {
			return;
		}
		this.#onStatus(Transport.POLLING, 'live connection lost; reconnecting');
		this.#onPresence(this.#room, null);
		clearTimeout(this.#retryTimer);
		this.#retryTimer = setTimeout(() => this.#connect(), this.#backoffMs);
		this.#backoffMs = Math.min(this.#backoffMs * 2, MAX_BACKOFF_MS);
	}

	#headers(extra = {}) {
		// X-Requested-With: a failed login answers a bare 401, not a browser password dialog.
		return { Authorization: this.#authorization, 'X-Requested-With': 'XMLHttpRequest', ...extra };
	}

	async #openWebSocket() {
		const response = await fetch(`${this.#base}/ws-token`, {
			method: 'POST',
			headers: this.#headers(),
			signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS),
		});
		if (!response.ok) {
			throw new Error(`POST ${this.#base}/ws-token answered ${response.status}`);
		}
		const { token } = await response.json();
		if (typeof token !== 'string' || token === '') {
			throw new Error('no token in the ws-token answer');
		}
		const url = new URL(`${this.#base}/ws`, window.location.href);
		url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
		url.searchParams.set('token', token);
		const socket = await new Promise((resolve, reject) => {
			const ws = new WebSocket(url);
			const timer = setTimeout(() => {
				ws.close();
				reject(new Error('no connection within 5 s'));
			}, CONNECT_TIMEOUT_MS);
			ws.onopen = () => {
				clearTimeout(timer);
				resolve(ws);
			};
			ws.onerror = () => {
				clearTimeout(timer);
				reject(new Error('the connection failed'));
			};
		});
		this.#socket = socket;
		this.#backoffMs = 500;
		socket.onmessage = (event) => this.#receive(event.data);
		socket.onerror = () => socket.close();
		socket.onclose = () => {
			if (this.#socket === socket) {
				this.#socket = null;
				this.#reconnectLater();
			}
		};
		this.#onStatus(Transport.WEBSOCKET, 'live');
		this.#onPresence(this.#room, []);
		this.#join();
		this.#onPoke(undefined); // catch up with what changed while connecting
	}

	#receive(data) {
		let message;
		try {
			message = JSON.parse(data);
		}
		catch {
			return;
		}
		if (message.type === 'poke') {
			this.#onPoke(message.version);
		}
		else if (message.type === 'presence' && message.room === this.#room) {
			this.#rejoins = 0;
			this.#onPresence(message.room, Array.isArray(message.members) ? message.members : []);
		}
		else if (message.type === 'error' && message.error === 'Forbidden' && message.room === this.#room) {
			this.#rejoinLater();
		}
		else if (message.type === 'error') {
			console.warn('realtime error from the server', message);
		}
	}

	// A list this client just created is not on the server until its push lands: the server refuses to let
	// anyone join its room until then (it cannot tell "not yet" from "not yours"), so try again a few times.
	#rejoinLater() {
		if (this.#rejoins >= MAX_REJOINS) {
			return;
		}
		const delay = Math.min(250 * 2 ** this.#rejoins, 4_000);
		this.#rejoins += 1;
		clearTimeout(this.#rejoinTimer);
		this.#rejoinTimer = setTimeout(() => this.#join(), delay);
	}

	#join() {
		if (this.#room !== null) {
			this.#send({ type: 'join', room: this.#room, clientID: this.#clientID, state: this.#state });
		}
	}

	#send(message) {
		if (this.#socket?.readyState === WebSocket.OPEN) {
			this.#socket.send(JSON.stringify(message));
		}
	}

	#closeSocket() {
		const socket = this.#socket;
		this.#socket = null;
		socket?.close();
	}

	async #openEventStream() {
		const abort = new AbortController();
		const timer = setTimeout(() => abort.abort(), CONNECT_TIMEOUT_MS);
		const headers = this.#headers({ Accept: 'text/event-stream', ...(this.#lastEventId ? { 'Last-Event-ID': this.#lastEventId } : {}) });
		let response;
		try {
			response = await fetch(`${this.#base}/poke`, { headers, cache: 'no-store', signal: abort.signal });
		}
		finally {
			clearTimeout(timer);
		}
		if (!response.ok || !(response.headers.get('Content-Type') ?? '').startsWith('text/event-stream')) {
			abort.abort();
			throw new Error(`GET ${this.#base}/poke answered ${response.status} ${response.headers.get('Content-Type') ?? ''}`.trim());
		}
		this.#sseAbort = abort;
		this.#backoffMs = 500;
		this.#onStatus(Transport.SSE, 'live');
		this.#onPresence(this.#room, null);
		this.#onPoke(undefined);
		this.#readEvents(response.body, abort).then(() => {
			if (this.#sseAbort === abort) {
				this.#sseAbort = null;
				this.#reconnectLater();
			}
		});
	}

	async #readEvents(body, abort) {
		const reader = body.pipeThrough(new TextDecoderStream()).getReader();
		let buffer = '';
		try {
			for (;;) {
				const { value, done } = await reader.read();
				if (done) {
					return;
				}
				buffer += value;
				const blocks = buffer.split(/\r?\n\r?\n/);
				buffer = blocks.pop();
				blocks.forEach((block) => this.#dispatchEvent(block));
			}
		}
		catch {
			abort.abort();
		}
	}

	#dispatchEvent(block) {
		let type = 'message';
		let data = '';
		for (const line of block.split(/\r?\n/)) {
			const colon = line.indexOf(':');
			if (colon === 0) {
				continue; // a comment (heartbeat)
			}
			const field = colon < 0 ? line : line.slice(0, colon);
			const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
			if (field === 'event') {
				type = value;
			}
			else if (field === 'data') {
				data += data === '' ? value : `\n${value}`;
			}
			else if (field === 'id') {
				this.#lastEventId = value;
			}
		}
		if (type === 'poke') {
			let version;
			try {
				version = JSON.parse(data).version;
			}
			catch {
				version = undefined;
			}
			this.#onPoke(version);
		}
	}
}

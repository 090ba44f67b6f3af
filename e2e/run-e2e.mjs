#!/usr/bin/env node
// End-to-end test of Plasma with the real, unmodified Replicache client (v15.3.0).
//
// 1. Builds (unless --no-build) and starts sample-app as a real process on a free loopback port, against
//    H2 (in memory), PostgreSQL or MariaDB (a database dropped and re-created for every run), waits for
//    /actuator/health UP, and always stops it at the end.
// 2. Runs many Replicache clients in this process, several per client group, the groups spread over the
//    demo users alice, bob and carol (HTTP Basic on every request), each making random
//    createTodo/updateTodo/deleteTodo mutations in its inbox and a list alice shares (some on contested IDs,
//    some on todos its user may not write or that were deleted meanwhile: those fail on the server).
//    Meanwhile todos are written behind Plasma's back: plain JdbcTemplate inserts through the sample
//    app's POST /plain/todos (when the build has it), and on PostgreSQL and MariaDB psql or mariadb sessions (single statements
//    and transactions that stay open for seconds).
// 3. Lets everyone settle (push, pull, until no mutation is pending), then asserts that every client's
//    todos/ keys equal the rows it should hold exactly: all todos (GET /todos as admin), or, when the server
//    filters per user (read rules; detected by a probe, or --per-user-views on|off), GET /todos as its user.
// 4. Checks wire-level facts on every sync request the clients made, a few protocol facts over raw fetch
//    (cookie that does not move, VersionNotSupported, exactly-once on a re-sent mutation), 401 and 403,
//    getAuth with a real client, sharing and unsharing with real clients (read rules only, else SKIPPED),
//    files (an attachment uploaded, attached through Replicache, downloaded by a list member only, an
//    interrupted upload resumed with HEAD + PATCH, the file of a deleted todo collected; read rules only),
//    and, in a second short app run with a retention of seconds, ClientStateNotFound for a deleted group.
//
// With --timing it measures instead: --clients N clients, each its own client group, make --mutations M
// mutations each at once; the figure is the time from the first mutation until every client holds exactly
// the database's todos. Only wrong convergence fails the run; the time is printed, never judged.
//
// Usage: node run-e2e.mjs --db h2|postgresql|mariadb [--no-build] [--seed N] [--groups N] [--clients-per-group N]
//        [--mutations N] [--max-changes N] [--settle-seconds N] [--jar PATH] [--pg-database NAME]
//        [--mariadb-database NAME] [--per-user-views auto|on|off] [--skip-lifecycle] [--timing [--clients N]]
// Ends with a line "e2e-<db>: N passed, M failed[, K skipped (...)]"; exit code 0 only when nothing failed.

import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';

import { checkRecorder, freePort } from './support.mjs';

// Replicache hangs one abort listener per pending request on a shared signal; 8 clients exceed Node's default of 10.
setMaxListeners(200);

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');

// ------------------------------------------------------------------------------------------------
// Options
// ------------------------------------------------------------------------------------------------
const { values: opts } = parseArgs({
	options: {
		db: { type: 'string', default: 'h2' },
		'no-build': { type: 'boolean', default: false },
		seed: { type: 'string' },
		groups: { type: 'string', default: '4' },
		'clients-per-group': { type: 'string', default: '2' },
		mutations: { type: 'string', default: '40' },
		'max-changes': { type: 'string' },
		'settle-seconds': { type: 'string', default: '45' },
		jar: { type: 'string', default: path.join(REPO, 'sample-app/target/sample-app-0.1.0-SNAPSHOT.jar') },
		'pg-database': { type: 'string', default: process.env.PLASMA_E2E_PG_DB ?? 'plasma_e2e' },
		'mariadb-database': { type: 'string', default: process.env.PLASMA_E2E_MARIADB_DB ?? 'plasma_e2e' },
		timing: { type: 'boolean', default: false },
		clients: { type: 'string', default: '20' },
		'per-user-views': { type: 'string', default: 'auto' },
		'skip-lifecycle': { type: 'boolean', default: false },
	},
	strict: true,
});
const DB = opts.db;
if (DB !== 'h2' && DB !== 'postgresql' && DB !== 'mariadb') {
	console.error(`--db must be h2, postgresql or mariadb, got ${DB}`);
	process.exit(2);
}
const PER_USER_OPTION = opts['per-user-views'];
if (!['auto', 'on', 'off'].includes(PER_USER_OPTION)) {
	console.error(`--per-user-views must be auto, on or off, got ${PER_USER_OPTION}`);
	process.exit(2);
}
const GROUPS = Number(opts.groups);
const CLIENTS_PER_GROUP = Number(opts['clients-per-group']);
const MUTATIONS_PER_CLIENT = Number(opts.mutations);
const TIMING = opts.timing;
const TIMING_CLIENTS = Number(opts.clients);
// The checks page with 50 changes a pull; timing runs keep the app's default unless told.
const MAX_CHANGES = opts['max-changes'] !== undefined ? Number(opts['max-changes']) : TIMING ? null : 50;
const SEED = opts.seed !== undefined ? Number(opts.seed) : Math.floor(Math.random() * 2 ** 31);
const RUN_ID = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

const PG_HOST = process.env.PLASMA_E2E_PG_HOST ?? '127.0.0.1';
const PG_PORT = process.env.PLASMA_E2E_PG_PORT ?? '5432';
const PG_USER = process.env.PLASMA_E2E_PG_USER ?? 'postgres';
const PG_DB = opts['pg-database'];
const MARIADB_HOST = process.env.PLASMA_E2E_MARIADB_HOST ?? '127.0.0.1';
const MARIADB_PORT = process.env.PLASMA_E2E_MARIADB_PORT ?? '3306';
const MARIADB_DB = opts['mariadb-database'];
for (const name of [PG_DB, MARIADB_DB]) {
	if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
		console.error(`database names must be lower-case SQL identifiers, got ${name}`);
		process.exit(2);
	}
}

// How raw SQL reaches the server database behind the app's back: psql on PostgreSQL, the mariadb client on
// MariaDB (on H2, an in-memory database inside the app's JVM, nothing from outside can).
const SQL = DB === 'mariadb'
	? {
		client: 'mariadb',
		args: ['-h', MARIADB_HOST, '-P', MARIADB_PORT, '-uroot', '-N', '-B', '-n', '--force', MARIADB_DB],
		echo: (marker) => `SELECT '${marker}';`,
		// MariaDB neither updates a table it selects from in a subquery nor takes LIMIT inside IN: a derived table does both.
		pick: (n) => `(SELECT id FROM (SELECT id FROM todos ORDER BY RAND() LIMIT ${n}) pick)`,
		sleep: (seconds) => `SELECT SLEEP(${seconds});`,
		// A deadlock aborts the statement of a raw session, as it would any application's: not a Plasma failure.
		failure: (line) => /^ERROR/.test(line) && !/^ERROR 1213/.test(line),
	}
	: {
		client: 'psql',
		args: ['-X', '-q', '-h', PG_HOST, '-p', PG_PORT, '-U', PG_USER, '-d', PG_DB],
		echo: (marker) => `\\echo ${marker}`,
		pick: (n) => `(SELECT id FROM todos ORDER BY random() LIMIT ${n})`,
		sleep: (seconds) => `SELECT pg_sleep(${seconds});`,
		failure: (line) => /ERROR|FATAL/.test(line),
	};

const HEALTH_TIMEOUT_MS = 150_000; // the app starts in 5-30 s; this machine can be busy
const WORKLOAD_TIMEOUT_MS = 60_000;
const SETTLE_TIMEOUT_MS = Number(opts['settle-seconds']) * 1000;
// Whole run, build excluded; the client-lifecycle check starts the app a second time.
const WATCHDOG_MS = 195_000 + SETTLE_TIMEOUT_MS + (opts.timing || opts['skip-lifecycle'] ? 0 : 180_000);

const LOG_DIR = path.join(HERE, 'logs');
fs.mkdirSync(LOG_DIR, { recursive: true });
const MAIN_LOG = path.join(LOG_DIR, `app-${DB}.log`);
// The log of the app run going on: the main run, then the short client-lifecycle run.
let APP_LOG = MAIN_LOG;

const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const log = (...args) => console.log(`[e2e ${DB} ${elapsed()}]`, ...args);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Seeded PRNG (mulberry32), so a failing run can be replayed with --seed.
function rng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
const random = rng(SEED);

// The sample app's demo users (HTTP Basic, password = name). Simulated clients are spread over the three
// list users; admin reads the database truth (GET /todos answers admin with every todo) and the Actuator.
const USERS = ['alice', 'bob', 'carol'];
const basic = (user, password = user) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
// Every list todo of the run lives in the users' inboxes (inbox-<user>, made by createTodo without listId) or
// in one list alice owns and shares with bob and carol (carol's membership is toggled during the workload).
const SHARED_LIST = `shared-${RUN_ID}`;
const LIST_IDS = [SHARED_LIST, ...USERS.map((user) => `inbox-${user}`)];
// What each client must hold after settling. Without read rules every client receives every row: the
// expected view of every user is "all todos" (GET /todos as admin). With read rules (partial sync) a client
// receives the todos of the lists its user owns or is a member of, exactly what GET /todos answers that user.
// Decided once per run by --per-user-views, or (auto) by a probe before the workload; see detectViews().
let perUserViews = false;
const pick = (items) => items[Math.floor(random() * items.length)];
const randomText = (prefix) => `${prefix} ${Math.floor(random() * 1e9).toString(36)}`;

// ------------------------------------------------------------------------------------------------
// Results
// ------------------------------------------------------------------------------------------------
const { results, check } = checkRecorder();

// ------------------------------------------------------------------------------------------------
// The app process: always stopped, whatever happens
// ------------------------------------------------------------------------------------------------
let app = null;
let appExited = false;

function killAppNow() {
	if (app && !appExited) {
		try {
			process.kill(app.pid, 'SIGKILL');
		}
		catch {
			// already gone
		}
	}
}
process.on('exit', killAppNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.on(signal, () => {
		console.error(`[e2e] ${signal}: stopping the app`);
		killAppNow();
		process.exit(130);
	});
}
const watchdog = setTimeout(() => {
	console.error(`[e2e] watchdog: the run took more than ${WATCHDOG_MS / 1000}s; stopping`);
	dumpAppLog();
	finish(true);
}, WATCHDOG_MS);
watchdog.unref();

async function stopApp() {
	if (!app || appExited) {
		return;
	}
	app.kill('SIGTERM');
	const deadline = Date.now() + 15_000;
	while (!appExited && Date.now() < deadline) {
		await sleep(100);
	}
	killAppNow();
}

function dumpAppLog(lines = 60) {
	try {
		const text = fs.readFileSync(APP_LOG, 'utf8').split('\n');
		console.log(`----- last ${lines} lines of ${path.relative(REPO, APP_LOG)} -----`);
		console.log(text.slice(-lines).join('\n'));
		console.log('----- end of app log -----');
	}
	catch {
		// no log yet
	}
}

function appLogProblems() {
	try {
		return fs
			.readFileSync(APP_LOG, 'utf8')
			.split('\n')
			.filter((line) => / (WARN|ERROR) /.test(line) || /Exception/.test(line))
			// Expected: the contested creates that lose the race fail on the primary key.
			.filter((line) => !/mutation ["']createTodo["'] .* failed and was skipped: org\.springframework\.dao\.DuplicateKeyException/.test(line));
	}
	catch {
		return [];
	}
}

let finished = false;
function finish(forceFail = false) {
	if (finished) {
		return;
	}
	finished = true;
	if (forceFail) {
		results.push({ name: 'run finished within the watchdog', ok: false });
	}
	killAppNow();
	const passed = results.filter((r) => r.ok).length;
	const failed = results.length - passed;
	if (failed > 0) {
		console.log(`\nFailed checks:\n${results.filter((r) => !r.ok).map((r) => `  - ${r.name}`).join('\n')}`);
		console.log(`App log: ${APP_LOG}`);
	}
	const skippedNote = skipped.length > 0 ? `, ${skipped.length} skipped (${skipped.join('; ')})` : '';
	console.log(`\ne2e-${DB}: ${passed} passed, ${failed} failed${skippedNote}`);
	process.exit(failed > 0 || results.length === 0 ? 1 : 0);
}

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { encoding: 'utf8', ...options });
	if (result.error) {
		throw new Error(`${command} could not run: ${result.error.message}`);
	}
	return result;
}

function psql(sql, database = PG_DB) {
	return run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', PG_HOST, '-p', PG_PORT, '-U', PG_USER, '-d', database, '-c', sql]);
}

// Runs a SQL script with the database's client asynchronously (raw writes made while the clients run).
function sqlAsync(sql) {
	return new Promise((resolve) => {
		const args = DB === 'mariadb' ? SQL.args.filter((arg) => arg !== '--force') : ['-v', 'ON_ERROR_STOP=1', ...SQL.args];
		const child = spawn(SQL.client, args, { stdio: ['pipe', 'ignore', 'pipe'] });
		let stderr = '';
		child.stderr.on('data', (chunk) => {
			stderr += chunk;
		});
		child.on('error', (error) => resolve({ ok: false, stderr: error.message }));
		child.on('close', (code) => resolve({ ok: code === 0, stderr }));
		child.stdin.end(sql);
	});
}

function build() {
	log('building sample-app: mvn -q -o -pl sample-app -am package -Dmaven.test.skip=true');
	let result = run('mvn', ['-q', '-o', '-B', '-Dstyle.color=never', '-pl', 'sample-app', '-am', 'package', '-Dmaven.test.skip=true'], { cwd: REPO, stdio: 'inherit' });
	if (result.status !== 0) {
		log('the offline build failed; retrying once without -o');
		result = run('mvn', ['-q', '-B', '-Dstyle.color=never', '-pl', 'sample-app', '-am', 'package', '-Dmaven.test.skip=true'], { cwd: REPO, stdio: 'inherit' });
	}
	if (result.status !== 0) {
		throw new Error(`building sample-app failed (exit ${result.status})`);
	}
}

function prepareDatabase() {
	if (DB === 'mariadb') {
		const sql = `DROP DATABASE IF EXISTS ${MARIADB_DB}; CREATE DATABASE ${MARIADB_DB}`;
		const result = run('mariadb', ['-h', MARIADB_HOST, '-P', MARIADB_PORT, '-uroot', '-e', sql]);
		if (result.status !== 0) {
			throw new Error(`MariaDB on ${MARIADB_HOST}:${MARIADB_PORT}: "${sql}" failed: ${result.stderr}`);
		}
		log(`MariaDB database ${MARIADB_DB} dropped and created empty`);
		return [
			'--spring.profiles.active=mariadb',
			`--spring.datasource.url=jdbc:mariadb://${MARIADB_HOST}:${MARIADB_PORT}/${MARIADB_DB}`,
			'--spring.datasource.username=root',
		];
	}
	if (DB !== 'postgresql') {
		return [];
	}
	const ready = run('pg_isready', ['-q', '-h', PG_HOST, '-p', PG_PORT, '-t', '5']);
	if (ready.status !== 0) {
		throw new Error(`PostgreSQL is not answering on ${PG_HOST}:${PG_PORT}`);
	}
	for (const sql of [`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`, `CREATE DATABASE ${PG_DB}`]) {
		const result = psql(sql, 'postgres');
		if (result.status !== 0) {
			throw new Error(`psql "${sql}" failed: ${result.stderr}`);
		}
	}
	log(`PostgreSQL database ${PG_DB} dropped and created empty`);
	return [
		'--spring.profiles.active=postgresql',
		`--spring.datasource.url=jdbc:postgresql://${PG_HOST}:${PG_PORT}/${PG_DB}`,
		`--spring.datasource.username=${PG_USER}`,
	];
}

async function startApp(port, extraArgs, logFile = MAIN_LOG) {
	APP_LOG = logFile;
	app = null;
	appExited = false;
	stopping = false;
	if (!fs.existsSync(opts.jar)) {
		throw new Error(`${opts.jar} does not exist: build it (drop --no-build)`);
	}
	// Run a private copy: a concurrent Maven build may rewrite sample-app/target while the app runs.
	const jar = path.join(LOG_DIR, `sample-app-${DB}.jar`);
	fs.copyFileSync(opts.jar, jar);
	const args = ['-Xmx512m', '-jar', jar, `--server.port=${port}`, '--server.address=127.0.0.1',
		...(MAX_CHANGES !== null ? [`--plasma.pull.max-changes=${MAX_CHANGES}`] : []), ...extraArgs];
	log(`starting: java ${args.join(' ')}`);
	const out = fs.openSync(APP_LOG, 'w');
	app = spawn('java', args, { cwd: REPO, stdio: ['ignore', out, out] });
	fs.closeSync(out);
	app.on('exit', (code, signal) => {
		appExited = true;
		if (!finished && !stopping) {
			log(`the app exited unexpectedly (code ${code}, signal ${signal})`);
		}
	});
	const base = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + HEALTH_TIMEOUT_MS;
	let last = 'no answer';
	while (Date.now() < deadline) {
		if (appExited) {
			throw new Error('the app exited before it was healthy');
		}
		try {
			const response = await fetchRaw(`${base}/actuator/health`, { signal: AbortSignal.timeout(2000) });
			const body = await response.json();
			last = `${response.status} ${body.status}`;
			if (response.status === 200 && body.status === 'UP') {
				return base;
			}
		}
		catch (error) {
			last = error.message;
		}
		await sleep(250);
	}
	throw new Error(`the app was not healthy within ${HEALTH_TIMEOUT_MS / 1000}s (last: ${last})`);
}
let stopping = false;

// ------------------------------------------------------------------------------------------------
// Wire recording: every sync request the Replicache clients make goes through this fetch wrapper
// ------------------------------------------------------------------------------------------------
const fetchRaw = globalThis.fetch.bind(globalThis);
const wire = {
	pushes: 0,
	pulls: 0,
	statuses: {},
	nonOk: [], // first few requests answered with something else than a 200 without an error field
	cookieViolations: [],
	maxConfirmed: new Map(), // clientID -> highest lastMutationIDChanges value seen
	pullPatchOps: 0,
	movingPulls: 0, // pulls whose cookie moved
	lastOrder: new Map(), // clientGroupID -> cookie order of the latest pull response
	// Every answer that was not a plain 200 (401, 403, protocol errors), for the checks that provoke them.
	errors: [], // {kind, group, status, error}
};
globalThis.fetch = async (input, init) => {
	const url = typeof input === 'string' ? input : input.url;
	if (!url.includes('/replicache/')) {
		return fetchRaw(input, init);
	}
	const kind = url.endsWith('/push') ? 'push' : 'pull';
	// Replicache 15 calls fetch(new Request(url, {body: JSON.stringify(request), ...})).
	const requestText = input instanceof Request ? await input.clone().text() : String(init?.body ?? '');
	const response = await fetchRaw(input, init);
	const responseText = await response.clone().text();
	wire[kind === 'push' ? 'pushes' : 'pulls']++;
	wire.statuses[`${kind} ${response.status}`] = (wire.statuses[`${kind} ${response.status}`] ?? 0) + 1;
	let body = null;
	try {
		body = JSON.parse(responseText);
	}
	catch {
		// recorded below
	}
	if (response.status !== 200 || body === null || body.error !== undefined) {
		let group = null;
		try {
			group = JSON.parse(requestText).clientGroupID ?? null;
		}
		catch {
			// not JSON
		}
		wire.errors.push({ kind, group, status: response.status, error: body?.error ?? null });
		if (wire.nonOk.length < 10) {
			wire.nonOk.push({ kind, status: response.status, request: requestText.slice(0, 2000), response: responseText.slice(0, 2000) });
		}
		return response;
	}
	if (kind === 'pull') {
		try {
			inspectPull(JSON.parse(requestText), body);
		}
		catch (error) {
			wire.cookieViolations.push({ problem: `could not inspect the pull: ${error.message}`, request: requestText, response: body });
		}
	}
	return response;
};

// Invariant 6 as the Replicache client needs it, on every pull that really happened.
function inspectPull(request, body) {
	const before = request.cookie === null || request.cookie === undefined ? null : request.cookie.order;
	const after = body.cookie?.order;
	const changes = body.lastMutationIDChanges ?? {};
	const patch = body.patch ?? [];
	wire.pullPatchOps += patch.length;
	if (typeof after === 'number') {
		wire.lastOrder.set(request.clientGroupID, after);
	}
	for (const [clientID, id] of Object.entries(changes)) {
		wire.maxConfirmed.set(clientID, Math.max(wire.maxConfirmed.get(clientID) ?? 0, id));
	}
	const problem = (() => {
		if (typeof after !== 'number' || typeof body.cookie?.c1 !== 'string') {
			return 'response cookie is not {order: number, c1: string}';
		}
		if (before === null) {
			return patch[0]?.op === 'clear' ? null : 'a pull without cookie did not start with a clear';
		}
		if (after < before) {
			return 'cookie went backwards';
		}
		if (after === before && (patch.length > 0 || Object.keys(changes).length > 0)) {
			return 'cookie did not move although the patch or lastMutationIDChanges is not empty';
		}
		return null;
	})();
	if (before !== null && after > before) {
		wire.movingPulls++;
	}
	if (problem && wire.cookieViolations.length < 10) {
		wire.cookieViolations.push({ problem, request, response: body });
	}
}

// ------------------------------------------------------------------------------------------------
// Replicache clients
// ------------------------------------------------------------------------------------------------
// Client-side mutators mirror TodoMutators: the same keys (todos/<id>) and the server's row JSON shape.
// Who may write is the server's business: a denied mutation changes nothing there, and the next pull
// replaces the client's guess. The list mutators predict nothing (the server's lists/ rows arrive by pull).
const mutators = {
	async createTodo(tx, { id, text, listId }) {
		if (await tx.has(`todos/${id}`)) {
			return; // the server's INSERT fails on the primary key: the mutation fails and changes nothing
		}
		await tx.set(`todos/${id}`, { id, text, done: false, created_at: Date.now(), ...(listId ? { list_id: listId } : {}) });
	},
	async createList() {},
	async shareList() {},
	async unshareList() {},
	async updateTodo(tx, { id, text, done }) {
		const existing = await tx.get(`todos/${id}`);
		if (existing === undefined) {
			return; // the server's UPDATE ... WHERE id = ? touches nothing either
		}
		const next = { ...existing };
		if (text !== undefined && text !== null) {
			next.text = text;
		}
		if (done !== undefined && done !== null) {
			next.done = done;
		}
		await tx.set(`todos/${id}`, next);
	},
	async deleteTodo(tx, { id }) {
		await tx.del(`todos/${id}`);
	},
	// The server stores the reference as JSON text in todos.attachment (a VARCHAR file column), keys in this order.
	async attachFile(tx, { todoId, file }) {
		const existing = await tx.get(`todos/${todoId}`);
		if (existing !== undefined) {
			const attachment = file ? JSON.stringify({ hash: file.hash, size: file.size, mime: file.mime, ...(file.name ? { name: file.name } : {}) }) : null;
			await tx.set(`todos/${todoId}`, { ...existing, attachment });
		}
	},
};

async function readTodos(rep) {
	const entries = await rep.query((tx) => tx.scan({ prefix: 'todos/' }).entries().toArray());
	return new Map(entries);
}

// One simulated client's workload as its user: creates in the user's inbox or in the shared list, updates
// and deletes of any todo it holds (denied on the server when the todo's list is not the user's, or when
// it was deleted meanwhile), and, for alice (the shared list's owner), sometimes sharing the list with carol
// or taking it back.
async function runClient(client, base, stats) {
	const { rep, label, user } = client;
	let created = 0;
	for (let i = 0; i < MUTATIONS_PER_CLIENT; i++) {
		const todos = await readTodos(rep);
		const ids = [...todos.values()].map((todo) => todo.id);
		const r = random();
		const listId = random() < 0.5 ? SHARED_LIST : undefined; // undefined: the user's inbox
		if (r < 0.06) {
			// Contested ID shared by all clients: whoever's create reaches the server second fails on the
			// primary key (a permanently failing mutation that must not wedge its client).
			const id = `contested-${RUN_ID}-${Math.floor(random() * 4)}`;
			await rep.mutate.createTodo({ id, text: randomText(`contested, created by ${label}`), listId });
			stats.contested++;
		}
		else if (user === 'alice' && r < 0.1) {
			const share = random() < 0.5;
			await rep.mutate[share ? 'shareList' : 'unshareList']({ listId: SHARED_LIST, userName: 'carol' });
			stats.shares++;
		}
		else if (ids.length === 0 || r < 0.4) {
			const id = `${label}-${++created}`;
			await rep.mutate.createTodo({ id, text: randomText(`todo of ${label}`), listId });
			stats.creates++;
		}
		else if (r < 0.82) {
			const id = pick(ids);
			const which = random();
			const args = which < 0.4 ? { id, text: randomText(`edited by ${label}`) }
				: which < 0.8 ? { id, done: random() < 0.5 } : { id, text: randomText(`edited by ${label}`), done: random() < 0.5 };
			await rep.mutate.updateTodo(args);
			stats.updates++;
		}
		else {
			await rep.mutate.deleteTodo({ id: pick(ids) });
			stats.deletes++;
		}
		client.mutations++;
		// Mostly think time, sometimes a burst of back-to-back mutations.
		await sleep(random() < 0.25 ? 0 : Math.floor(random() * 300));
	}
}

// Raw SQL behind the app's back (PostgreSQL and MariaDB). Two long-lived psql or mariadb sessions make
// single-statement writes (autocommit), paced by an echoed marker after each statement; separate client
// processes run transactions that write early and commit seconds later (at most two open at a time).
class SqlSession {
	constructor(name) {
		this.name = name;
		this.stdout = '';
		this.stderr = '';
		this.waiters = new Map();
		this.count = 0;
		this.child = spawn(SQL.client, SQL.args, { stdio: ['pipe', 'pipe', 'pipe'] });
		this.closed = new Promise((resolve) => this.child.on('close', resolve));
		this.child.on('error', (error) => {
			this.stderr += `ERROR: ${SQL.client} could not run: ${error.message}\n`;
		});
		this.child.stderr.on('data', (chunk) => {
			this.stderr += chunk;
		});
		this.child.stdout.on('data', (chunk) => {
			this.stdout += chunk;
			for (const [marker, resolve] of this.waiters) {
				if (this.stdout.includes(marker)) {
					this.waiters.delete(marker);
					resolve();
				}
			}
		});
	}

	run(sql) {
		const marker = `__e2e_${this.name}_${++this.count}__`;
		const done = new Promise((resolve) => this.waiters.set(marker, resolve));
		this.child.stdin.write(`${sql}\n${SQL.echo(marker)}\n`);
		return Promise.race([done, this.closed]);
	}

	async close() {
		this.child.stdin.end();
		await this.closed;
		return this.stderr.split('\n').filter(SQL.failure).map((line) => `${this.name}: ${line}`);
	}
}

async function rawSqlWriter(isRunning, stats) {
	let n = 0;
	const sqlText = (prefix) => `'${randomText(prefix).replace(/'/g, "''")}'`;
	const randomRow = SQL.pick(1);
	// A list of the run, or NULL (a todo of no list: only admin's GET /todos has it).
	const randomList = () => {
		const list = pick([...LIST_IDS, null]);
		return list === null ? 'NULL' : `'${list}'`;
	};
	const count = (kind) => {
		stats.raw[kind] = (stats.raw[kind] ?? 0) + 1;
	};
	const longTransactions = [];
	let open = 0;
	const session = async (name) => {
		const psql = new SqlSession(name);
		while (isRunning()) {
			const r = random();
			if (r < 0.35) {
				await psql.run(`INSERT INTO todos (id, list_id, text, done, created_at) VALUES ('sql-${RUN_ID}-${++n}', ${randomList()}, ${sqlText(`from ${SQL.client}`)}, ${random() < 0.5}, ${Date.now()});`);
				count('insert');
			}
			else if (r < 0.4) {
				// Moves a todo to another list (or out of every list): with read rules it leaves some views.
				await psql.run(`UPDATE todos SET list_id = ${randomList()} WHERE id = ${randomRow};`);
				count('move');
			}
			else if (r < 0.65) {
				await psql.run(`UPDATE todos SET text = ${sqlText('psql edit')}, done = NOT done WHERE id = ${randomRow};`);
				count('update');
			}
			else if (r < 0.75) {
				await psql.run(`UPDATE todos SET done = NOT done WHERE id IN ${SQL.pick(3)};`);
				count('multi-row update');
			}
			else if (r < 0.87) {
				await psql.run(`DELETE FROM todos WHERE id = ${randomRow};`);
				count('delete');
			}
			else if (open < 2) {
				// Writes early, commits 1-3 s later, while everyone else keeps writing and pulling.
				open++;
				const sleepSeconds = (1 + random() * 2).toFixed(2);
				longTransactions.push(sqlAsync(`BEGIN;
INSERT INTO todos (id, list_id, text, done, created_at) VALUES ('sql-${RUN_ID}-${++n}', '${SHARED_LIST}', ${sqlText('slow psql')}, false, ${Date.now()});
UPDATE todos SET text = ${sqlText('slow psql edit')} WHERE id = ${randomRow};
${SQL.sleep(sleepSeconds)}
INSERT INTO todos (id, list_id, text, done, created_at) VALUES ('sql-${RUN_ID}-${++n}', 'inbox-bob', ${sqlText('slow psql late')}, true, ${Date.now()});
COMMIT;`).then((result) => {
					open--;
					count('long transaction');
					if (!result.ok && result.stderr.split('\n').some(SQL.failure)) {
						stats.rawFailures.push(`long transaction: ${result.stderr.trim()}`);
					}
				}));
			}
			await sleep(10 + Math.floor(random() * 60));
		}
		stats.rawFailures.push(...(await psql.close()));
	};
	await Promise.all([session(`${SQL.client}-a`), session(`${SQL.client}-b`)]);
	await Promise.all(longTransactions);
}

// Plain JdbcTemplate inserts through the sample app's POST /plain/todos (no Plasma on that request path:
// no mutation, no ledger): on H2 the only way to write behind Plasma's back from outside the JVM.
async function plainWriter(base, isRunning, stats) {
	let n = 0;
	while (isRunning()) {
		const id = `plain-${RUN_ID}-${++n}`;
		const response = await postJson(`${base}/plain/todos`, { id, text: randomText('from POST /plain/todos') }, pick(USERS));
		stats.plain++;
		if (response.status !== 201) {
			stats.plainFailures.push(`${id}: ${response.status} ${response.text}`);
		}
		await sleep(30 + Math.floor(random() * 120));
	}
}

async function hasPlainEndpoint(base) {
	const probe = await postJson(`${base}/plain/todos`, {}, 'alice'); // invalid on purpose: writes nothing
	return probe.status === 400;
}

function describeRow(row) {
	return row === undefined ? '(missing)' : JSON.stringify(row);
}

function compareWithDatabase(label, clientTodos, dbRows) {
	const problems = [];
	const expected = new Map(dbRows.map((row) => [`todos/${row.id}`, row]));
	for (const [key, row] of expected) {
		const mine = clientTodos.get(key);
		if (mine === undefined) {
			problems.push(`missing ${key}: database has ${describeRow(row)}`);
		}
		else if (mine.id !== row.id || mine.text !== row.text || mine.done !== row.done || mine.created_at !== row.createdAt) {
			problems.push(`differs ${key}: client ${describeRow(mine)} vs database ${describeRow(row)}`);
		}
	}
	for (const [key, mine] of clientTodos) {
		if (!expected.has(key)) {
			problems.push(`extra ${key}: client has ${describeRow(mine)}, database has no such row`);
		}
	}
	return problems;
}

// A GET with the user's HTTP Basic credentials (every endpoint but /actuator/health needs some).
function getAs(url, user = 'admin') {
	return fetchRaw(url, { headers: { authorization: basic(user) } });
}

// GET /todos as the user: admin gets every todo (the database truth), anyone else the todos of the lists
// they own or are a member of.
async function getTodos(base, user = 'admin') {
	const response = await getAs(`${base}/todos`, user);
	if (response.status !== 200) {
		throw new Error(`GET /todos as ${user} answered ${response.status}`);
	}
	return response.json();
}

// The rows a client of the user must hold after settling: see perUserViews.
function expectedRows(base, user) {
	return getTodos(base, perUserViews ? user : 'admin');
}

// Every user's expected rows at once (one snapshot per user, taken back to back).
async function expectedViews(base) {
	const views = new Map();
	if (!perUserViews) {
		const all = await getTodos(base, 'admin');
		USERS.forEach((user) => views.set(user, all));
		return views;
	}
	for (const user of USERS) {
		views.set(user, await getTodos(base, user));
	}
	return views;
}

// The plasma.push.mutations counter for one outcome (0 when the meter does not exist yet).
async function mutationCount(base, outcome) {
	const response = await getAs(`${base}/actuator/metrics/plasma.push.mutations?tag=outcome:${outcome}`);
	if (response.status === 404) {
		return 0;
	}
	const body = await response.json();
	return body.measurements?.find((m) => m.statistic === 'COUNT')?.value ?? Number.NaN;
}

// POSTs JSON as the user (HTTP Basic), or without credentials when user is null; auth overrides the header.
async function postJson(url, body, user = 'admin', auth = undefined) {
	const headers = { 'content-type': 'application/json' };
	if (auth !== undefined || user !== null) {
		headers.authorization = auth ?? basic(user);
	}
	const response = await fetchRaw(url, {
		method: 'POST',
		headers,
		body: JSON.stringify(body),
	});
	const text = await response.text();
	let json = null;
	try {
		json = JSON.parse(text);
	}
	catch {
		// left null
	}
	return { status: response.status, text, json };
}

// ------------------------------------------------------------------------------------------------
// Helpers of the checks
// ------------------------------------------------------------------------------------------------
// Raw pushes as a user, each from its own client group `<group>-<run>` (mutation IDs counted per group),
// in batches of 25; returns every mutation's outcome (or the HTTP failure that stood in for it).
const pushCounters = new Map();
async function pushAs(base, user, group, ops) {
	const clientGroupID = `${group}-${RUN_ID}`;
	const outcomes = [];
	for (let i = 0; i < ops.length; i += 25) {
		const mutations = ops.slice(i, i + 25).map(({ name, args }) => {
			const id = (pushCounters.get(clientGroupID) ?? 0) + 1;
			pushCounters.set(clientGroupID, id);
			return { clientID: `${group}-client`, id, name, args, timestamp: id };
		});
		const response = await postJson(`${base}/plasma/push`,
			{ pushVersion: 1, clientGroupID, profileID: `p-${group}`, schemaVersion: '', mutations }, user);
		outcomes.push(...(response.status === 200 && Array.isArray(response.json?.results)
			? response.json.results.map((result) => result.outcome)
			: mutations.map(() => `HTTP ${response.status} ${response.text.slice(0, 200)}`)));
	}
	return outcomes;
}

// Pushes and pulls one client until none of its mutations is pending.
async function drain(rep, timeoutMs = 15000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		await rep.push({ now: true }).catch(() => {});
		await rep.pull({ now: true }).catch(() => {});
		if ((await rep.experimentalPendingMutations()).length === 0) {
			return true;
		}
		await sleep(100);
	}
	return false;
}

// Pulls one client until it holds exactly what GET /todos answers its user (or all todos without read
// rules) and `also` holds for its todos; returns the last comparison.
async function syncUntil(base, rep, user, also = () => true, timeoutMs = 15000) {
	const deadline = Date.now() + timeoutMs;
	let problems = ['not compared yet'];
	let todos = new Map();
	while (Date.now() < deadline) {
		await rep.pull({ now: true }).catch(() => {});
		todos = await readTodos(rep);
		problems = compareWithDatabase(user, todos, await expectedRows(base, user));
		if (problems.length === 0 && also(todos)) {
			break;
		}
		await sleep(100);
	}
	return { todos, problems };
}

const skipped = [];
function skip(name, reason) {
	skipped.push(name);
	console.log(`SKIPPED  ${name}: ${reason}`);
}

// Whether the server filters what each user receives (read rules). Auto-detected with one fact that holds
// exactly when it does: bob's createTodo lands in bob's inbox list, which alice neither owns nor is a member
// of; a fresh client group of alice that pulls a full state receives that todo only without read rules.
// --per-user-views on|off states what the run expects instead, and then the probe must agree.
async function detectViews(base) {
	const probeId = `probe-${RUN_ID}`;
	const outcomes = await pushAs(base, 'bob', 'probe-bob', [{ name: 'createTodo', args: { id: probeId, text: 'probe: in bob\'s inbox' } }]);
	const pulled = await postJson(`${base}/plasma/pull`,
		{ pullVersion: 1, clientGroupID: `probe-alice-${RUN_ID}`, profileID: 'p-probe', schemaVersion: '', cookie: null }, 'alice');
	const aliceReceives = (pulled.json?.patch ?? []).some((op) => op.key === `todos/${probeId}`);
	check(`views probe: bob's todo in his inbox applied; a fresh pull of alice answered 200 ${aliceReceives ? 'with' : 'without'} it`,
		outcomes[0] === 'applied' && pulled.status === 200 && Array.isArray(pulled.json?.patch), `push ${outcomes}\npull ${pulled.status} ${pulled.text.slice(0, 1000)}`);
	const serverFilters = !aliceReceives;
	if (PER_USER_OPTION === 'auto') {
		perUserViews = serverFilters;
	}
	else {
		perUserViews = PER_USER_OPTION === 'on';
		check(`--per-user-views ${PER_USER_OPTION}: the server ${perUserViews ? 'filters rows per user (read rules)' : 'sends every row to every user'}`,
			perUserViews === serverFilters, `alice's full-state pull ${aliceReceives ? 'holds' : 'lacks'} bob's inbox todo ${probeId}`);
	}
	log(`expected views: ${perUserViews
		? 'per user (read rules): each client must hold exactly GET /todos as its user'
		: 'all todos for every client (no read rules): each client must hold exactly GET /todos as admin'} (--per-user-views ${PER_USER_OPTION})`);
}

// ------------------------------------------------------------------------------------------------
// Timing (--timing): time from the first mutation until every client holds exactly the todos it should
// ------------------------------------------------------------------------------------------------
// Each client makes its mutations back to back on its own todos (creates in its user's inbox, updates,
// deletes; none fail) while Replicache pushes them in the background. Then every client pushes and pulls,
// all at once, round after round (the harness plays the poke that tells clients to pull), until no mutation
// is pending and every client's todos/ keys equal its expected view (GET /todos as admin, or as its user
// with read rules).
async function measureConvergence(base, newClient, replicacheErrors) {
	const clients = [];
	for (let i = 1; i <= TIMING_CLIENTS; i++) {
		const label = `t${i}`;
		const user = USERS[(i - 1) % USERS.length];
		const rep = newClient(`timing-${RUN_ID}-${i}`, label, user, { pullInterval: 600000, pushDelay: 5 });
		clients.push({ label, user, rep, mutations: 0, ids: [] });
	}
	// Everyone starts from the full state, so the figure holds no first pull of a newcomer.
	await Promise.all(clients.map((c) => c.rep.pull({ now: true })));
	const groups = new Set(await Promise.all(clients.map((c) => c.rep.clientGroupID)));
	check(`${clients.length} Replicache clients of ${USERS.join(', ')}, each its own client group`, groups.size === clients.length, [...groups]);
	const appliedBefore = await mutationCount(base, 'applied');

	const started = performance.now();
	await Promise.all(clients.map(async (client) => {
		let created = 0;
		for (let i = 0; i < MUTATIONS_PER_CLIENT; i++) {
			const r = random();
			if (client.ids.length === 0 || r < 0.6) {
				const id = `${client.label}-${RUN_ID}-${++created}`;
				client.ids.push(id);
				await client.rep.mutate.createTodo({ id, text: randomText(`todo of ${client.label}`) });
			}
			else if (r < 0.9) {
				await client.rep.mutate.updateTodo({ id: pick(client.ids), text: randomText(`edited by ${client.label}`), done: random() < 0.5 });
			}
			else {
				const id = client.ids.splice(Math.floor(random() * client.ids.length), 1)[0];
				await client.rep.mutate.deleteTodo({ id });
			}
			client.mutations++;
		}
	}));
	const mutated = performance.now();
	let rounds = 0;
	let converged = false;
	let mismatches = [];
	let views = new Map();
	const deadline = Date.now() + SETTLE_TIMEOUT_MS;
	while (!converged && Date.now() < deadline) {
		rounds++;
		await Promise.all(clients.map(async (c) => {
			await c.rep.push({ now: true }).catch(() => {});
			await c.rep.pull({ now: true }).catch(() => {});
		}));
		const pending = await Promise.all(clients.map(async (c) => (await c.rep.experimentalPendingMutations()).length));
		if (pending.some((count) => count > 0)) {
			continue;
		}
		views = await expectedViews(base);
		mismatches = [];
		for (const client of clients) {
			const problems = compareWithDatabase(client.label, await readTodos(client.rep), views.get(client.user));
			if (problems.length > 0) {
				mismatches.push(...problems.map((problem) => `${client.label} (${client.user}): ${problem}`));
			}
		}
		converged = mismatches.length === 0;
	}
	const convergedMs = performance.now() - started;
	const total = clients.reduce((sum, c) => sum + c.mutations, 0);
	const sizes = USERS.map((user) => `${user} ${views.get(user)?.length ?? '?'}`).join(', ');
	check(`${clients.length} clients x ${MUTATIONS_PER_CLIENT} mutations converged: every client holds exactly ${perUserViews ? 'its user\'s' : 'the database\'s'} todos (${sizes})`,
		converged, mismatches.slice(0, 15).join('\n') || `not converged within ${SETTLE_TIMEOUT_MS / 1000}s`);
	const unconfirmed = clients.filter((c) => (wire.maxConfirmed.get(c.rep.clientID) ?? 0) !== c.mutations);
	check('every client saw all its mutations confirmed in lastMutationIDChanges', unconfirmed.length === 0,
		unconfirmed.map((c) => `${c.label}: made ${c.mutations}, highest confirmed ${wire.maxConfirmed.get(c.rep.clientID) ?? 'none'}`).join('\n'));
	const applied = (await mutationCount(base, 'applied')) - appliedBefore;
	check(`exactly once: ${total} mutations applied on the server`, applied === total, `applied ${applied}`);
	check(`every sync request answered 200, cookies never backwards (${wire.pushes} pushes, ${wire.pulls} pulls)`,
		wire.nonOk.length === 0 && wire.cookieViolations.length === 0, { nonOk: wire.nonOk, cookies: wire.cookieViolations });
	check('Replicache logged no errors', replicacheErrors.length === 0, replicacheErrors.slice(0, 20).join('\n'));
	await Promise.all(clients.map((c) => c.rep.close()));
	const seconds = (ms) => (ms / 1000).toFixed(3);
	console.log(`timing-${DB}: ${clients.length} clients x ${MUTATIONS_PER_CLIENT} mutations = ${total}: converged in ${seconds(convergedMs)} s `
		+ `(mutations made locally in ${seconds(mutated - started)} s, ${rounds} push/pull rounds, ${wire.pushes} pushes, ${wire.pulls} pulls)`);
}

// ------------------------------------------------------------------------------------------------
// Main
// ------------------------------------------------------------------------------------------------
async function main() {
	log(TIMING
		? `timing: seed ${SEED}, run ${RUN_ID}, ${TIMING_CLIENTS} clients (one client group each) x ${MUTATIONS_PER_CLIENT} mutations, plasma.pull.max-changes=${MAX_CHANGES ?? 'default'}`
		: `seed ${SEED}, run ${RUN_ID}, ${GROUPS} client groups x ${CLIENTS_PER_GROUP} clients, ${MUTATIONS_PER_CLIENT} mutations each, plasma.pull.max-changes=${MAX_CHANGES}`);
	if (!opts['no-build']) {
		build();
	}
	const dbArgs = prepareDatabase();
	const port = await freePort();
	// Blobs: orphans are collected 1 s after their last reference goes, and only when the files check asks
	// (POST /actuator/plasma/gcOrphanedBlobs), never by the hourly job in the middle of a run.
	const base = await startApp(port, [...dbArgs, '--plasma.blobs.orphan-grace=1s', '--plasma.blobs.gc-cron=-']);
	log(`app healthy at ${base} (log: ${path.relative(REPO, APP_LOG)})`);
	const replicacheBase = `${base}/plasma/replicache`;

	// Imported only now, after the fetch wrapper is installed.
	const { Replicache, TEST_LICENSE_KEY } = await import('replicache');

	// --- clients ---------------------------------------------------------------------------------
	const replicacheErrors = [];
	// A Replicache client of the user against the app (Authorization: Basic, Replicache's `auth` option);
	// what it logs and every reset or update it asks for is an error (into options.errors when given).
	const newClient = (name, label, user, { errors = replicacheErrors, syncBase = replicacheBase, ...options } = {}) => {
		const rep = new Replicache({
			name,
			licenseKey: TEST_LICENSE_KEY,
			pushURL: `${syncBase}/push`,
			pullURL: `${syncBase}/pull`,
			auth: basic(user),
			kvStore: 'mem',
			mutators,
			logLevel: 'error',
			logSinks: [{
				log(level, context, ...args) {
					errors.push(`${label} ${level} ${context ? JSON.stringify(context) : ''} ${args.map((a) => (a instanceof Error ? a.stack : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
				},
			}],
			...options,
		});
		rep.onClientStateNotFound = () => errors.push(`${label}: onClientStateNotFound called`);
		rep.onUpdateNeeded = (reason) => errors.push(`${label}: onUpdateNeeded called: ${JSON.stringify(reason)}`);
		return rep;
	};
	await detectViews(base);
	if (TIMING) {
		await measureConvergence(base, newClient, replicacheErrors);
		stopping = true;
		await stopApp();
		return;
	}

	// alice's list, shared with bob and carol (carol's membership is toggled by alice's clients).
	const setup = await pushAs(base, 'alice', 'setup-alice', [
		{ name: 'createList', args: { id: SHARED_LIST, name: 'Shared' } },
		{ name: 'shareList', args: { listId: SHARED_LIST, userName: 'bob' } },
		{ name: 'shareList', args: { listId: SHARED_LIST, userName: 'carol' } },
	]);
	check(`alice created ${SHARED_LIST} and shared it with bob and carol`, setup.every((outcome) => outcome === 'applied'), setup);

	const clients = [];
	for (let g = 1; g <= GROUPS; g++) {
		const user = USERS[(g - 1) % USERS.length];
		for (let c = 1; c <= CLIENTS_PER_GROUP; c++) {
			const label = `g${g}c${c}`;
			const name = `e2e-${RUN_ID}-group${g}`; // same name = same client group (shared 'mem' store)
			const rep = newClient(name, label, user, { pullInterval: 300, pushDelay: 5 });
			const client = { label, user, group: g, rep, mutations: 0, clientGroupID: await rep.clientGroupID };
			clients.push(client);
		}
	}
	const groupsOk = [...Array(GROUPS).keys()].every((i) => {
		const ids = new Set(clients.filter((c) => c.group === i + 1).map((c) => c.clientGroupID));
		return ids.size === 1;
	}) && new Set(clients.map((c) => c.clientGroupID)).size === GROUPS;
	check(`${clients.length} Replicache clients formed ${GROUPS} client groups of ${CLIENTS_PER_GROUP} (users ${[...new Set(clients.map((c) => c.user))].join(', ')})`, groupsOk,
		clients.map((c) => `${c.label} (${c.user}) clientID=${c.rep.clientID} clientGroupID=${c.clientGroupID}`).join('\n'));

	// --- workload: clients and raw SQL at the same time -----------------------------------------
	const stats = { creates: 0, updates: 0, deletes: 0, contested: 0, shares: 0, raw: {}, rawFailures: [], plain: 0, plainFailures: [] };
	const meterNames = (await (await getAs(`${base}/actuator/metrics`)).json()).names ?? [];
	const hasMutationMeter = meterNames.includes('plasma.push.mutations');
	// Setup and probe pushes ran before: the exactly-once count starts here.
	const outcomesBefore = {};
	for (const outcome of ['applied', 'failed']) {
		outcomesBefore[outcome] = hasMutationMeter ? await mutationCount(base, outcome) : 0;
	}
	const workloadStarted = Date.now();
	let clientsRunning = true;
	const plain = await hasPlainEndpoint(base);
	const writers = Promise.all([
		DB !== 'h2' ? rawSqlWriter(() => clientsRunning, stats) : null,
		plain ? plainWriter(base, () => clientsRunning, stats) : null,
	]);
	const workload = Promise.all(clients.map((client) => runClient(client, base, stats)));
	const workloadOutcome = await Promise.race([
		workload.then(() => 'done', (error) => error),
		sleep(WORKLOAD_TIMEOUT_MS).then(() => 'timeout'),
	]);
	clientsRunning = false;
	await writers;
	if (appExited) {
		throw new Error('the app exited while the clients were running');
	}
	const totalMutations = clients.reduce((sum, c) => sum + c.mutations, 0);
	const workloadMs = Date.now() - workloadStarted;
	check(`workload: ${totalMutations} client mutations (${stats.creates} creates, ${stats.contested} creates of contested IDs, ${stats.updates} updates, ${stats.deletes} deletes, ${stats.shares} shares/unshares) in ${(workloadMs / 1000).toFixed(1)}s`,
		workloadOutcome === 'done', workloadOutcome instanceof Error ? workloadOutcome.stack : `outcome: ${workloadOutcome}`);
	if (DB !== 'h2') {
		const rawTotal = Object.values(stats.raw).reduce((a, b) => a + b, 0);
		log(`raw SQL via ${SQL.client} while the clients ran: ${JSON.stringify(stats.raw)}`);
		check(`raw SQL: ${rawTotal} ${SQL.client} writes behind the app's back succeeded`, rawTotal > 0 && stats.rawFailures.length === 0,
			stats.rawFailures.slice(0, 10).join('\n'));
	}
	else {
		log('raw SQL writes: none on H2 (an in-memory database inside the app JVM: no SQL client can reach it)');
	}
	if (plain) {
		check(`plain writes: ${stats.plain} inserts through POST /plain/todos (JdbcTemplate, no Plasma) while the clients ran`,
			stats.plain > 0 && stats.plainFailures.length === 0, stats.plainFailures.slice(0, 10).join('\n'));
	}
	else {
		log('plain writes: skipped (this build of the sample app has no POST /plain/todos)');
	}

	// --- settle -----------------------------------------------------------------------------------
	const settleStarted = Date.now();
	let rounds = 0;
	let pending = [];
	let mismatches = [];
	let views = new Map();
	let settled = false;
	while (Date.now() - settleStarted < SETTLE_TIMEOUT_MS) {
		if (appExited) {
			throw new Error('the app exited while the clients were settling');
		}
		rounds++;
		await Promise.all(clients.map((c) => c.rep.push({ now: true }).catch(() => {})));
		await Promise.all(clients.map((c) => c.rep.pull({ now: true }).catch(() => {})));
		pending = await Promise.all(clients.map(async (c) => (await c.rep.experimentalPendingMutations()).length));
		if (rounds % 20 === 0) {
			const sizes = await Promise.all(clients.map(async (c) => (await readTodos(c.rep)).size));
			log(`settling, round ${rounds}: pending ${pending.join(',')}; todos per client ${sizes.join(',')}; last cookie order per group ${JSON.stringify(Object.fromEntries(wire.lastOrder))}`);
		}
		if (pending.every((count) => count === 0)) {
			views = await expectedViews(base);
			mismatches = [];
			for (const client of clients) {
				const problems = compareWithDatabase(client.label, await readTodos(client.rep), views.get(client.user));
				if (problems.length > 0) {
					mismatches.push({ client, problems });
				}
			}
			if (mismatches.length === 0) {
				settled = true;
				break;
			}
		}
		await sleep(150);
	}
	const settleMs = Date.now() - settleStarted;
	const allRows = await getTodos(base, 'admin');
	log(`settled: ${settled} after ${rounds} push/pull rounds in ${(settleMs / 1000).toFixed(1)}s; database has ${allRows.length} todos`
		+ (perUserViews ? `; per user: ${USERS.map((user) => `${user} ${views.get(user)?.length ?? '?'}`).join(', ')}` : ''));
	check(`every client's pending mutations drained (${rounds} rounds, ${(settleMs / 1000).toFixed(1)}s)`,
		pending.every((count) => count === 0), clients.map((c, i) => `${c.label}: ${pending[i]} pending`).join('\n'));
	// One final pull per client, then the comparison that counts.
	await Promise.all(clients.map((c) => c.rep.pull({ now: true }).catch(() => {})));
	views = await expectedViews(base);
	for (const client of clients) {
		const todos = await readTodos(client.rep);
		const expected = views.get(client.user);
		const problems = compareWithDatabase(client.label, todos, expected);
		check(`${client.label} (${client.user}) holds exactly ${perUserViews ? `the ${expected.length} todos GET /todos answers ${client.user}` : `the database's ${expected.length} todos`} (client has ${todos.size})`,
			problems.length === 0, [...problems.slice(0, 15), problems.length > 15 ? `... and ${problems.length - 15} more` : ''].join('\n'));
	}
	const finalRows = await getTodos(base, 'admin');
	check('the database holds todos of several clients' + (DB !== 'h2' ? ` and of ${SQL.client}` : '') + (plain ? ' and of POST /plain/todos' : ''),
		new Set(finalRows.map((row) => row.id.split('-')[0])).size >= Math.min(3, clients.length),
		finalRows.map((row) => row.id).join(', '));
	if (perUserViews) {
		// Read rules must actually hide something here: bob's inbox is nobody else's.
		const hidden = USERS.every((user) => views.get(user).length < finalRows.length);
		check('read rules: every user\'s view is a strict subset of the database', hidden,
			USERS.map((user) => `${user} ${views.get(user).length} of ${finalRows.length}`).join(', '));
	}

	// --- what the wire showed -----------------------------------------------------------------------
	log(`wire: ${wire.pushes} pushes, ${wire.pulls} pulls, statuses ${JSON.stringify(wire.statuses)}, ${wire.pullPatchOps} patch operations, ${wire.movingPulls} pulls moved the cookie`);
	check(`every sync request the clients made was answered 200 without an error (${wire.pushes} pushes, ${wire.pulls} pulls)`,
		wire.nonOk.length === 0, wire.nonOk);
	check('every pull: the cookie never went backwards, and moved whenever the patch or lastMutationIDChanges was non-empty',
		wire.cookieViolations.length === 0, wire.cookieViolations);
	const unconfirmed = clients.filter((c) => (wire.maxConfirmed.get(c.rep.clientID) ?? 0) !== c.mutations);
	check('every client saw all its mutations confirmed in lastMutationIDChanges (last mutation ID = mutations made)',
		unconfirmed.length === 0,
		unconfirmed.map((c) => `${c.label} (${c.rep.clientID}): made ${c.mutations}, highest confirmed ${wire.maxConfirmed.get(c.rep.clientID) ?? 'none'}`).join('\n'));
	check('Replicache logged no errors and never asked for a reset or an update', replicacheErrors.length === 0,
		replicacheErrors.slice(0, 20).join('\n'));
	if (hasMutationMeter) {
		const outcomes = {};
		for (const outcome of ['applied', 'failed', 'duplicate', 'gap']) {
			outcomes[outcome] = await mutationCount(base, outcome);
		}
		const applied = outcomes.applied - outcomesBefore.applied;
		const failed = outcomes.failed - outcomesBefore.failed;
		const deniedResponse = await getAs(`${base}/actuator/metrics/plasma.push.failures?tag=reason:denied`);
		const denied = deniedResponse.status === 200
			? (await deniedResponse.json()).measurements?.find((m) => m.statistic === 'COUNT')?.value : 0;
		log(`server mutation outcomes (plasma.push.mutations, whole run): ${JSON.stringify(outcomes)}; denied ${denied}`);
		check(`exactly once: applied + failed on the server = ${totalMutations} mutations made by the clients (${applied} applied, ${failed} failed: contested creates, and ${denied} denied: other users' todos, todos deleted meanwhile)`,
			applied + failed === totalMutations, { applied, failed, outcomesBefore, outcomes });
	}
	else {
		log('exactly-once count skipped: this build of the app has no plasma.push.mutations meter');
	}

	await Promise.all(clients.map((c) => c.rep.close()));

	// A client of alice, of its own group, that pulls only when told to (no interval pull during a check).
	const quietClient = (label, user = 'alice', options = {}) => newClient(`e2e-${RUN_ID}-${label}`, label, user, { pullInterval: 600000, ...options });

	// --- paging with the real client: a backlog over plasma.pull.max-changes, caught up through plasma:hasMore
	{
		const pager = quietClient('pager'); // only the subscription below pulls
		const initial = await syncUntil(base, pager, 'alice', () => true, 10000);
		const backlog = MAX_CHANGES * 3 + 7;
		// Behind its back, alice's todos from another of her client groups (raw pushes: visible with read rules too).
		const fed = await pushAs(base, 'alice', 'pager-feed',
			[...Array(backlog).keys()].map((i) => ({ name: 'createTodo', args: { id: `page-${RUN_ID}-${i}`, text: `paged ${i}` } })));
		const expected = await expectedRows(base, 'alice');
		const seenMore = [];
		const unsubscribe = pager.subscribe((tx) => tx.get('plasma:hasMore'), {
			onData(more) {
				if (more !== undefined) {
					seenMore.push(more);
					pager.pull({ now: true }).catch(() => {});
				}
			},
		});
		await pager.pull({ now: true });
		const deadline = Date.now() + 15000;
		let pagerProblems = ['not compared yet'];
		let moreLeft;
		while (Date.now() < deadline) {
			await sleep(100);
			moreLeft = await pager.query((tx) => tx.get('plasma:hasMore'));
			pagerProblems = compareWithDatabase('pager', await readTodos(pager), expected);
			if (pagerProblems.length === 0 && moreLeft === undefined) {
				break;
			}
		}
		unsubscribe();
		await pager.close();
		check(`a client ${backlog} changes behind (plasma.pull.max-changes=${MAX_CHANGES}) catches up with one pull plus the pulls its plasma:hasMore subscription made (key set ${seenMore.length} times, then deleted)`,
			initial.problems.length === 0 && fed.every((outcome) => outcome === 'applied')
				&& pagerProblems.length === 0 && moreLeft === undefined && seenMore.length >= 2,
			`initial ${initial.problems.slice(0, 5).join('; ')}\nfeed ${[...new Set(fed)]}\nhasMore values seen ${JSON.stringify(seenMore)}, left ${JSON.stringify(moreLeft)}\n${pagerProblems.slice(0, 10).join('\n')}`);
	}

	// --- compaction while a real client is behind: its next pull is a reset it must apply -------------
	const status = await getAs(`${base}/actuator/plasma`);
	if (status.ok) {
		const laggard = quietClient('laggard');
		const before = await syncUntil(base, laggard, 'alice', () => true, 10000);
		const heldBefore = before.todos;
		// Behind its back: new rows, and one of its rows deleted by another client group's mutation.
		const late = await pushAs(base, 'alice', 'late-feed',
			[...Array(10).keys()].map((i) => ({ name: 'createTodo', args: { id: `late-${RUN_ID}-${i}`, text: `late ${i}` } })));
		// A row the laggard holds that alice may delete: compaction drops its put and its del together, so
		// only a reset removes it.
		const victim = (await getTodos(base, 'alice')).find((row) => heldBefore.has(`todos/${row.id}`))?.id;
		const deleted = await pushAs(base, 'alice', 'deleter', [{ name: 'deleteTodo', args: { id: victim } }]);
		const head = (await (await getAs(`${base}/actuator/plasma`)).json()).head;
		const compacted = await postJson(`${base}/actuator/plasma`, { safeUpToVersion: head }, 'admin');
		await laggard.pull({ now: true });
		const expected = await expectedRows(base, 'alice');
		const resetDeadline = Date.now() + 10000;
		let laggardProblems = ['not compared yet'];
		while (Date.now() < resetDeadline) {
			laggardProblems = compareWithDatabase('laggard', await readTodos(laggard), expected);
			if (laggardProblems.length === 0) {
				break;
			}
			await sleep(100);
		}
		const laggardTodos = await readTodos(laggard);
		await laggard.close();
		const all = await getTodos(base, 'admin');
		check(`a client behind a compaction (floor raised to ${head}, ${compacted.json?.result?.removed} entries removed) is reset by its next pull and holds exactly the ${expected.length} todos it should, without the row deleted meanwhile`,
			before.problems.length === 0 && victim !== undefined && late.every((outcome) => outcome === 'applied')
				&& deleted[0] === 'applied' && compacted.json?.status === 'compacted' && compacted.json?.result?.floor === head
				&& laggardProblems.length === 0 && !laggardTodos.has(`todos/${victim}`) && !all.some((row) => row.id === victim),
			`before ${before.problems.slice(0, 5).join('; ')}\nvictim ${victim}, delete ${deleted}, late ${[...new Set(late)]}\ncompaction ${compacted.text}\n${laggardProblems.slice(0, 10).join('\n')}`);
	}

	// --- protocol facts over raw fetch (as alice) --------------------------------------------------------
	const rawGroup = `raw-${RUN_ID}`;
	const pullBody = (cookie, group = rawGroup) => ({ pullVersion: 1, clientGroupID: group, profileID: 'p-raw', schemaVersion: '', cookie });
	const pushBody = (pushVersion, mutations, group = rawGroup) => ({ pushVersion, clientGroupID: group, profileID: 'p-raw', schemaVersion: '', mutations });
	const todoOps = (json) => (json?.patch ?? []).filter((op) => op.key?.startsWith('todos/'));
	const aliceRows = await expectedRows(base, 'alice');
	const first = await postJson(`${replicacheBase}/pull`, pullBody(null), 'alice');
	const firstOk = first.status === 200 && first.json?.patch?.[0]?.op === 'clear'
		&& todoOps(first.json).length === aliceRows.length && todoOps(first.json).every((op) => op.op === 'put')
		&& typeof first.json.cookie?.order === 'number';
	check(`raw pull without cookie: 200, clear + the ${aliceRows.length} todos alice should hold, ordered cookie`, firstOk, first.text.slice(0, 1500));
	const cookie = first.json?.cookie ?? null;
	const again = await postJson(`${replicacheBase}/pull`, pullBody(cookie), 'alice');
	const againOk = again.status === 200 && isDeepStrictEqual(again.json?.cookie, cookie) && Array.isArray(again.json?.patch)
		&& again.json.patch.length === 0 && Object.keys(again.json.lastMutationIDChanges ?? {}).length === 0;
	check('raw pull with the cookie just returned: same cookie, empty patch, no lastMutationIDChanges', againOk,
		`request cookie ${JSON.stringify(cookie)}\nresponse ${again.status} ${again.text}`);

	const v2 = await postJson(`${replicacheBase}/push`, pushBody(2, []), 'alice');
	check('push with pushVersion 2: HTTP 200 {"error":"VersionNotSupported","versionType":"push"}',
		v2.status === 200 && isDeepStrictEqual(v2.json, { error: 'VersionNotSupported', versionType: 'push' }), `${v2.status} ${v2.text}`);
	const pv2 = await postJson(`${replicacheBase}/pull`, { ...pullBody(null), pullVersion: 2 }, 'alice');
	check('pull with pullVersion 2: HTTP 200 {"error":"VersionNotSupported","versionType":"pull"}',
		pv2.status === 200 && isDeepStrictEqual(pv2.json, { error: 'VersionNotSupported', versionType: 'pull' }), `${pv2.status} ${pv2.text}`);

	const rawId = `raw-${RUN_ID}-1`;
	const mutation = { clientID: 'raw-client', id: 1, name: 'createTodo', args: { id: rawId, text: 'raw push' }, timestamp: 1.5 };
	const pushed = await postJson(`${replicacheBase}/push`, pushBody(1, [mutation]), 'alice');
	const afterPush = await postJson(`${replicacheBase}/pull`, pullBody(cookie), 'alice');
	const afterPushOk = pushed.status === 200 && afterPush.status === 200
		&& afterPush.json?.cookie?.order > cookie?.order
		&& isDeepStrictEqual(afterPush.json.lastMutationIDChanges, { 'raw-client': 1 })
		&& todoOps(afterPush.json).length === 1 && todoOps(afterPush.json)[0].key === `todos/${rawId}` && todoOps(afterPush.json)[0].value?.text === 'raw push';
	check('raw push then pull: the cookie moves, lastMutationIDChanges {"raw-client":1}, the new row in the patch', afterPushOk,
		`push ${pushed.status} ${pushed.text}\npull ${afterPush.status} ${afterPush.text}`);
	const cookie2 = afterPush.json?.cookie ?? null;
	const resent = await postJson(`${replicacheBase}/push`, pushBody(1, [{ ...mutation, args: { id: rawId, text: 'must not run twice' } }]), 'alice');
	const afterResend = await postJson(`${replicacheBase}/pull`, pullBody(cookie2), 'alice');
	const rawRow = (await getTodos(base)).find((row) => row.id === rawId);
	check('re-sent mutation 1 is not run again: 200, same cookie, empty patch, row unchanged',
		resent.status === 200 && afterResend.status === 200 && isDeepStrictEqual(afterResend.json?.cookie, cookie2)
		&& afterResend.json.patch.length === 0 && rawRow?.text === 'raw push',
		`push ${resent.status} ${resent.text}\npull ${afterResend.status} ${afterResend.text}\nrow ${JSON.stringify(rawRow)}`);

	// --- who is asking: 401 without (or with wrong) credentials, 403 for another user's client group ------
	{
		const endpoints = [
			['Replicache push', `${replicacheBase}/push`, pushBody(1, [])],
			['Replicache pull', `${replicacheBase}/pull`, pullBody(null)],
			['native push', `${base}/plasma/push`, pushBody(1, [])],
			['native pull', `${base}/plasma/pull`, pullBody(null)],
		];
		const answers = [];
		for (const [name, url, body] of endpoints) {
			const none = await postJson(url, body, null);
			const wrong = await postJson(url, body, null, basic('alice', 'not-her-password'));
			answers.push({ name, none: `${none.status} ${none.text}`, wrong: wrong.status, ok: none.status === 401 && none.json?.error === 'Unauthorized' && wrong.status === 401 });
		}
		check('no credentials: 401 {"error":"Unauthorized"} on both adapters\' push and pull; a wrong password: 401',
			answers.every((answer) => answer.ok), answers);
	}
	{
		// A client group of alice (claimed by her pull and push), then bob names it on both adapters.
		const owned = `owned-${RUN_ID}`;
		const claim = await postJson(`${replicacheBase}/pull`, pullBody(null, owned), 'alice');
		const alicePush = await postJson(`${replicacheBase}/push`, pushBody(1, [{ clientID: 'alice-c', id: 1, name: 'createTodo', args: { id: `owned-${RUN_ID}-1`, text: 'alice\'s' }, timestamp: 1 }], owned), 'alice');
		const claimed = await postJson(`${replicacheBase}/pull`, pullBody(claim.json?.cookie ?? null, owned), 'alice');
		const ownCookie = claimed.json?.cookie ?? null;
		const stolen = (suffix) => ({ clientID: 'bob-c', id: 1, name: 'createTodo', args: { id: `stolen-${RUN_ID}-${suffix}`, text: 'bob in alice\'s group' }, timestamp: 1 });
		const attempts = {
			'Replicache push': await postJson(`${replicacheBase}/push`, pushBody(1, [stolen('r')], owned), 'bob'),
			'Replicache pull': await postJson(`${replicacheBase}/pull`, pullBody(null, owned), 'bob'),
			'native push': await postJson(`${base}/plasma/push`, pushBody(1, [stolen('n')], owned), 'bob'),
			'native pull': await postJson(`${base}/plasma/pull`, pullBody(null, owned), 'bob'),
		};
		const after = await postJson(`${replicacheBase}/pull`, pullBody(ownCookie, owned), 'alice');
		const rows = await getTodos(base, 'admin');
		const forbidden = Object.values(attempts).every((answer) => answer.status === 403 && answer.json?.error === 'Forbidden');
		const unchanged = !rows.some((row) => row.id.startsWith(`stolen-${RUN_ID}`)) && after.status === 200
			&& isDeepStrictEqual(after.json?.cookie, ownCookie) && after.json.patch.length === 0
			&& Object.keys(after.json.lastMutationIDChanges ?? {}).length === 0;
		check('bob naming alice\'s client group: 403 {"error":"Forbidden"} on both adapters\' push and pull, and nothing changed (no todo, alice\'s cookie and confirmations as they were)',
			claim.status === 200 && alicePush.status === 200 && isDeepStrictEqual(claimed.json?.lastMutationIDChanges, { 'alice-c': 1 }) && forbidden && unchanged,
			`claim ${claim.status}, alice's push ${alicePush.status} ${alicePush.text}, alice's pull ${claimed.status} ${claimed.text.slice(0, 300)}\n`
			+ Object.entries(attempts).map(([name, answer]) => `${name}: ${answer.status} ${answer.text}`).join('\n')
			+ `\nalice afterwards: ${after.status} ${after.text.slice(0, 500)}`);
	}

	// --- getAuth: a real client with wrong credentials gets 401, asks getAuth, and its push lands ----------
	{
		const errors = [];
		let getAuthCalls = 0;
		const authRep = quietClient('auth', 'bob', { auth: basic('bob', 'stale-password'), errors });
		authRep.getAuth = () => {
			getAuthCalls++;
			return basic('bob');
		};
		const authGroup = await authRep.clientGroupID;
		const authTodo = `auth-${RUN_ID}`;
		await authRep.mutate.createTodo({ id: authTodo, text: 'pushed after getAuth' });
		const drained = await drain(authRep);
		const landed = (await getTodos(base, 'admin')).some((row) => row.id === authTodo);
		const view = await syncUntil(base, authRep, 'bob', (todos) => todos.has(`todos/${authTodo}`), 10000);
		const unauthorized = wire.errors.filter((e) => e.group === authGroup && e.status === 401);
		const otherErrors = wire.errors.filter((e) => e.group === authGroup && e.status !== 401);
		await authRep.close();
		check(`getAuth: a Replicache client with a wrong password got 401 (${unauthorized.length}x), getAuth was called (${getAuthCalls}x) and returned the right header, its createTodo reached the database and the client holds what bob should`,
			unauthorized.length >= 1 && getAuthCalls >= 1 && drained && landed && view.problems.length === 0 && otherErrors.length === 0,
			`401s ${JSON.stringify(unauthorized)}, other errors ${JSON.stringify(otherErrors)}, getAuth ${getAuthCalls}x, drained ${drained}, landed ${landed}\n${view.problems.slice(0, 10).join('\n')}`);
	}

	// --- sharing with real clients: alice shares a list with bob, then takes it back (read rules only) -----
	const shareName = 'sharing: bob\'s Replicache client receives the todos of a list alice shares with him, and loses them when she unshares';
	if (!perUserViews) {
		skip(shareName, 'the server sends every row to every user (no read rules), so sharing changes nothing a client receives');
	}
	else {
		const errors = [];
		const aliceRep = quietClient('share-alice', 'alice', { errors });
		const bobRep = quietClient('share-bob', 'bob', { errors });
		const list = `trip-${RUN_ID}`;
		const tripIds = [0, 1, 2].map((i) => `trip-${RUN_ID}-${i}`);
		const tripKeys = (ids) => ids.map((id) => `todos/${id}`);
		await aliceRep.mutate.createList({ id: list, name: 'Trip' });
		for (const id of tripIds) {
			await aliceRep.mutate.createTodo({ id, text: `pack ${id}`, listId: list });
		}
		const created = await drain(aliceRep);
		const beforeShare = await syncUntil(base, bobRep, 'bob', (todos) => tripKeys(tripIds).every((key) => !todos.has(key)));
		await aliceRep.mutate.shareList({ listId: list, userName: 'bob' });
		const shared = await drain(aliceRep);
		const afterShare = await syncUntil(base, bobRep, 'bob', (todos) => tripKeys(tripIds).every((key) => todos.has(key)));
		// Now a member: bob's edit lands, and alice's next todo reaches him incrementally.
		await bobRep.mutate.updateTodo({ id: tripIds[0], done: true });
		const bobEdited = await drain(bobRep);
		tripIds.push(`trip-${RUN_ID}-3`);
		await aliceRep.mutate.createTodo({ id: tripIds[3], text: 'added after sharing', listId: list });
		const added = await drain(aliceRep);
		const afterAdd = await syncUntil(base, bobRep, 'bob', (todos) => tripKeys(tripIds).every((key) => todos.has(key)));
		const doneRow = (await getTodos(base, 'admin')).find((row) => row.id === tripIds[0]);
		check('sharing: after alice shares her list with bob, his Replicache client holds its todos (and exactly GET /todos as bob), his edit lands, and a todo she adds later reaches him',
			created && beforeShare.problems.length === 0 && shared && afterShare.problems.length === 0 && bobEdited && doneRow?.done === true
				&& added && afterAdd.problems.length === 0,
			`created ${created}, before sharing ${beforeShare.problems.slice(0, 5).join('; ')}\nshared ${shared}: ${afterShare.problems.slice(0, 5).join('; ')}\n`
			+ `bob's edit ${bobEdited} ${JSON.stringify(doneRow)}\nadded ${added}: ${afterAdd.problems.slice(0, 5).join('; ')}`);
		await aliceRep.mutate.unshareList({ listId: list, userName: 'bob' });
		const unshared = await drain(aliceRep);
		const afterUnshare = await syncUntil(base, bobRep, 'bob', (todos) => tripKeys(tripIds).every((key) => !todos.has(key)));
		// No longer a member: bob's edit is denied and changes nothing.
		await bobRep.mutate.updateTodo({ id: tripIds[1], text: 'bob was here' });
		const deniedDrained = await drain(bobRep);
		const untouched = (await getTodos(base, 'admin')).find((row) => row.id === tripIds[1]);
		const afterDenied = await syncUntil(base, bobRep, 'bob', (todos) => !todos.has(`todos/${tripIds[1]}`));
		check('unsharing: after alice unshares, bob\'s client loses all 4 todos of her list (exactly GET /todos as bob), and his edit of one is denied',
			unshared && afterUnshare.problems.length === 0 && deniedDrained && untouched?.text === `pack ${tripIds[1]}` && afterDenied.problems.length === 0,
			`unshared ${unshared}: ${afterUnshare.problems.slice(0, 10).join('; ')}\ndenied edit drained ${deniedDrained}, row ${JSON.stringify(untouched)}\n${afterDenied.problems.slice(0, 5).join('; ')}`);
		check('sharing clients: Replicache logged no errors', errors.length === 0, errors.slice(0, 10).join('\n'));
		await Promise.all([aliceRep.close(), bobRep.close()]);
	}

	// --- files: an attachment uploaded, attached, downloaded by a member only, resumed, collected ---------
	const filesName = 'files: alice uploads and attaches a file through her Replicache client, bob (member) downloads the same bytes, carol gets 404, an interrupted upload resumes, and the file of a deleted todo is collected';
	if (!perUserViews) {
		skip(filesName, 'without read rules every user may read every todo, so carol\'s 404 proves nothing');
	}
	else {
		await filesCheck(base, quietClient);
	}

	const problems = appLogProblems();
	if (problems.length > 0) {
		log(`${problems.length} unexpected WARN/ERROR/exception lines in the app log; first ones:\n${problems.slice(0, 10).join('\n')}`);
	}
	stopping = true;
	await stopApp();
	log(`app stopped; ${elapsed()}`);

	if (opts['skip-lifecycle']) {
		skip('client lifecycle (ClientStateNotFound)', '--skip-lifecycle');
	}
	else {
		await lifecycleCheck(dbArgs, newClient);
	}
	log(`total ${elapsed()}`);
}

// ------------------------------------------------------------------------------------------------
// Files and blobs (issue 11): {base}/plasma/blobs/{sha256} with the sample's todos.attachment file column
// ------------------------------------------------------------------------------------------------
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

// A blob request as the user; the body is a Buffer or nothing. Answers status, headers and the body's bytes.
async function blobRequest(base, user, method, hash, { body, headers = {} } = {}) {
	const response = await fetchRaw(`${base}/plasma/blobs/${hash}`, {
		method,
		headers: { authorization: basic(user), ...headers },
		...(body !== undefined ? { body } : {}),
	});
	const bytes = Buffer.from(await response.arrayBuffer());
	return { status: response.status, headers: response.headers, bytes, text: bytes.toString('utf8').slice(0, 300) };
}

// Sends the first `sent` bytes of a PUT that declares all of `bytes` (Content-Length), then cuts the
// connection, as a phone losing its network mid-upload does.
function interruptedPut(base, user, hash, mime, bytes, sent) {
	return new Promise((resolve) => {
		const url = new URL(`${base}/plasma/blobs/${hash}`);
		const request = http.request({
			host: url.hostname, port: url.port, path: url.pathname, method: 'PUT',
			headers: { authorization: basic(user), 'content-type': mime, 'content-length': bytes.length },
		});
		request.on('error', () => resolve());
		request.on('response', (response) => {
			response.resume();
			resolve();
		});
		request.write(bytes.subarray(0, sent), () => setTimeout(() => {
			request.destroy();
			resolve();
		}, 200));
	});
}

// GETs a blob until the answer is `status` (the reference of a row is derived right after its change is
// sequenced) or the time is up; returns the last answer.
async function blobUntil(base, user, hash, status, timeoutMs = 5000) {
	const deadline = Date.now() + timeoutMs;
	let answer = await blobRequest(base, user, 'GET', hash);
	while (answer.status !== status && Date.now() < deadline) {
		await sleep(100);
		answer = await blobRequest(base, user, 'GET', hash);
	}
	return answer;
}

async function filesCheck(base, quietClient) {
	const started = Date.now();
	const errors = [];
	const aliceRep = quietClient('files-alice', 'alice', { errors });
	const bobRep = quietClient('files-bob', 'bob', { errors });
	const list = `files-${RUN_ID}`;
	const todoId = `files-${RUN_ID}-1`;
	await aliceRep.mutate.createList({ id: list, name: 'Files' });
	await aliceRep.mutate.shareList({ listId: list, userName: 'bob' });
	await aliceRep.mutate.createTodo({ id: todoId, text: 'the receipt', listId: list });
	const photo = randomBytes(300_000);
	const hash = sha256(photo);
	const upload = await blobRequest(base, 'alice', 'PUT', hash, { body: photo, headers: { 'content-type': 'image/png' } });
	await aliceRep.mutate.attachFile({ todoId, file: { hash, size: photo.length, mime: 'image/png', name: 'receipt.png' } });
	const attached = await drain(aliceRep);
	const bobView = await syncUntil(base, bobRep, 'bob', (todos) => {
		const attachment = todos.get(`todos/${todoId}`)?.attachment;
		return typeof attachment === 'string' && JSON.parse(attachment).hash === hash;
	});
	const bobsAttachment = bobView.todos.get(`todos/${todoId}`)?.attachment;
	const bobs = await blobUntil(base, 'bob', hash, 200);
	const carols = await blobRequest(base, 'carol', 'GET', hash);
	check('files: alice\'s PUT of 300 KB stored it (201), her attachFile through Replicache landed, bob\'s client pulled the todo with the reference, and bob downloads the same bytes (SHA-256, image/png)',
		upload.status === 201 && attached && bobView.problems.length === 0 && typeof bobsAttachment === 'string'
			&& JSON.parse(bobsAttachment).hash === hash && bobs.status === 200 && sha256(bobs.bytes) === hash
			&& bobs.headers.get('content-type') === 'image/png',
		`upload ${upload.status} ${upload.text}; drained ${attached}; bob holds ${JSON.stringify(bobsAttachment)}; ${bobView.problems.slice(0, 5).join('; ')}\n`
		+ `bob's GET ${bobs.status} ${bobs.headers.get('content-type')} ${bobs.bytes.length} bytes, sha256 ${sha256(bobs.bytes)}`);
	check('files: carol (not a member of the list) gets 404 {"error":"NotFound"} for the same hash',
		carols.status === 404 && JSON.parse(carols.text).error === 'NotFound', `${carols.status} ${carols.text}`);

	// An upload cut off after half its bytes; HEAD tells how far it got, PATCH with Upload-Offset continues.
	const scan = randomBytes(1_600_000);
	const scanHash = sha256(scan);
	await interruptedPut(base, 'alice', scanHash, 'application/pdf', scan, 800_000);
	const headDeadline = Date.now() + 5000;
	let head = await blobRequest(base, 'alice', 'HEAD', scanHash);
	while (!(head.status === 200 && Number(head.headers.get('upload-offset')) > 0) && Date.now() < headDeadline) {
		await sleep(100);
		head = await blobRequest(base, 'alice', 'HEAD', scanHash);
	}
	const offset = Number(head.headers.get('upload-offset'));
	const patch = await blobRequest(base, 'alice', 'PATCH', scanHash,
		{ body: scan.subarray(offset), headers: { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' } });
	const headAfter = await blobRequest(base, 'alice', 'HEAD', scanHash);
	const resumed = await blobRequest(base, 'alice', 'GET', scanHash);
	check(`files: a PUT cut off after 800000 of 1600000 bytes resumes: HEAD says Upload-Offset ${offset}, PATCH from there completes it, and the blob has the whole file's SHA-256`,
		head.status === 200 && offset > 0 && offset <= 800_000 && Number(head.headers.get('upload-length')) === scan.length
			&& patch.status === 200 && JSON.parse(patch.text).state === 'present'
			&& Number(headAfter.headers.get('upload-offset')) === scan.length && resumed.status === 200 && sha256(resumed.bytes) === scanHash,
		`HEAD ${head.status} offset ${head.headers.get('upload-offset')} length ${head.headers.get('upload-length')}; PATCH ${patch.status} ${patch.text}; `
		+ `HEAD after ${headAfter.headers.get('upload-offset')}; GET ${resumed.status} ${resumed.bytes.length} bytes`);

	// The todo goes; once its reference has been gone for the grace (1 s), the orphan collection deletes the bytes.
	await aliceRep.mutate.deleteTodo({ id: todoId });
	const deleted = await drain(aliceRep);
	// A busy machine may derive the lost reference a moment after the push returned: up to 3 runs, 1 s apart.
	const gcRuns = [];
	let aliceAfter = null;
	for (let attempt = 0; attempt < 3 && aliceAfter?.status !== 404; attempt++) {
		await sleep(attempt === 0 ? 1500 : 1000);
		gcRuns.push(await postJson(`${base}/actuator/plasma/gcOrphanedBlobs`, {}, 'admin'));
		aliceAfter = await blobRequest(base, 'alice', 'GET', hash);
	}
	const bobAfter = await blobRequest(base, 'bob', 'GET', hash);
	const orphaned = gcRuns.reduce((sum, run) => sum + (run.json?.orphaned ?? 0), 0);
	const collected = gcRuns.reduce((sum, run) => sum + (run.json?.bytesCollected ?? 0), 0);
	check(`files: after the todo is deleted and the grace has passed, POST /actuator/plasma/gcOrphanedBlobs collects its file (${gcRuns.length} run(s): ${orphaned} orphaned, ${collected} bytes) and GET is 404 for its uploader and for bob`,
		deleted && gcRuns.every((run) => run.status === 200 && run.json?.ran === true) && orphaned >= 1 && collected >= photo.length
			&& aliceAfter.status === 404 && bobAfter.status === 404,
		`deleted ${deleted}; gc ${gcRuns.map((run) => `${run.status} ${run.text}`).join(', ')}; alice ${aliceAfter.status} ${aliceAfter.text}; bob ${bobAfter.status}`);
	check('files clients: Replicache logged no errors', errors.length === 0, errors.slice(0, 10).join('\n'));
	await Promise.all([aliceRep.close(), bobRep.close()]);
	log(`files: checked in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

// ------------------------------------------------------------------------------------------------
// Client lifecycle: a client group unseen for plasma.clients.retention is deleted by the cleanup job; the
// real client's next pull gets ClientStateNotFound, and the client starts a fresh group and syncs again.
// Runs the app a second time (same database on PostgreSQL and MariaDB, a fresh one on H2) with a
// retention of seconds and the job every second.
// ------------------------------------------------------------------------------------------------
async function lifecycleCheck(dbArgs, newClient) {
	const port = await freePort();
	const base = await startApp(port, [...dbArgs, '--plasma.clients.retention=3s', '--plasma.clients.last-seen-interval=1s',
		'--plasma.clients.cleanup-cron=* * * * * *'], path.join(LOG_DIR, `app-${DB}-lifecycle.log`));
	log(`lifecycle: app healthy at ${base} (retention 3 s, cleanup every second; log: ${path.relative(REPO, APP_LOG)})`);
	const syncBase = `${base}/plasma/replicache`;
	const name = `e2e-${RUN_ID}-lifecycle`;
	const errors = [];
	const first = newClient(name, 'lifecycle-1', 'carol', { pullInterval: 600000, errors, syncBase });
	const firstGroup = await first.clientGroupID;
	const before = `life-${RUN_ID}-1`;
	await first.mutate.createTodo({ id: before, text: 'before the cleanup' });
	const drained = await drain(first);
	const heldBefore = (await readTodos(first)).has(`todos/${before}`);
	// Unseen from now on: wait until the job has deleted every group (only the main run's and this one exist).
	const active = async () => {
		const response = await getAs(`${base}/actuator/metrics/plasma.clients.groups?tag=state:active`);
		return response.status === 200 ? (await response.json()).measurements?.find((m) => m.statistic === 'VALUE')?.value : Number.NaN;
	};
	const deleteDeadline = Date.now() + 30000;
	let activeGroups = await active();
	while (activeGroups !== 0 && Date.now() < deleteDeadline) {
		await sleep(500);
		activeGroups = await active();
	}
	// What a page reload does: the client group is disabled, a new Replicache instance of the same name starts.
	let notFound = 0;
	let second = null;
	const reloaded = new Promise((resolve) => {
		first.onClientStateNotFound = () => {
			notFound++;
			resolve();
		};
	});
	await first.pull({ now: true }).catch(() => {});
	await Promise.race([reloaded, sleep(10000)]);
	if (notFound > 0) {
		await first.close();
		second = newClient(name, 'lifecycle-2', 'carol', { pullInterval: 600000, errors, syncBase });
	}
	const seenNotFound = wire.errors.filter((e) => e.group === firstGroup && e.kind === 'pull' && e.status === 200 && e.error === 'ClientStateNotFound');
	// The deleted group is gone for good: the native protocol says 410.
	const native = await postJson(`${base}/plasma/pull`, { pullVersion: 1, clientGroupID: firstGroup, profileID: 'p', schemaVersion: '', cookie: null }, 'carol');
	let secondGroup = null;
	let drainedAgain = false;
	let landed = false;
	let view = { problems: ['no second client'] };
	const after = `life-${RUN_ID}-2`;
	if (second) {
		secondGroup = await second.clientGroupID;
		await second.mutate.createTodo({ id: after, text: 'after the cleanup, from a fresh client group' });
		drainedAgain = await drain(second);
		landed = (await getTodos(base, 'admin')).some((row) => row.id === after);
		view = await syncUntil(base, second, 'carol', (todos) => todos.has(`todos/${before}`) && todos.has(`todos/${after}`));
		await second.close();
	}
	else {
		await first.close();
	}
	// Replicache's own error lines about the missing client state are expected; nothing else is.
	const unexpected = errors.filter((line) => !/Client state not found/.test(line));
	check(`lifecycle: a group unseen for the retention was deleted (active groups ${activeGroups}); the real client's pull got 200 {"error":"ClientStateNotFound"} (${seenNotFound.length}x), onClientStateNotFound ran, the reloaded client started a new group, its push landed and it holds exactly what carol should`,
		drained && heldBefore && activeGroups === 0 && seenNotFound.length >= 1 && notFound >= 1 && secondGroup !== null && secondGroup !== firstGroup
			&& drainedAgain && landed && view.problems.length === 0 && unexpected.length === 0,
		`first group ${firstGroup} drained ${drained} held ${heldBefore}; active groups ${activeGroups}; ClientStateNotFound seen ${JSON.stringify(seenNotFound)}; onClientStateNotFound ${notFound}x\n`
		+ `second group ${secondGroup}, drained ${drainedAgain}, landed ${landed}\n${view.problems.slice(0, 10).join('\n')}\nerrors ${unexpected.slice(0, 10).join('\n')}`);
	check('lifecycle: the deleted group on the native protocol: 410 {"error":"ClientStateNotFound"}',
		native.status === 410 && native.json?.error === 'ClientStateNotFound', `${native.status} ${native.text}`);
	stopping = true;
	await stopApp();
	log(`lifecycle: app stopped`);
}

main()
	.catch((error) => {
		check(`run completed (${error.message})`, false, error.stack);
		dumpAppLog();
	})
	.finally(async () => {
		stopping = true;
		await stopApp();
		finish();
	});

#!/usr/bin/env node
// End-to-end test of Plasma with the real, unmodified Replicache client (v15.3.0).
//
// 1. Builds (unless --no-build) and starts sample-app as a real process on a free loopback port, against
//    H2 (in memory), PostgreSQL or MariaDB (a database dropped and re-created for every run), waits for
//    /actuator/health UP, and always stops it at the end.
// 2. Runs many Replicache clients in this process, several per client group, each making random
//    createTodo/updateTodo/deleteTodo mutations (some on contested IDs, so that some fail on the server).
//    Meanwhile todos are written behind Plasma's back: plain JdbcTemplate inserts through the sample
//    app's POST /plain/todos (when the build has it), and on PostgreSQL and MariaDB psql or mariadb sessions (single statements
//    and transactions that stay open for seconds).
// 3. Lets everyone settle (push, pull, until no mutation is pending), then asserts that every client's
//    todos/ keys equal the database rows exactly (GET /todos).
// 4. Checks wire-level facts on every sync request the clients made, and a few protocol facts over raw
//    fetch (cookie that does not move, VersionNotSupported, exactly-once on a re-sent mutation).
//
// With --timing it measures instead: --clients N clients, each its own client group, make --mutations M
// mutations each at once; the figure is the time from the first mutation until every client holds exactly
// the database's todos. Only wrong convergence fails the run; the time is printed, never judged.
//
// Usage: node run-e2e.mjs --db h2|postgresql|mariadb [--no-build] [--seed N] [--groups N] [--clients-per-group N]
//        [--mutations N] [--max-changes N] [--settle-seconds N] [--jar PATH] [--pg-database NAME]
//        [--mariadb-database NAME] [--timing [--clients N]]
// Ends with a line "e2e-<db>: N passed, M failed"; exit code 0 only when nothing failed.

import { spawn, spawnSync } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';

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
	},
	strict: true,
});
const DB = opts.db;
if (DB !== 'h2' && DB !== 'postgresql' && DB !== 'mariadb') {
	console.error(`--db must be h2, postgresql or mariadb, got ${DB}`);
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
const WATCHDOG_MS = 195_000 + SETTLE_TIMEOUT_MS; // whole run, build excluded

const LOG_DIR = path.join(HERE, 'logs');
fs.mkdirSync(LOG_DIR, { recursive: true });
const APP_LOG = path.join(LOG_DIR, `app-${DB}.log`);

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
const pick = (items) => items[Math.floor(random() * items.length)];
const randomText = (prefix) => `${prefix} ${Math.floor(random() * 1e9).toString(36)}`;

// ------------------------------------------------------------------------------------------------
// Results
// ------------------------------------------------------------------------------------------------
const results = [];
function check(name, ok, details) {
	results.push({ name, ok: Boolean(ok) });
	console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}`);
	if (!ok && details !== undefined) {
		const text = typeof details === 'string' ? details : JSON.stringify(details, null, 2);
		console.log(text.split('\n').map((line) => `      ${line}`).join('\n'));
	}
	return Boolean(ok);
}

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
			.filter((line) => !/mutation 'createTodo' .* failed and was skipped: org\.springframework\.dao\.DuplicateKeyException/.test(line));
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
	console.log(`\ne2e-${DB}: ${passed} passed, ${failed} failed`);
	process.exit(failed > 0 || results.length === 0 ? 1 : 0);
}

function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
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

async function startApp(port, extraArgs) {
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
const mutators = {
	async createTodo(tx, { id, text }) {
		if (await tx.has(`todos/${id}`)) {
			return; // the server's INSERT fails on the primary key: the mutation fails and changes nothing
		}
		await tx.set(`todos/${id}`, { id, text, done: false, created_at: Date.now() });
	},
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
};

async function readTodos(rep) {
	const entries = await rep.query((tx) => tx.scan({ prefix: 'todos/' }).entries().toArray());
	return new Map(entries);
}

async function runClient(client, base, stats) {
	const { rep, label } = client;
	let created = 0;
	for (let i = 0; i < MUTATIONS_PER_CLIENT; i++) {
		const todos = await readTodos(rep);
		const ids = [...todos.values()].map((todo) => todo.id);
		const r = random();
		if (r < 0.06) {
			// Contested ID shared by all clients: whoever's create reaches the server second fails on the
			// primary key (a permanently failing mutation that must not wedge its client).
			const id = `contested-${RUN_ID}-${Math.floor(random() * 4)}`;
			await rep.mutate.createTodo({ id, text: randomText(`contested, created by ${label}`) });
			stats.contested++;
		}
		else if (ids.length === 0 || r < 0.4) {
			const id = `${label}-${++created}`;
			await rep.mutate.createTodo({ id, text: randomText(`todo of ${label}`) });
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
				await psql.run(`INSERT INTO todos (id, text, done, created_at) VALUES ('sql-${RUN_ID}-${++n}', ${sqlText(`from ${SQL.client}`)}, ${random() < 0.5}, ${Date.now()});`);
				count('insert');
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
INSERT INTO todos (id, text, done, created_at) VALUES ('sql-${RUN_ID}-${++n}', ${sqlText('slow psql')}, false, ${Date.now()});
UPDATE todos SET text = ${sqlText('slow psql edit')} WHERE id = ${randomRow};
${SQL.sleep(sleepSeconds)}
INSERT INTO todos (id, text, done, created_at) VALUES ('sql-${RUN_ID}-${++n}', ${sqlText('slow psql late')}, true, ${Date.now()});
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
		const response = await postJson(`${base}/plain/todos`, { id, text: randomText('from POST /plain/todos') });
		stats.plain++;
		if (response.status !== 201) {
			stats.plainFailures.push(`${id}: ${response.status} ${response.text}`);
		}
		await sleep(30 + Math.floor(random() * 120));
	}
}

async function hasPlainEndpoint(base) {
	const probe = await postJson(`${base}/plain/todos`, {}); // invalid on purpose: writes nothing
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

async function getTodos(base) {
	const response = await fetchRaw(`${base}/todos`);
	if (response.status !== 200) {
		throw new Error(`GET /todos answered ${response.status}`);
	}
	return response.json();
}

// The plasma.push.mutations counter for one outcome (0 when the meter does not exist yet).
async function mutationCount(base, outcome) {
	const response = await fetchRaw(`${base}/actuator/metrics/plasma.push.mutations?tag=outcome:${outcome}`);
	if (response.status === 404) {
		return 0;
	}
	const body = await response.json();
	return body.measurements?.find((m) => m.statistic === 'COUNT')?.value ?? Number.NaN;
}

async function postJson(url, body) {
	const response = await fetchRaw(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
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
// Timing (--timing): time from the first mutation until every client holds exactly the database's todos
// ------------------------------------------------------------------------------------------------
// Each client makes its mutations back to back on its own todos (creates, updates, deletes; none fail)
// while Replicache pushes them in the background. Then every client pushes and pulls, all at once, round
// after round (the harness plays the poke that tells clients to pull), until no mutation is pending and
// every client's todos/ keys equal GET /todos.
async function measureConvergence(base, newClient, replicacheErrors) {
	const clients = [];
	for (let i = 1; i <= TIMING_CLIENTS; i++) {
		const label = `t${i}`;
		const rep = newClient(`timing-${RUN_ID}-${i}`, label, { pullInterval: 600000, pushDelay: 5 });
		clients.push({ label, rep, mutations: 0, ids: [] });
	}
	// Everyone starts from the (empty) full state, so the figure holds no first pull of a newcomer.
	await Promise.all(clients.map((c) => c.rep.pull({ now: true })));
	const groups = new Set(await Promise.all(clients.map((c) => c.rep.clientGroupID)));
	check(`${clients.length} Replicache clients, each its own client group`, groups.size === clients.length, [...groups]);

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
	let dbRows = [];
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
		dbRows = await getTodos(base);
		mismatches = [];
		for (const client of clients) {
			const problems = compareWithDatabase(client.label, await readTodos(client.rep), dbRows);
			if (problems.length > 0) {
				mismatches.push(...problems.map((problem) => `${client.label}: ${problem}`));
			}
		}
		converged = mismatches.length === 0;
	}
	const convergedMs = performance.now() - started;
	const total = clients.reduce((sum, c) => sum + c.mutations, 0);
	check(`${clients.length} clients x ${MUTATIONS_PER_CLIENT} mutations converged: every client holds exactly the database's ${dbRows.length} todos`,
		converged, mismatches.slice(0, 15).join('\n') || `not converged within ${SETTLE_TIMEOUT_MS / 1000}s`);
	const unconfirmed = clients.filter((c) => (wire.maxConfirmed.get(c.rep.clientID) ?? 0) !== c.mutations);
	check('every client saw all its mutations confirmed in lastMutationIDChanges', unconfirmed.length === 0,
		unconfirmed.map((c) => `${c.label}: made ${c.mutations}, highest confirmed ${wire.maxConfirmed.get(c.rep.clientID) ?? 'none'}`).join('\n'));
	const applied = await mutationCount(base, 'applied');
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
	const base = await startApp(port, dbArgs);
	log(`app healthy at ${base} (log: ${path.relative(REPO, APP_LOG)})`);
	const replicacheBase = `${base}/plasma/replicache`;

	// Imported only now, after the fetch wrapper is installed.
	const { Replicache, TEST_LICENSE_KEY } = await import('replicache');

	// --- clients ---------------------------------------------------------------------------------
	const replicacheErrors = [];
	// A Replicache client against the app; what it logs and every reset or update it asks for is an error.
	const newClient = (name, label, options) => {
		const rep = new Replicache({
			name,
			licenseKey: TEST_LICENSE_KEY,
			pushURL: `${replicacheBase}/push`,
			pullURL: `${replicacheBase}/pull`,
			kvStore: 'mem',
			mutators,
			logLevel: 'error',
			logSinks: [{
				log(level, context, ...args) {
					replicacheErrors.push(`${label} ${level} ${context ? JSON.stringify(context) : ''} ${args.map((a) => (a instanceof Error ? a.stack : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
				},
			}],
			...options,
		});
		rep.onClientStateNotFound = () => replicacheErrors.push(`${label}: onClientStateNotFound called`);
		rep.onUpdateNeeded = (reason) => replicacheErrors.push(`${label}: onUpdateNeeded called: ${JSON.stringify(reason)}`);
		return rep;
	};
	if (TIMING) {
		await measureConvergence(base, newClient, replicacheErrors);
		stopping = true;
		await stopApp();
		return;
	}
	const clients = [];
	for (let g = 1; g <= GROUPS; g++) {
		for (let c = 1; c <= CLIENTS_PER_GROUP; c++) {
			const label = `g${g}c${c}`;
			const name = `e2e-${RUN_ID}-group${g}`; // same name = same client group (shared 'mem' store)
			const rep = newClient(name, label, { pullInterval: 300, pushDelay: 5 });
			const client = { label, group: g, rep, mutations: 0, clientGroupID: await rep.clientGroupID };
			clients.push(client);
		}
	}
	const groupsOk = [...Array(GROUPS).keys()].every((i) => {
		const ids = new Set(clients.filter((c) => c.group === i + 1).map((c) => c.clientGroupID));
		return ids.size === 1;
	}) && new Set(clients.map((c) => c.clientGroupID)).size === GROUPS;
	check(`${clients.length} Replicache clients formed ${GROUPS} client groups of ${CLIENTS_PER_GROUP}`, groupsOk,
		clients.map((c) => `${c.label} clientID=${c.rep.clientID} clientGroupID=${c.clientGroupID}`).join('\n'));

	// --- workload: clients and raw SQL at the same time -----------------------------------------
	const stats = { creates: 0, updates: 0, deletes: 0, contested: 0, raw: {}, rawFailures: [], plain: 0, plainFailures: [] };
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
	check(`workload: ${totalMutations} client mutations (${stats.creates} creates, ${stats.contested} creates of contested IDs, ${stats.updates} updates, ${stats.deletes} deletes) in ${(workloadMs / 1000).toFixed(1)}s`,
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
	let dbRows = [];
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
			dbRows = await getTodos(base);
			mismatches = [];
			for (const client of clients) {
				const problems = compareWithDatabase(client.label, await readTodos(client.rep), dbRows);
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
	log(`settled: ${settled} after ${rounds} push/pull rounds in ${(settleMs / 1000).toFixed(1)}s; database has ${dbRows.length} todos`);
	check(`every client's pending mutations drained (${rounds} rounds, ${(settleMs / 1000).toFixed(1)}s)`,
		pending.every((count) => count === 0), clients.map((c, i) => `${c.label}: ${pending[i]} pending`).join('\n'));
	// One final pull per client, then the comparison that counts.
	await Promise.all(clients.map((c) => c.rep.pull({ now: true }).catch(() => {})));
	dbRows = await getTodos(base);
	for (const client of clients) {
		const todos = await readTodos(client.rep);
		const problems = compareWithDatabase(client.label, todos, dbRows);
		check(`${client.label} holds exactly the database's ${dbRows.length} todos (client has ${todos.size})`, problems.length === 0,
			[...problems.slice(0, 15), problems.length > 15 ? `... and ${problems.length - 15} more` : ''].join('\n'));
	}
	check('the database holds todos of several clients' + (DB !== 'h2' ? ` and of ${SQL.client}` : '') + (plain ? ' and of POST /plain/todos' : ''),
		new Set(dbRows.map((row) => row.id.split('-')[0])).size >= Math.min(3, clients.length),
		dbRows.map((row) => row.id).join(', '));

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
	const meterNames = (await (await fetchRaw(`${base}/actuator/metrics`)).json()).names ?? [];
	if (meterNames.includes('plasma.push.mutations')) {
		const outcomes = {};
		for (const outcome of ['applied', 'failed', 'duplicate', 'gap']) {
			outcomes[outcome] = await mutationCount(base, outcome);
		}
		log(`server mutation outcomes (plasma.push.mutations): ${JSON.stringify(outcomes)}`);
		check(`exactly once: applied + failed on the server = ${totalMutations} mutations made by the clients (${outcomes.failed} failed, e.g. contested creates)`,
			outcomes.applied + outcomes.failed === totalMutations, outcomes);
	}
	else {
		log('exactly-once count skipped: this build of the app has no plasma.push.mutations meter');
	}

	await Promise.all(clients.map((c) => c.rep.close()));

	// A client of its own group that pulls only when told to (no interval pull during a check).
	const quietClient = (label) => newClient(`e2e-${RUN_ID}-${label}`, label, { pullInterval: 600000 });

	// --- paging with the real client: a backlog over plasma.pull.max-changes, caught up through plasma:hasMore
	if (plain) {
		const pager = quietClient('pager'); // only the subscription below pulls
		await pager.pull({ now: true });
		const resetDeadline = Date.now() + 10000;
		while ((await readTodos(pager)).size < dbRows.length && Date.now() < resetDeadline) {
			await sleep(50);
		}
		const backlog = MAX_CHANGES * 3 + 7;
		for (let i = 0; i < backlog; i++) {
			await postJson(`${base}/plain/todos`, { id: `page-${RUN_ID}-${i}`, text: `paged ${i}` });
		}
		const expected = await getTodos(base);
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
			pagerProblems.length === 0 && moreLeft === undefined && seenMore.length >= 2,
			`hasMore values seen ${JSON.stringify(seenMore)}, left ${JSON.stringify(moreLeft)}\n${pagerProblems.slice(0, 10).join('\n')}`);
		dbRows = expected;
	}

	// --- compaction while a real client is behind: its next pull is a reset it must apply -------------
	const status = await fetchRaw(`${base}/actuator/plasma`);
	if (plain && status.ok) {
		const laggard = quietClient('laggard');
		await laggard.pull({ now: true });
		const caughtUpDeadline = Date.now() + 10000;
		while ((await readTodos(laggard)).size < dbRows.length && Date.now() < caughtUpDeadline) {
			await sleep(50);
		}
		const heldBefore = (await readTodos(laggard)).size;
		// Behind its back: new rows, and one of its rows deleted by another client group's mutation.
		for (let i = 0; i < 10; i++) {
			await postJson(`${base}/plain/todos`, { id: `late-${RUN_ID}-${i}`, text: `late ${i}` });
		}
		// A row the laggard holds: compaction drops its put and its del together, so only a reset removes it.
		const victim = dbRows[0].id;
		const deleted = await postJson(`${base}/plasma/push`, { pushVersion: 1, clientGroupID: `deleter-${RUN_ID}`, profileID: 'p', schemaVersion: '',
			mutations: [{ clientID: 'deleter', id: 1, name: 'deleteTodo', args: { id: victim }, timestamp: 1 }] });
		const head = (await (await fetchRaw(`${base}/actuator/plasma`)).json()).head;
		const compacted = await postJson(`${base}/actuator/plasma`, { safeUpToVersion: head });
		await laggard.pull({ now: true });
		const expected = await getTodos(base);
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
		check(`a client behind a compaction (floor raised to ${head}, ${compacted.json?.result?.removed} entries removed) is reset by its next pull and holds exactly the database's ${expected.length} todos, without the row deleted meanwhile`,
			deleted.json?.results?.[0]?.outcome === 'applied' && compacted.json?.status === 'compacted' && compacted.json?.result?.floor === head
				&& heldBefore === dbRows.length && laggardProblems.length === 0 && !laggardTodos.has(`todos/${victim}`)
				&& !expected.some((row) => row.id === victim),
			`delete ${deleted.text}\ncompaction ${compacted.text}\nheld before ${heldBefore} of ${dbRows.length}\n${laggardProblems.slice(0, 10).join('\n')}`);
		dbRows = expected;
	}

	// --- protocol facts over raw fetch ---------------------------------------------------------------
	const rawGroup = `raw-${RUN_ID}`;
	const pullBody = (cookie) => ({ pullVersion: 1, clientGroupID: rawGroup, profileID: 'p-raw', schemaVersion: '', cookie });
	const pushBody = (pushVersion, mutations) => ({ pushVersion, clientGroupID: rawGroup, profileID: 'p-raw', schemaVersion: '', mutations });
	const first = await postJson(`${replicacheBase}/pull`, pullBody(null));
	const firstOk = first.status === 200 && first.json?.patch?.[0]?.op === 'clear'
		&& first.json.patch.length === dbRows.length + 1 && typeof first.json.cookie?.order === 'number';
	check(`raw pull without cookie: 200, clear + ${dbRows.length} puts, ordered cookie`, firstOk, first.text.slice(0, 1500));
	const cookie = first.json?.cookie ?? null;
	const again = await postJson(`${replicacheBase}/pull`, pullBody(cookie));
	const againOk = again.status === 200 && isDeepStrictEqual(again.json?.cookie, cookie) && Array.isArray(again.json?.patch)
		&& again.json.patch.length === 0 && Object.keys(again.json.lastMutationIDChanges ?? {}).length === 0;
	check('raw pull with the cookie just returned: same cookie, empty patch, no lastMutationIDChanges', againOk,
		`request cookie ${JSON.stringify(cookie)}\nresponse ${again.status} ${again.text}`);

	const v2 = await postJson(`${replicacheBase}/push`, pushBody(2, []));
	check('push with pushVersion 2: HTTP 200 {"error":"VersionNotSupported","versionType":"push"}',
		v2.status === 200 && isDeepStrictEqual(v2.json, { error: 'VersionNotSupported', versionType: 'push' }), `${v2.status} ${v2.text}`);
	const pv2 = await postJson(`${replicacheBase}/pull`, { ...pullBody(null), pullVersion: 2 });
	check('pull with pullVersion 2: HTTP 200 {"error":"VersionNotSupported","versionType":"pull"}',
		pv2.status === 200 && isDeepStrictEqual(pv2.json, { error: 'VersionNotSupported', versionType: 'pull' }), `${pv2.status} ${pv2.text}`);

	const rawId = `raw-${RUN_ID}-1`;
	const mutation = { clientID: 'raw-client', id: 1, name: 'createTodo', args: { id: rawId, text: 'raw push' }, timestamp: 1.5 };
	const pushed = await postJson(`${replicacheBase}/push`, pushBody(1, [mutation]));
	const afterPush = await postJson(`${replicacheBase}/pull`, pullBody(cookie));
	const afterPushOk = pushed.status === 200 && afterPush.status === 200
		&& afterPush.json?.cookie?.order > cookie?.order
		&& isDeepStrictEqual(afterPush.json.lastMutationIDChanges, { 'raw-client': 1 })
		&& afterPush.json.patch.length === 1 && afterPush.json.patch[0].key === `todos/${rawId}` && afterPush.json.patch[0].value?.text === 'raw push';
	check('raw push then pull: the cookie moves, lastMutationIDChanges {"raw-client":1}, the new row in the patch', afterPushOk,
		`push ${pushed.status} ${pushed.text}\npull ${afterPush.status} ${afterPush.text}`);
	const cookie2 = afterPush.json?.cookie ?? null;
	const resent = await postJson(`${replicacheBase}/push`, pushBody(1, [{ ...mutation, args: { id: rawId, text: 'must not run twice' } }]));
	const afterResend = await postJson(`${replicacheBase}/pull`, pullBody(cookie2));
	const rawRow = (await getTodos(base)).find((row) => row.id === rawId);
	check('re-sent mutation 1 is not run again: 200, same cookie, empty patch, row unchanged',
		resent.status === 200 && afterResend.status === 200 && isDeepStrictEqual(afterResend.json?.cookie, cookie2)
		&& afterResend.json.patch.length === 0 && rawRow?.text === 'raw push',
		`push ${resent.status} ${resent.text}\npull ${afterResend.status} ${afterResend.text}\nrow ${JSON.stringify(rawRow)}`);

	const problems = appLogProblems();
	if (problems.length > 0) {
		log(`${problems.length} unexpected WARN/ERROR/exception lines in the app log; first ones:\n${problems.slice(0, 10).join('\n')}`);
	}
	stopping = true;
	await stopApp();
	log(`app stopped; total ${elapsed()}`);
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

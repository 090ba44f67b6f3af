#!/usr/bin/env node
// Regions end to end (issue 13): two sample-app processes on one PostgreSQL or MariaDB database, as regions
// "0" and "1" (plasma.region.id), and real Replicache clients of alice whose every push and pull goes to
// one instance or the other in turn. While the clients mutate (creates in alice's inbox and updates of six
// shared todos, so that the same rows are written through both regions), raw SQL updates the shared todos
// behind both apps' backs. Then region 1's only instance is killed with SIGKILL, a mutation of region 1 that
// was committed but never sequenced is left behind (written with region 1's origin in _plasma_origin, as the
// dead instance would have), and the clients go on against region 0 alone. Checked: region 0's instance
// takes the dead region's pending entry over within plasma.region.takeover-after (3 s here) and sequences
// it in region 1's version space; nothing stays pending; every client ends with exactly the todos
// GET /todos answers alice; every pull answered 200 with an order that never went backwards; a cookie
// naming an unknown region is answered 400; /actuator/plasma shows both regions.
//
// Usage: node run-regions.mjs --db postgresql|mariadb [--no-build] [--pg-database plasma_e2e_regions]
//        [--mariadb-database plasma_e2e_regions] [--seed N]
// Exit status 0 when every check passed.

import { spawn, spawnSync } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

setMaxListeners(200);

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const { values: opts } = parseArgs({
	options: {
		db: { type: 'string', default: 'postgresql' },
		'no-build': { type: 'boolean', default: false },
		seed: { type: 'string' },
		jar: { type: 'string', default: path.join(REPO, 'sample-app/target/sample-app-0.1.0-SNAPSHOT.jar') },
		'pg-database': { type: 'string', default: 'plasma_e2e_regions' },
		'mariadb-database': { type: 'string', default: 'plasma_e2e_regions' },
	},
	strict: true,
});
const DB = opts.db;
if (DB !== 'postgresql' && DB !== 'mariadb') {
	console.error(`--db must be postgresql or mariadb, got ${DB}`);
	process.exit(2);
}
const DB_NAME = DB === 'postgresql' ? opts['pg-database'] : opts['mariadb-database'];
if (!/^[a-z_][a-z0-9_]*$/.test(DB_NAME)) {
	console.error(`database names must be lower-case SQL identifiers, got ${DB_NAME}`);
	process.exit(2);
}
const SEED = opts.seed !== undefined ? Number(opts.seed) : Math.floor(Math.random() * 2 ** 31);
const RUN_ID = Date.now().toString(36);
const SHARED = [...Array(6).keys()].map((i) => `shared-${RUN_ID}-${i}`);
const t0 = Date.now();
const log = (...args) => console.log(`[regions ${DB} ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...args);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const basic = (user) => `Basic ${Buffer.from(`${user}:${user}`).toString('base64')}`;
let state = SEED;
const random = () => {
	state = (state * 1103515245 + 12345) % 2147483648;
	return state / 2147483648;
};
const pick = (items) => items[Math.floor(random() * items.length)];

const results = [];
function check(name, ok, details) {
	results.push({ name, ok });
	log(`${ok ? 'PASS' : 'FAIL'} ${name}${ok || details === undefined ? '' : `: ${details}`}`);
}

// --- database ---------------------------------------------------------------------------------------
function sql(statements, database = DB_NAME) {
	const result = DB === 'postgresql'
		? spawnSync('psql', ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-U', 'postgres', '-d', database, '-c', statements], { encoding: 'utf8' })
		: spawnSync('mariadb', ['-h', '127.0.0.1', '-uroot', '-N', '-B', ...(database ? [database] : []), '-e', statements], { encoding: 'utf8' });
	if (result.status !== 0) {
		throw new Error(`${statements}: ${result.stderr}`);
	}
	return result.stdout.trim();
}

function prepareDatabase() {
	if (DB === 'postgresql') {
		sql(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`, 'postgres');
		sql(`CREATE DATABASE ${DB_NAME}`, 'postgres');
		return ['--spring.profiles.active=postgresql', `--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/${DB_NAME}`,
			'--spring.datasource.username=postgres'];
	}
	sql(`DROP DATABASE IF EXISTS ${DB_NAME}; CREATE DATABASE ${DB_NAME}`, null);
	return ['--spring.profiles.active=mariadb', `--spring.datasource.url=jdbc:mariadb://127.0.0.1:3306/${DB_NAME}`,
		'--spring.datasource.username=root'];
}

// A mutation of region 1 committed but never sequenced, as an instance killed between its commit and its
// sequencer's batch leaves it: the write carries region 1's origin.
function orphanOfRegion1(id) {
	const session = DB === 'postgresql' ? 'pg_backend_pid()' : 'CONNECTION_ID()';
	const begin = DB === 'postgresql' ? 'BEGIN' : 'START TRANSACTION';
	sql(`${begin}; INSERT INTO _plasma_origin (session_id, client_group_id, client_id, mutation_id, region)
		VALUES (${session}, 'orphan-group', 'orphan-client', 1, '1');
		UPDATE todos SET text = 'orphan of region 1' WHERE id = '${id}';
		DELETE FROM _plasma_origin WHERE session_id = ${session}; COMMIT;`);
}

// --- the two apps -----------------------------------------------------------------------------------
const apps = [];
process.on('exit', () => apps.forEach((app) => app.alive && app.process.kill('SIGKILL')));

function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

async function startApp(region, dbArgs) {
	const port = await freePort();
	const jar = path.join(HERE, 'logs', `sample-app-regions-${region}.jar`);
	fs.mkdirSync(path.dirname(jar), { recursive: true });
	fs.copyFileSync(opts.jar, jar);
	const logFile = path.join(HERE, 'logs', `app-regions-${DB}-${region}.log`);
	const out = fs.openSync(logFile, 'w');
	const child = spawn('java', ['-Xmx384m', '-jar', jar, `--server.port=${port}`, '--server.address=127.0.0.1',
		`--plasma.region.id=${region}`, '--plasma.region.takeover-after=3s', '--plasma.pull.max-changes=20',
		'--management.endpoints.web.exposure.include=health,plasma', ...dbArgs], { cwd: REPO, stdio: ['ignore', out, out] });
	fs.closeSync(out);
	const app = { region, base: `http://127.0.0.1:${port}`, process: child, alive: true, logFile };
	child.on('exit', () => {
		app.alive = false;
	});
	apps.push(app);
	const deadline = Date.now() + 300_000; // a busy machine starts the app slowly
	while (Date.now() < deadline && app.alive) {
		try {
			const response = await fetch(`${app.base}/actuator/health`, { signal: AbortSignal.timeout(2000) });
			if (response.status === 200) {
				log(`region ${region} up on ${app.base}`);
				return app;
			}
		}
		catch {
			// not yet
		}
		await sleep(250);
	}
	throw new Error(`region ${region}'s app did not start; see ${logFile}`);
}

// --- wire: every Replicache request goes to the next live region, round robin ---------------------------
const fetchRaw = globalThis.fetch.bind(globalThis);
let turn = 0;
const wire = { requests: { 0: 0, 1: 0 }, failures: 0, orderViolations: [], errors: [] };
const lastOrder = new Map();
globalThis.fetch = async (input, init) => {
	const url = typeof input === 'string' ? input : input.url;
	if (!url.startsWith('http://regions.invalid/')) {
		return fetchRaw(input, init);
	}
	const live = apps.filter((app) => app.alive);
	const app = live[turn++ % live.length];
	const target = url.replace('http://regions.invalid', `${app.base}/plasma/replicache`);
	const body = input instanceof Request ? await input.clone().text() : String(init?.body ?? '');
	const headers = input instanceof Request ? Object.fromEntries(input.headers) : init?.headers;
	wire.requests[app.region]++;
	let response;
	try {
		response = await fetchRaw(target, { method: 'POST', headers, body });
	}
	catch (error) {
		wire.failures++;
		throw error;
	}
	if (url.endsWith('/pull') && response.status === 200) {
		const answer = await response.clone().json();
		const request = JSON.parse(body);
		if (answer.error !== undefined) {
			wire.errors.push(answer.error);
		}
		else {
			const before = Math.max(lastOrder.get(request.clientGroupID) ?? 0, request.cookie?.order ?? 0);
			if (answer.cookie.order < (request.cookie?.order ?? 0)) {
				wire.orderViolations.push({ before, after: answer.cookie.order });
			}
			lastOrder.set(request.clientGroupID, answer.cookie.order);
		}
	}
	else if (response.status !== 200) {
		wire.errors.push(`${url.endsWith('/pull') ? 'pull' : 'push'} ${response.status}`);
	}
	return response;
};

const mutators = {
	async createTodo(tx, { id, text, listId }) {
		if (await tx.has(`todos/${id}`)) {
			return;
		}
		await tx.set(`todos/${id}`, { id, text, done: false, created_at: Date.now(), ...(listId ? { list_id: listId } : {}) });
	},
	async updateTodo(tx, { id, text, done }) {
		const existing = await tx.get(`todos/${id}`);
		if (existing === undefined) {
			return;
		}
		await tx.set(`todos/${id}`, { ...existing, ...(text != null ? { text } : {}), ...(done != null ? { done } : {}) });
	},
	async deleteTodo(tx, { id }) {
		await tx.del(`todos/${id}`);
	},
};

async function readTodos(rep) {
	return new Map(await rep.query((tx) => tx.scan({ prefix: 'todos/' }).entries().toArray()));
}

async function aliceTodos(base) {
	const response = await fetchRaw(`${base}/todos`, { headers: { authorization: basic('alice') } });
	return response.json();
}

function compare(clientTodos, rows) {
	const problems = [];
	const expected = new Map(rows.map((row) => [`todos/${row.id}`, row]));
	for (const [key, row] of expected) {
		const mine = clientTodos.get(key);
		if (mine === undefined || mine.text !== row.text || mine.done !== row.done || mine.created_at !== row.createdAt) {
			problems.push(`${key}: client ${JSON.stringify(mine)} vs database ${JSON.stringify(row)}`);
		}
	}
	for (const key of clientTodos.keys()) {
		if (!expected.has(key)) {
			problems.push(`${key}: extra on the client`);
		}
	}
	return problems;
}

async function workload(clients, mutations) {
	await Promise.all(clients.map(async ({ rep, label }, index) => {
		for (let i = 0; i < mutations; i++) {
			const r = random();
			if (r < 0.3) {
				await rep.mutate.createTodo({ id: `${label}-${RUN_ID}-${index}-${i}`, text: `todo ${i} of ${label}` });
			}
			else {
				await rep.mutate.updateTodo({ id: pick(SHARED), text: `${label} #${i} ${Math.floor(random() * 1e6)}`, done: random() < 0.5 });
			}
			await sleep(Math.floor(random() * 120));
		}
	}));
}

async function main() {
	log(`seed ${SEED}`);
	if (!opts['no-build']) {
		const build = spawnSync('mvn', ['-q', '-o', '-B', '-pl', 'sample-app', '-am', 'package', '-Dmaven.test.skip=true'], { cwd: REPO, stdio: 'inherit' });
		if (build.status !== 0) {
			throw new Error('building sample-app failed');
		}
	}
	const dbArgs = prepareDatabase();
	const region0 = await startApp('0', dbArgs);
	await startApp('1', dbArgs);

	const { Replicache, TEST_LICENSE_KEY } = await import('replicache');
	const clients = [];
	for (let group = 0; group < 2; group++) {
		for (let c = 0; c < 2; c++) {
			const label = `g${group}c${c}`;
			const rep = new Replicache({
				name: `regions-${RUN_ID}-g${group}`, licenseKey: TEST_LICENSE_KEY, kvStore: 'mem', mutators,
				pushURL: 'http://regions.invalid/push', pullURL: 'http://regions.invalid/pull', auth: basic('alice'),
				logLevel: 'error', pullInterval: 500,
			});
			clients.push({ rep, label });
		}
	}
	const [first] = clients;
	for (const id of SHARED) {
		await first.rep.mutate.createTodo({ id, text: 'shared, initial' });
	}
	await first.rep.push({ now: true }).catch(() => {});

	let rawWrites = 0;
	let raw = true;
	const rawWriter = (async () => {
		while (raw) {
			sql(`UPDATE todos SET text = 'raw ${rawWrites++}' WHERE id = '${pick(SHARED)}'`);
			await sleep(150);
		}
	})();
	await workload(clients, 15);
	log(`phase 1 done: requests ${JSON.stringify(wire.requests)}, ${rawWrites} raw writes`);

	const killed = apps.find((app) => app.region === '1');
	killed.process.kill('SIGKILL');
	while (killed.alive) {
		await sleep(50);
	}
	orphanOfRegion1(SHARED[0]);
	const takeoverStarted = Date.now();
	log('region 1 killed (SIGKILL); left one committed, unsequenced mutation of region 1 behind');
	await workload(clients, 8);
	raw = false;
	await rawWriter;

	let orphanVersion = '';
	while (Date.now() - takeoverStarted < 20_000) {
		orphanVersion = sql(`SELECT row_version FROM _plasma_changes WHERE region = '1' AND row_id = '${SHARED[0]}' AND ${DB === 'postgresql' ? 'value' : 'value'} LIKE '%orphan of region 1%'`);
		if (orphanVersion !== '') {
			break;
		}
		await sleep(200);
	}
	check(`region 0 took over region 1's pending entry in region 1's version space (after ${((Date.now() - takeoverStarted) / 1000).toFixed(1)} s)`,
		orphanVersion !== '', 'no entry of region 1 holds the orphaned write');
	check('region 0 logged the takeover', fs.readFileSync(region0.logFile, 'utf8').includes("region '1' has not renewed its lease"));

	const settleDeadline = Date.now() + 25_000;
	let problems = ['not compared'];
	while (Date.now() < settleDeadline) {
		for (const { rep } of clients) {
			await rep.push({ now: true }).catch(() => {});
			await rep.pull({ now: true }).catch(() => {});
		}
		const pending = (await Promise.all(clients.map(({ rep }) => rep.experimentalPendingMutations()))).flat().length;
		const rows = await aliceTodos(region0.base);
		problems = [];
		for (const { rep, label } of clients) {
			problems.push(...compare(await readTodos(rep), rows).map((problem) => `${label} ${problem}`));
		}
		if (pending === 0 && problems.length === 0) {
			break;
		}
		await sleep(300);
	}
	check('every client holds exactly the todos GET /todos answers alice', problems.length === 0, problems.slice(0, 5).join('; '));
	check('nothing is pending', sql('SELECT COUNT(*) FROM _plasma_pending_changes') === '0');
	check(`both regions served requests ${JSON.stringify(wire.requests)}`, wire.requests[0] > 10 && wire.requests[1] > 10);
	check('every sync answer was a 200 without an error, and no cookie order went backwards',
		wire.errors.length === 0 && wire.orderViolations.length === 0, JSON.stringify({ errors: wire.errors.slice(0, 5), order: wire.orderViolations.slice(0, 5) }));

	const unknown = `c1:${Buffer.from('{"0":"1","7":"1"}').toString('base64')}`;
	const refused = await fetchRaw(`${region0.base}/plasma/pull`, {
		method: 'POST', headers: { 'content-type': 'application/json', authorization: basic('alice') },
		body: JSON.stringify({ pullVersion: 1, clientGroupID: `probe-${RUN_ID}`, profileID: 'p-probe', cookie: unknown, schemaVersion: '' }),
	});
	check('a cookie naming an unknown region is answered 400', refused.status === 400, `${refused.status} ${await refused.text()}`);
	const plasma = await (await fetchRaw(`${region0.base}/actuator/plasma`, { headers: { authorization: basic('admin') } })).json();
	check('/actuator/plasma shows regions 0 and 1', JSON.stringify((plasma.regions ?? []).map((r) => r.region)) === '["0","1"]', JSON.stringify(plasma.regions));

	for (const { rep } of clients) {
		await rep.close();
	}
	apps.forEach((app) => app.alive && app.process.kill('SIGTERM'));
	const failed = results.filter((result) => !result.ok);
	log(`${results.length - failed.length}/${results.length} checks passed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
	process.exit(failed.length === 0 ? 0 : 1);
}

main().catch((error) => {
	log(`run failed: ${error.stack}`);
	apps.forEach((app) => app.alive && app.process.kill('SIGKILL'));
	process.exit(1);
});

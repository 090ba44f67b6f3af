// Helpers shared by the end-to-end scripts (run-e2e.mjs, browser-e2e.mjs).
import net from 'node:net';

/** A free TCP port on the loopback interface. */
export function freePort() {
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

/**
 * A list of check results and the function that records one: prints PASS or FAIL with the name, and on
 * FAIL the details (text or JSON) indented below it. The function returns whether the check passed.
 */
export function checkRecorder() {
	const results = [];
	const check = (name, ok, details) => {
		results.push({ name, ok: Boolean(ok) });
		console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}`);
		if (!ok && details !== undefined) {
			const text = typeof details === 'string' ? details : JSON.stringify(details, null, 2);
			console.log(text.split('\n').map((line) => `      ${line}`).join('\n'));
		}
		return Boolean(ok);
	};
	return { results, check };
}

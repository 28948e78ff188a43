/**
 * `npm start`: builds the package, starts the Mailchimp simulator with a demo audience on
 * http://127.0.0.1:4010, starts a real n8n on http://127.0.0.1:5678 with the package installed,
 * a demo credential pointed at the simulator and the example workflows imported, creates the
 * owner account, and prints what to open. Ctrl-C stops everything.
 *
 * `npm start -- --n8n 1` runs n8n 1.123.50 instead of the default 2.41.1 (on Node 24, installed
 * into the cache on first use).
 *
 * Ports: N8N_PORT (default 5678), SIMULATOR_PORT (default 4010).
 */
import * as path from 'node:path';
import { lineFromArgs } from '../test/e2e/harness/lines';
import { bringUp, DEMO_CREDENTIAL_NAME, say, step } from './demo-stack';

const N8N_PORT = Number(process.env.N8N_PORT ?? 5678);
const OWNER = { email: 'demo@example.com', firstName: 'Demo', lastName: 'User', password: 'Demo-password-1' };

async function main(): Promise<void> {
	const stack = await bringUp({ line: lineFromArgs(process.argv.slice(2)) });
	let stopping = false;
	const shutdown = async (code: number): Promise<void> => {
		if (stopping) return;
		stopping = true;
		say('\nStopping n8n and the simulator…');
		await stack.stop();
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));

	step(`starting n8n on http://127.0.0.1:${N8N_PORT} (about half a minute)`);
	const server = await stack.home.start({ port: N8N_PORT, logFile: path.join(stack.home.root, 'n8n.log') }).catch(async (e) => {
		await stack.stop();
		throw e;
	});
	server.child.once('exit', (code) => {
		if (stopping) return;
		say(`n8n exited (${code}); its log: ${server.logFile}`);
		void shutdown(1);
	});
	await server.setupOwner(OWNER);

	say('');
	say(`n8n ${stack.home.install.version} is running with n8n-nodes-mailchimp-segments installed.`);
	say('');
	say(`  Open        http://127.0.0.1:${N8N_PORT}`);
	say(`  Log in as   ${OWNER.email}`);
	say(`  Password    ${OWNER.password}`);
	say('');
	say(`  Credential  "${DEMO_CREDENTIAL_NAME}" (API key, consent ticked) -> ${stack.sim.url}`);
	say(`  Audience    "Demo Audience", id ${stack.listId} (${stack.sim.state.list(stack.listId)?.members.size ?? '?'} members, some unsubscribed or locked)`);
	say(`  Workflows   ${stack.workflows.map((w) => `"${w.name}"`).join(', ') || '(none found in examples/)'}`);
	say(`  Simulator   state API ${stack.sim.origin}/_sim/ (e.g. ${stack.sim.origin}/_sim/lists/${stack.listId}/tags)`);
	say(`  n8n log     ${server.logFile}`);
	say('');
	say('Open "Export a CSV file of profiles to Mailchimp" and click "Execute workflow".');
	say('Ctrl-C stops everything.');
}

main().catch((e: unknown) => {
	process.stderr.write(`npm start failed: ${(e as Error).stack ?? e}\n`);
	process.exit(1);
});

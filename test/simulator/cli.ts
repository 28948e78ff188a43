// npm run simulator -- --port 4010 --api-key KEY [--oauth-token T] [--empty] [--seed N]
//   [--latency reference|none] [--scale 0.02] [--faults '{"errorRate":0.05}'] [--demo-members 2000]
//   [--behaviour '{"listUnchangedMembers":false}']
//   [--same-name-tag refuse|duplicate] [--tls-key key.pem --tls-cert cert.pem]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { REFERENCE_LATENCY } from './latency';
import { start } from './server';
import type { BehaviourOptions, FaultOptions, SimulatorOptions } from './types';

function options(argv: string[]): SimulatorOptions {
	const { values } = parseArgs({
		args: argv,
		options: {
			port: { type: 'string', default: '4010' },
			'api-key': { type: 'string' },
			'oauth-token': { type: 'string' },
			empty: { type: 'boolean', default: false },
			seed: { type: 'string', default: '1' },
			latency: { type: 'string', default: 'none' },
			scale: { type: 'string', default: '1' },
			faults: { type: 'string' },
			behaviour: { type: 'string' },
			'demo-members': { type: 'string', default: '2000' },
			'max-connections': { type: 'string', default: '10' },
			'throttle-status': { type: 'string', default: '429' },
			'same-name-tag': { type: 'string', default: 'refuse' },
			'tls-key': { type: 'string' },
			'tls-cert': { type: 'string' },
		},
	});
	if (values.latency !== 'none' && values.latency !== 'reference') {
		throw new Error(`--latency must be reference or none, not ${values.latency}`);
	}
	const throttleStatus = Number(values['throttle-status']);
	if (throttleStatus !== 429 && throttleStatus !== 403) throw new Error('--throttle-status must be 429 or 403');
	const sameNameTag = values['same-name-tag'];
	if (sameNameTag !== 'refuse' && sameNameTag !== 'duplicate') throw new Error('--same-name-tag must be refuse or duplicate');
	const tlsKey = values['tls-key'];
	const tlsCert = values['tls-cert'];
	if ((tlsKey === undefined) !== (tlsCert === undefined)) throw new Error('--tls-key and --tls-cert go together');
	return {
		port: Number(values.port),
		apiKey: values['api-key'],
		oauthToken: values['oauth-token'],
		seed: Number(values.seed),
		demo: !values.empty,
		demoMembers: Number(values['demo-members']),
		maxConnections: Number(values['max-connections']),
		throttleStatus,
		latency: values.latency === 'reference' ? { ...REFERENCE_LATENCY, scale: Number(values.scale) } : 'none',
		faults: values.faults ? (JSON.parse(values.faults) as FaultOptions) : undefined,
		behaviour: { ...(values.behaviour ? (JSON.parse(values.behaviour) as BehaviourOptions) : {}), sameNameTag },
		tls: tlsKey === undefined || tlsCert === undefined ? undefined : { key: readFileSync(tlsKey, 'utf8'), cert: readFileSync(tlsCert, 'utf8') },
	};
}

async function main(): Promise<void> {
	const sim = await start(options(process.argv.slice(2)));
	console.log(`Mailchimp simulator listening on ${sim.url}`);
	if (sim.demoListId) console.log(`Demo audience id: ${sim.demoListId}`);
	console.log(`API key: ${sim.apiKey}`);
	console.log(`State API: ${sim.origin}/_sim/ (counters, requests, lists/{id}/tags, ...)`);
	const shutdown = (): void => {
		sim.stop().then(() => process.exit(0));
	};
	process.once('SIGINT', shutdown);
	process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
	console.error((error as Error).message);
	process.exit(1);
});

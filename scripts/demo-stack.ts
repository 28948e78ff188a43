/**
 * What `npm start` and `npm run demo` share: n8n installed (via the e2e harness's cache), the
 * package built, packed and installed into a fresh n8n user folder, the Mailchimp simulator
 * seeded with the demo audience, the demo credential and the example workflows imported.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureN8n, REPO_ROOT } from '../test/e2e/harness/install';
import type { N8nLine } from '../test/e2e/harness/lines';
import { buildAndPack } from '../test/e2e/harness/context';
import type { ExportSummary } from '../nodes/MailchimpSegmentExport/core/types';
import { N8nHome, n8nId, NODE_TYPE, type CredentialJson, type WorkflowJson } from '../test/e2e/harness/n8n';
import { start as startSimulator, type Simulator } from '../test/simulator/server';

export const DEMO_CREDENTIAL_NAME = 'Mailchimp (demo simulator)';
export const SIMULATOR_PORT = Number(process.env.SIMULATOR_PORT ?? 4010);
const DEMO_DIR = path.join(REPO_ROOT, '.tmp', 'demo');

export interface Stack {
	home: N8nHome;
	sim: Simulator;
	listId: string;
	credential: CredentialJson;
	workflows: WorkflowJson[];
	crm: { url: string; close(): Promise<void> };
	stop(): Promise<void>;
}

export function say(line = ''): void {
	process.stdout.write(`${line}\n`);
}

export function step(line: string): void {
	process.stderr.write(`  … ${line}\n`);
}

/**
 * The example workflows in examples/, pointed at the demo credential, audience, CSV file and CRM.
 * The audience is set as a person leaves it: picked from the list, with its name.
 */
export function adaptExamples(
	credential: CredentialJson,
	audience: { id: string; name: string },
	dataDir: string,
	crmUrl?: string,
): WorkflowJson[] {
	const dir = path.join(REPO_ROOT, 'examples');
	if (!fs.existsSync(dir)) return [];
	const out: WorkflowJson[] = [];
	for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
		const wf = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
		if (!Array.isArray(wf.nodes)) continue;
		for (const node of wf.nodes) {
			if (node.type === NODE_TYPE) {
				node.parameters = { ...(node.parameters ?? {}) };
				node.parameters.authentication = 'apiKey';
				node.parameters.audience = { __rl: true, mode: 'list', value: audience.id, cachedResultName: audience.name };
				node.credentials = { [credential.type]: { id: credential.id, name: credential.name } };
			}
			// The file an example reads: the demo CSV, in the folder n8n may read from.
			if (node.type === 'n8n-nodes-base.readWriteFile' && node.parameters?.fileSelector) {
				node.parameters.fileSelector = path.join(dataDir, 'profiles.csv');
			}
			// The customer data platform an example calls: the local stand-in.
			if (crmUrl && node.type === 'n8n-nodes-base.httpRequest' && /example\.com/.test(String(node.parameters?.url ?? ''))) {
				node.parameters.url = crmUrl;
			}
		}
		out.push({ ...wf, id: n8nId('ex'), name: wf.name ?? f.replace(/\.json$/, ''), active: false, settings: wf.settings ?? {} });
	}
	return out;
}

const FIRST = ['Ann', 'Bob', 'Cy', 'Dee', 'Eli', 'Fay', 'Gus', 'Hal', 'Ivy', 'Jo'];
const LAST = ['Lee', 'Marsh', 'Nunez', 'Olsen', 'Park', 'Quinn', 'Ruiz', 'Stone', 'Tran', 'Utley'];

/**
 * Demo profiles: half of them people already in the demo audience (a few of those unsubscribed
 * or locked there), half new; a few broken addresses and repeated rows.
 */
export function demoProfiles(count = 400): Array<{ email: string; firstName: string; lastName: string; segment: string; ltv: number; consent: boolean }> {
	const rows = [];
	for (let i = 1; i <= count; i++) {
		const email = i % 97 === 0 ? `broken-address-${i}` : i % 2 === 0 ? `member${i}@demo.example.com` : `new${i}@shop.example.com`;
		const segment = i % 5 === 0 ? 'Churn risk' : i % 3 === 0 ? 'VIP' : 'Newsletter';
		rows.push({ email, firstName: FIRST[i % 10], lastName: LAST[(i * 7) % 10], segment, ltv: ((i * 37) % 5000) + 0.99, consent: i % 23 !== 0 });
	}
	// Repeated rows: the last occurrence of an email wins, earlier ones count as duplicates.
	for (let i = 10; i <= 50; i += 10) rows.push({ ...rows[i - 1], ltv: rows[i - 1].ltv + 1 });
	return rows;
}

/** The demo profiles as the CSV the "Export a CSV file" example reads. */
export function writeDemoCsv(file: string): void {
	const lines = ['email,first_name,last_name,segment,ltv'];
	for (const p of demoProfiles()) lines.push([p.email, p.firstName, p.lastName, p.segment, p.ltv].join(','));
	fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

/** A local endpoint standing in for the customer data platform of the "Daily" example. */
export async function startCrm(port = 0): Promise<{ url: string; close(): Promise<void> }> {
	const body = JSON.stringify(
		demoProfiles().map((p) => ({
			email: p.email,
			firstName: p.firstName,
			lastName: p.lastName,
			segments: p.segment === 'Newsletter' ? [] : [p.segment],
			lifetimeValue: p.ltv,
			marketingConsent: p.consent,
		})),
	);
	const server = http.createServer((_req, res) => {
		res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
		res.end(body);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve());
	});
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/customers`,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

export async function bringUp(opts: { line: N8nLine; simulatorPort?: number; crmPort?: number }): Promise<Stack> {
	step(`n8n ${opts.line}.x: checking the cached install (the first time, this installs n8n: 5 to 30 minutes)`);
	const install = ensureN8n({ line: opts.line, log: (l) => step(l) });
	step(`n8n ${install.version} ready (${install.installed ? 'installed now' : 'cached'} in ${install.dir})`);
	step('building and packing the package');
	fs.mkdirSync(DEMO_DIR, { recursive: true });
	const tarball = buildAndPack((l) => step(l), DEMO_DIR);
	const root = path.join(DEMO_DIR, `home-${process.pid}`);
	for (const old of fs.readdirSync(DEMO_DIR).filter((d) => d.startsWith('home-'))) fs.rmSync(path.join(DEMO_DIR, old), { recursive: true, force: true });
	const home = new N8nHome({ install, root });
	home.installPackage(tarball);

	const simulatorPort = opts.simulatorPort ?? SIMULATOR_PORT;
	step(`starting the Mailchimp simulator on port ${simulatorPort || '(any free)'} with the demo audience`);
	const sim = await startSimulator({ port: simulatorPort, demo: true, apiKey: `${randomBytes(16).toString('hex')}-us1` });
	const crm = await startCrm(opts.crmPort ?? 0);
	const listId = sim.demoListId!;
	const credential: CredentialJson = {
		id: n8nId('demo'),
		name: DEMO_CREDENTIAL_NAME,
		type: 'mailchimpSegmentsApi',
		data: { apiKey: sim.apiKey, consent: true, baseUrl: sim.url },
	};
	writeDemoCsv(path.join(home.scratch, 'profiles.csv'));
	const workflows = adaptExamples(credential, { id: listId, name: sim.state.lists.get(listId)!.name }, home.scratch, crm.url);
	step(`importing the demo credential and ${workflows.length} example workflow(s)`);
	await home.importCredentials([credential]);
	if (workflows.length > 0) await home.importWorkflows(workflows);
	let stopping: Promise<void> | undefined;
	return {
		home,
		sim,
		listId,
		credential,
		workflows,
		crm,
		stop: () =>
			(stopping ??= (async () => {
				await home.stopAll();
				await Promise.allSettled([sim.stop(), crm.close()]);
			})()),
	};
}

export type SummaryLike = ExportSummary;

/** The summary as a table; returns whether the counts add up. */
export function printSummary(s: SummaryLike): boolean {
	const skipped = s.skipped.noConsent + s.skipped.notInSelectedSegments + s.skipped.duplicate;
	const rows: Array<[string, string | number]> = [
		['profiles in', s.profilesIn],
		['  exported', s.exported],
		['    created', s.created],
		['    updated', s.updated],
		['  rejected', s.rejected],
		['  skipped: no consent', s.skipped.noConsent],
		['  skipped: not in selected segments', s.skipped.notInSelectedSegments],
		['  skipped: duplicate', s.skipped.duplicate],
		['API calls (retries)', `${s.apiCalls} (${s.retries})`],
		['duration', `${(s.durationMs / 1000).toFixed(1)} s`],
		['dry run / partial', `${s.dryRun} / ${s.partial}`],
	];
	const w = Math.max(...rows.map(([k]) => k.length)) + 2;
	say('Summary');
	for (const [k, v] of rows) say(`  ${k.padEnd(w)}${String(v).padStart(10)}`);
	say('');
	say(`  ${'segment (tag)'.padEnd(w)}${'tag id'.padStart(10)}${'added'.padStart(8)}${'had it'.padStart(8)}${'removed'.padStart(9)}`);
	for (const seg of s.segments) {
		say(`  ${seg.name.padEnd(w)}${String(seg.tagId ?? '-').padStart(10)}${String(seg.added).padStart(8)}${String(seg.alreadyTagged).padStart(8)}${String(seg.removed).padStart(9)}`);
	}
	const adds = s.profilesIn === s.exported + s.rejected + skipped && s.exported === s.created + s.updated;
	say('');
	say(
		adds
			? `  check: ${s.profilesIn} in = ${s.exported} exported + ${s.rejected} rejected + ${skipped} skipped; ${s.exported} = ${s.created} created + ${s.updated} updated`
			: '  check FAILED: the counts do not add up',
	);
	return adds;
}

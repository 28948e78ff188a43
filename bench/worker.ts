// One benchmark run in a process of its own, so that its peak RSS and CPU time are its own.
// Started by run.ts with one JSON argument (WorkerTask); prints one line `BENCH_RESULT <json>`.
// Runs the build in dist/: run `npm run build` first when starting it by hand. run.ts runs it as
// one JavaScript file bundled by esbuild (bench/out/worker.js), not through tsx, whose loader
// would add about 30 MB to the peak RSS measured here.
//
//   sim      the node's real execute against the simulator (real sockets, its latency model)
//   cpu      the node's real execute against the instant responder (no sockets, no latency):
//            our own CPU for mapping, validation and serialising
//   oneByOne one PUT per member, one at a time, against the simulator (the n8n Mailchimp node's way)
//   secondRun the same profiles exported twice, the second time with Only Send Changes (secondRun.ts)

import { createHash } from 'crypto';
import { existsSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { Session } from 'inspector';
import { writeHeapSnapshot } from 'v8';
import http from 'http';
import axios from 'axios';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ExportSummary } from '../nodes/MailchimpSegmentExport/core/types';
import { benchContext, fileItem } from './context';
import { instantResponder, realHttp } from './http';
import { makeItems, makeRow, SEGMENTS } from './profiles';
import type { InputKind } from './result';
import { checkAudience, editInMailchimp, fullBoundAt1Ms, inputChanges, itemsOf, secondRunCalls, type SecondRunResult } from './secondRun';

/** The repository: the folder above this file's that holds package.json (run.ts runs a bundle of this file from bench/out/). */
function repositoryRoot(dir: string): string {
	const up = dirname(dir);
	return existsSync(join(up, 'package.json')) || up === dir ? up : repositoryRoot(up);
}

// The node as n8n loads it: the build in dist/ (`npm run bench` builds first), not the TypeScript
// sources through tsx, whose module wrappers add a call to every use of an imported name.
const { MailchimpSegmentExport } = require(join(repositoryRoot(__dirname), 'dist/nodes/MailchimpSegmentExport/MailchimpSegmentExport.node.js')) as typeof import('../nodes/MailchimpSegmentExport/MailchimpSegmentExport.node');

export type WorkerTask =
	| {
			mode: 'sim' | 'cpu';
			size: number;
			input: InputKind;
			seed: number;
			csvPath?: string;
			simUrl?: string;
			apiKey: string;
	  }
	| { mode: 'oneByOne'; sample: number; seed: number; simUrl: string; apiKey: string }
	| { mode: 'secondRun'; size: number; seed: number; scale: number; simUrl: string; apiKey: string };

export interface WorkerOutput {
	mode: WorkerTask['mode'];
	wallMs: number;
	/** User + system CPU of this process during the measured part, ms (the instant responder's Mailchimp side left out). */
	cpuMs: number;
	/** Instant responder: the CPU its Mailchimp side took (left out of cpuMs), ms. */
	responderCpuMs?: number;
	/** VmHWM at the end, MB. */
	peakRssMb: number;
	summary?: ExportSummary;
	rejectedCount?: number;
	/** Simulator counters over the run (sim and oneByOne). */
	apiCalls?: number;
	throttled?: number;
	/** Most requests the simulator saw in flight at once. */
	maxInFlightSeen?: number;
	byEndpoint?: Record<string, number>;
	/** Instant responder: calls and bytes serialised. */
	calls?: number;
	bytesSent?: number;
	listId?: string;
	secondRun?: SecondRunResult;
}

/** The audience's extra merge fields: a number, a date and a dropdown. */
export const MERGE_FIELDS = [
	{ tag: 'LTV', name: 'Lifetime value', type: 'number' },
	{ tag: 'JOINED', name: 'Joined', type: 'date', options: { date_format: 'YYYY-MM-DD' } },
	{ tag: 'PLAN', name: 'Plan', type: 'dropdown', options: { choices: ['Free', 'Pro', 'Enterprise'] } },
];

/** The node's parameters for the bench export; `input` chooses items or the binary file. */
export function nodeParameters(listId: string, input: InputKind): Record<string, unknown> {
	return {
		authentication: 'apiKey',
		audience: { __rl: true, mode: 'id', value: listId },
		inputSource: input,
		binaryProperty: 'data',
		fileFormat: 'csv',
		emailField: 'email',
		firstNameField: input === 'binary' ? 'first_name' : 'firstName',
		lastNameField: input === 'binary' ? 'last_name' : 'lastName',
		attributes: {
			attribute: [
				{ mergeField: 'LTV', sourceField: 'ltv' },
				{ mergeField: 'JOINED', sourceField: 'joined' },
				{ mergeField: 'PLAN', sourceField: 'plan' },
			],
		},
		segmentSource: 'field',
		segmentField: 'segments',
		segments: SEGMENTS.join(', '),
		options: { statusIfNew: 'subscribed', consentField: 'consent', maxProfiles: 2_000_000, maxConcurrency: 10 },
	};
}

export function peakRssMb(): number {
	const m = readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s+(\d+) kB/);
	return m ? Number(m[1]) / 1024 : NaN;
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
	const d = process.cpuUsage(start);
	return (d.user + d.system) / 1000;
}

interface SimCounters {
	requests: number;
	throttled: number;
	maxInFlightSeen: number;
	byEndpoint: Record<string, number>;
}

async function simJson<T>(simUrl: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
	const root = new URL(simUrl).origin;
	const response = await axios.request<T>({ method, url: `${root}${path}`, data: body, proxy: false });
	return response.data;
}

async function counters(simUrl: string): Promise<SimCounters> {
	return await simJson<SimCounters>(simUrl, 'GET', '/_sim/counters');
}

function diff(after: SimCounters, before: SimCounters): Omit<SimCounters, 'requests'> & { apiCalls: number } {
	// maxInFlightSeen: since the reset at the start of the run.
	const byEndpoint: Record<string, number> = {};
	for (const [k, v] of Object.entries(after.byEndpoint)) {
		const d = v - (before.byEndpoint[k] ?? 0);
		if (d !== 0) byEndpoint[k] = d;
	}
	return {
		apiCalls: after.requests - before.requests,
		throttled: after.throttled - before.throttled,
		maxInFlightSeen: after.maxInFlightSeen,
		byEndpoint,
	};
}

/** Forgets every audience (frees the simulator's memory) and zeroes its counters. */
async function resetSimulator(simUrl: string): Promise<void> {
	await simJson(simUrl, 'POST', '/_sim/reset');
}

async function createList(simUrl: string, name: string): Promise<string> {
	const list = await simJson<{ id: string }>(simUrl, 'POST', '/_sim/lists', { name, mergeFields: MERGE_FIELDS });
	return list.id;
}

function inputItems(task: { input: InputKind; size: number; seed: number; csvPath?: string }): INodeExecutionData[] {
	if (task.input === 'binary') {
		if (task.csvPath === undefined) throw new Error('binary input needs csvPath');
		return [fileItem(task.csvPath)];
	}
	return makeItems(task.size, task.seed) as unknown as INodeExecutionData[];
}

async function runNode(task: Extract<WorkerTask, { mode: 'sim' | 'cpu' }>): Promise<WorkerOutput> {
	const items = inputItems(task);
	const credentials = { apiKey: task.apiKey, consent: true, baseUrl: task.simUrl ?? 'http://bench.invalid/3.0' };
	let listId = 'bench';
	let http: ReturnType<typeof realHttp> | undefined;
	let responder: ReturnType<typeof instantResponder> | undefined;
	let before: SimCounters | undefined;
	if (task.mode === 'sim') {
		if (task.simUrl === undefined) throw new Error('sim mode needs simUrl');
		await resetSimulator(task.simUrl);
		listId = await createList(task.simUrl, `Bench ${task.size} ${task.input}`);
		http = realHttp(task.apiKey, 10);
		before = await counters(task.simUrl);
	} else {
		responder = instantResponder(MERGE_FIELDS);
	}
	const ctx = benchContext({
		parameters: nodeParameters(listId, task.input),
		items,
		credentials,
		http: http?.request ?? responder!.request,
	});
	const node = new MailchimpSegmentExport();
	const profile = await startProfile(process.env.BENCH_CPU_PROFILE);
	const memory = process.env.BENCH_MEMORY_LOG ? setInterval(logMemory, 1000) : undefined;
	// BENCH_HEAP_SNAPSHOT=<seconds>:<file>: a heap snapshot that long into the run.
	const [snapshotAfter, snapshotFile] = (process.env.BENCH_HEAP_SNAPSHOT ?? '').split(':');
	const snapshot = snapshotFile ? setTimeout(() => writeHeapSnapshot(snapshotFile), Number(snapshotAfter) * 1000) : undefined;
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	const out = await node.execute.call(ctx);
	const wallMs = performance.now() - t0;
	const cpuMs = cpuMsSince(cpu0) - (responder?.counters.responderCpuMs ?? 0);
	if (memory !== undefined) clearInterval(memory);
	if (snapshot !== undefined) clearTimeout(snapshot);
	await profile?.stop();
	const summary = out[0][0].json as unknown as ExportSummary & IDataObject;
	if ('error' in summary) throw new Error(`The export failed: ${String(summary.error)}`);
	const result: WorkerOutput = {
		mode: task.mode,
		wallMs,
		cpuMs,
		peakRssMb: peakRssMb(),
		summary,
		rejectedCount: out[1].length,
		listId,
	};
	if (task.mode === 'sim' && before !== undefined) {
		Object.assign(result, diff(await counters(task.simUrl!), before));
		http?.close();
	}
	if (responder) {
		result.calls = responder.counters.calls;
		result.bytesSent = responder.counters.bytesSent;
		result.responderCpuMs = responder.counters.responderCpuMs;
		result.byEndpoint = responder.counters.byEndpoint;
	}
	return result;
}

/** With BENCH_MEMORY_LOG=1: the process's memory every second on stderr (where a peak comes from). */
function logMemory(): void {
	const m = process.memoryUsage();
	const mb = (n: number): string => (n / 1048576).toFixed(0);
	process.stderr.write(`memory: rss ${mb(m.rss)} heapUsed ${mb(m.heapUsed)} heapTotal ${mb(m.heapTotal)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)} MB\n`);
}

/** With BENCH_CPU_PROFILE=file.cpuprofile: a V8 CPU profile of the node's execute alone. */
async function startProfile(path: string | undefined): Promise<{ stop: () => Promise<void> } | undefined> {
	if (!path) return undefined;
	const session = new Session();
	session.connect();
	const post = (method: string, params?: object): Promise<unknown> =>
		new Promise((ok, fail) => session.post(method, params ?? {}, (error, result) => (error ? fail(error) : ok(result))));
	await post('Profiler.enable');
	await post('Profiler.setSamplingInterval', { interval: 200 });
	await post('Profiler.start');
	return {
		stop: async () => {
			const { profile } = (await post('Profiler.stop')) as { profile: unknown };
			writeFileSync(path, JSON.stringify(profile));
			session.disconnect();
		},
	};
}

/** n8n's Mailchimp node: one PUT /lists/{id}/members/{hash} per member, one at a time. */
async function runOneByOne(task: Extract<WorkerTask, { mode: 'oneByOne' }>): Promise<WorkerOutput> {
	await resetSimulator(task.simUrl);
	const listId = await createList(task.simUrl, 'Bench one-by-one');
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	const client = axios.create({ httpAgent: agent, proxy: false, auth: { username: 'anystring', password: task.apiKey } });
	const before = await counters(task.simUrl);
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	let sent = 0;
	for (let i = 0; sent < task.sample; i++) {
		const { profile, kind } = makeRow(task.seed, i);
		if (kind !== 'valid') continue;
		const hash = createHash('md5').update(profile.email.toLowerCase()).digest('hex');
		const response = await client.put(`${task.simUrl}/lists/${listId}/members/${hash}`, {
			email_address: profile.email,
			status_if_new: 'subscribed',
			merge_fields: { FNAME: profile.firstName, LNAME: profile.lastName, LTV: profile.ltv, JOINED: profile.joined, PLAN: profile.plan },
		});
		if (response.status !== 200) throw new Error(`PUT answered ${response.status}`);
		sent++;
	}
	const wallMs = performance.now() - t0;
	const cpuMs = cpuMsSince(cpu0);
	const d = diff(await counters(task.simUrl), before);
	agent.destroy();
	return { mode: 'oneByOne', wallMs, cpuMs, peakRssMb: peakRssMb(), ...d, listId };
}

/** One execute of the node on items against the simulator: wall and CPU time, and the Summary. */
async function executeOnItems(task: { simUrl: string; apiKey: string }, listId: string, items: INodeExecutionData[], extraOptions: IDataObject) {
	const parameters = nodeParameters(listId, 'items');
	parameters.options = { ...(parameters.options as IDataObject), ...extraOptions };
	const http = realHttp(task.apiKey, 10);
	const ctx = benchContext({ parameters, items, credentials: { apiKey: task.apiKey, consent: true, baseUrl: task.simUrl }, http: http.request });
	const cpu0 = process.cpuUsage();
	const t0 = performance.now();
	const out = await new MailchimpSegmentExport().execute.call(ctx);
	const wallMs = performance.now() - t0;
	const cpuMs = cpuMsSince(cpu0);
	http.close();
	const summary = out[0][0].json as unknown as ExportSummary & IDataObject;
	if ('error' in summary) throw new Error(`The export failed: ${String(summary.error)}`);
	return { wallMs, cpuMs, summary };
}

/** The second-run case: a full export, edits in the input and in Mailchimp, then Only Send Changes. */
async function runSecond(task: Extract<WorkerTask, { mode: 'secondRun' }>): Promise<WorkerOutput> {
	await resetSimulator(task.simUrl);
	const listId = await createList(task.simUrl, `Bench second run ${task.size}`);
	const before = await counters(task.simUrl);
	const first = await executeOnItems(task, listId, itemsOf(task.size, task.seed, false), {});
	const firstCalls = (await counters(task.simUrl)).requests - before.requests;
	const mailchimp = await editInMailchimp(task.simUrl, listId, task.size, task.seed);
	const input = inputChanges(task.size, task.seed);
	const items = itemsOf(task.size, task.seed, true);
	const since = Date.now();
	const second = await executeOnItems(task, listId, items, { onlySendChanges: true });
	items.length = 0;
	const calls = await secondRunCalls(task.simUrl, since);
	const audience = await checkAudience(task.simUrl, task.apiKey, listId, task.size, task.seed);
	const fullBound1 = fullBoundAt1Ms(first.summary);
	const fullEst1 = fullBound1 + Math.max(0, first.wallMs - fullBound1 * task.scale);
	const secondEst1 = calls.boundAt1Ms + Math.max(0, second.wallMs - calls.boundAt1Ms * task.scale);
	const { exported, created, updated, unchanged, rejected, onlySendChanges } = second.summary;
	const result: SecondRunResult = {
		size: task.size,
		scale: task.scale,
		full: { wallMs: first.wallMs, apiCalls: firstCalls, boundMs: fullBound1 * task.scale, estimatedAt1Ms: fullEst1 },
		second: { ...calls, wallMs: second.wallMs, cpuMs: second.cpuMs, summary: { exported, created, updated, unchanged, rejected, onlySendChanges }, estimatedAt1Ms: secondEst1 },
		changes: { input, mailchimp },
		writesPerChange: (calls.upsertedMembers + calls.taggedMembers) / (input + mailchimp),
		speedupAt1: fullEst1 / secondEst1,
		audience,
		loadAvg: 0,
	};
	return { mode: 'secondRun', wallMs: second.wallMs, cpuMs: second.cpuMs, peakRssMb: peakRssMb(), listId, secondRun: result };
}

async function main(): Promise<void> {
	const task = JSON.parse(process.argv[2] ?? '{}') as WorkerTask;
	const output = task.mode === 'oneByOne' ? await runOneByOne(task) : task.mode === 'secondRun' ? await runSecond(task) : await runNode(task);
	process.stdout.write(`BENCH_RESULT ${JSON.stringify(output)}\n`);
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(error instanceof Error ? (error.stack ?? error.message) : error);
		process.exit(1);
	});
}

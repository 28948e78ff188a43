// `bench:n8n --server`: the cases run inside one long-lived `n8n start` (regular mode, the way a
// Schedule Trigger or a webhook runs an export on a user's instance), not as `n8n execute`, which
// starts n8n for one run and prints the whole run at its end. Each case's workflow starts with a
// production webhook that answers when the workflow has finished (with the export's Summary).
// What a run costs is read from /proc: the peak RSS of n8n's process (VmHWM, set back to the
// current RSS through clear_refs before the run) and its CPU (utime + stime).

import { execFileSync } from 'child_process';
import { randomUUID } from 'crypto';
import { readFileSync, writeFileSync } from 'fs';
import { loadavg } from 'os';

import type { N8nHome } from '../test/e2e/harness/n8n';
import { waitFor } from '../test/e2e/harness/scenario';
import { chain, type NodeSpec } from '../test/e2e/harness/workflows';
import type { ExportSummary } from '../nodes/MailchimpSegmentExport/core/types';
import { memoryCage } from './cgroup';
import { formatDuration } from './chart';
import type { N8nRun } from './n8n';

/** A case of bench:n8n: its workflow's nodes (a Manual Trigger first) and, for an export, the simulator audience it names. */
export interface BenchCase {
	kind: N8nRun['case'];
	size: number;
	nodes: () => Promise<NodeSpec[]>;
	listName?: string;
}

interface ProcessProbe {
	/** Sets the process's peak RSS back to its current RSS. */
	resetPeak(): void;
	/** The peak RSS since the last resetPeak, in MB. */
	peakMb(): number;
	/** User and system CPU seconds since the process started. */
	cpu(): { userS: number; systemS: number };
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

function processProbe(pid: number): ProcessProbe {
	return {
		resetPeak: () => writeFileSync(`/proc/${pid}/clear_refs`, '5'),
		peakMb: () => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB$/m)?.[1] ?? NaN) / 1024,
		cpu: () => {
			// The fields after the command's name, which is in parentheses and may hold spaces.
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			return { userS: Number(fields[11]) / TICKS_PER_SECOND, systemS: Number(fields[12]) / TICKS_PER_SECOND };
		},
	};
}

function cpuTotal(probe: ProcessProbe): number {
	const { userS, systemS } = probe.cpu();
	return userS + systemS;
}

/**
 * Waits until n8n has finished the run's work after answering (saving the execution): until it
 * uses under 3% of a core over a second, for at most `maxMs`.
 */
async function settle(probe: ProcessProbe, maxMs = 60_000): Promise<void> {
	const deadline = Date.now() + maxMs;
	let before = cpuTotal(probe);
	while (Date.now() < deadline) {
		await new Promise((ok) => setTimeout(ok, 1000));
		const now = cpuTotal(probe);
		if (now - before < 0.03) return;
		before = now;
	}
}

/** A production Webhook trigger (POST) that answers with the last node's first item once the workflow has finished. */
function webhookUntilDone(path: string, name = 'Webhook'): NodeSpec & { webhookId: string } {
	return {
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} },
	};
}

/**
 * Calls the production webhook at `path` and returns the JSON it answers with. A 404 (n8n 2.x
 * registers production webhooks a moment after it reports ready) is tried again for 30 s.
 */
async function callUntilDone(baseUrl: string, path: string, timeoutMs: number): Promise<unknown> {
	const answer = await waitFor(
		`webhook ${path} to be registered`,
		async () => {
			const res = await fetch(`${baseUrl}/webhook/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(timeoutMs) });
			const text = await res.text();
			if (res.status === 404) return undefined;
			if (!res.ok) throw new Error(`webhook ${path} -> HTTP ${res.status}: ${text.slice(0, 500)}`);
			return { body: text === '' ? undefined : (JSON.parse(text) as unknown) };
		},
		30_000,
		250,
	);
	return answer.body;
}

export interface ServerRounds {
	home: N8nHome;
	/** The cases to measure, in order; `baseline` also warms each n8n up. */
	cases: readonly BenchCase[];
	baseline: BenchCase;
	/** Sets the simulator back and makes the audience `name`; its id. */
	newList: (name: string) => Promise<string>;
	repeat: number;
	memoryLimitMb?: number;
	/** The n8n process's environment (Node.js flags in NODE_OPTIONS). */
	env: Record<string, string>;
	/** What each result records besides its measurements. */
	run: Pick<N8nRun, 'scale' | 'auth' | 'nodeFlags' | 'tls'>;
	results: N8nRun[];
	log: (line: string) => void;
	summaryLine: (summary: ExportSummary | undefined) => string;
}

/**
 * The cases in `n8n start`, `repeat` rounds of a new n8n each (in a memory cgroup when asked),
 * the results pushed as they come. A run the OOM killer ends is recorded as killed, and its round ends.
 */
export async function serverRounds(o: ServerRounds): Promise<void> {
	// The simulator is set back before each export, and its first audience after a reset always
	// has the same id, the one the workflows name.
	const workflows = new Map<N8nRun['case'], { path: string; listId?: string }>();
	for (const c of [o.baseline, ...o.cases.filter((k) => k.kind !== 'baseline')]) {
		const path = `bench-${c.kind}`;
		const [, ...rest] = await c.nodes();
		const wf = chain(`bench ${c.kind} ${c.size} (webhook)`, [webhookUntilDone(path), ...rest]);
		await o.home.importWorkflows([wf]);
		await o.home.activate(wf.id);
		const exportParams = rest.find((node) => node.name === 'Export to Mailchimp')?.parameters as { audience?: { value: string } } | undefined;
		workflows.set(c.kind, { path, listId: exportParams?.audience?.value });
	}
	// n8n's first start in a new user folder does work of its own (it records its version, builds
	// its workflow index) and leaves V8's heap limits set by it for the first export: a user's
	// instance has started before.
	await o.home.start();
	await o.home.stopAll();
	// A new n8n each round, as `n8n execute` is: what one export adds to an instance that has not run one yet.
	for (let round = 0; round < o.repeat; round++) {
		const cage = o.memoryLimitMb === undefined ? undefined : memoryCage(o.memoryLimitMb);
		const server = await o.home.start({ env: o.env, wrap: cage?.wrap });
		const probe = processProbe(server.pid!);
		// n8n loads and compiles much of itself on its first runs: two runs of the baseline first.
		for (let i = 0; i < 2; i++) await callUntilDone(server.url, workflows.get('baseline')!.path, 60_000);
		await settle(probe);
		o.log(`  n8n start, pid ${server.pid}, log ${server.logFile}: peak RSS ${Math.round(probe.peakMb())} MB after start-up and two runs of the baseline`);
		for (const c of o.cases) {
			const wf = workflows.get(c.kind)!;
			if (c.listName !== undefined && (await o.newList(c.listName)) !== wf.listId) throw new Error(`the simulator's new audience is not ${wf.listId}`);
			const loadAvg = loadavg()[0];
			o.log(`  running ${c.kind} ${c.size} in n8n start${o.repeat > 1 ? `, round ${round + 1} of ${o.repeat}` : ''} (load ${loadAvg.toFixed(2)}) ...`);
			probe.resetPeak();
			const cpu0 = probe.cpu();
			const t0 = Date.now();
			const result: N8nRun = { ...o.run, case: c.kind, size: c.size, commandWallMs: 0, nodeMs: {}, peakRssMb: NaN, cpuUserS: NaN, cpuSystemS: NaN, loadAvg, round, server: true };
			let answer: unknown;
			try {
				answer = await callUntilDone(server.url, wf.path, 60 * 60_000);
			} catch (error) {
				if (cage === undefined || cage.oomKills() === 0) throw error;
				Object.assign(result, { commandWallMs: Date.now() - t0, memoryLimitMb: cage.limitMb, cgroupPeakMb: cage.peakMb(), oomKills: cage.oomKills() });
				o.results.push(result);
				o.log(`  ${c.kind} ${c.size}: KILLED by the kernel's OOM killer at the ${cage.limitMb} MiB limit after ${formatDuration(result.commandWallMs)}`);
				break;
			}
			result.commandWallMs = Date.now() - t0;
			await settle(probe);
			const cpu1 = probe.cpu();
			Object.assign(result, { peakRssMb: probe.peakMb(), cpuUserS: cpu1.userS - cpu0.userS, cpuSystemS: cpu1.systemS - cpu0.systemS });
			if (cage) Object.assign(result, { memoryLimitMb: cage.limitMb, cgroupPeakMb: cage.peakMb(), oomKills: cage.oomKills() });
			if (c.listName !== undefined) {
				const summary = answer as ExportSummary;
				if (typeof summary?.profilesIn !== 'number') throw new Error(`the ${c.kind} run answered without a Summary: ${JSON.stringify(answer).slice(0, 500)}`);
				result.summary = summary;
			}
			o.results.push(result);
			o.log(
				`  ${c.kind} ${c.size}: webhook ${formatDuration(result.commandWallMs)}, peak RSS ${Math.round(result.peakRssMb)} MB, CPU ${(result.cpuUserS + result.cpuSystemS).toFixed(1)} s` +
					(cage ? `; cgroup peak ${Math.round(result.cgroupPeakMb!)} of ${cage.limitMb} MiB since n8n started (page cache included)` : '') +
					o.summaryLine(result.summary),
			);
		}
		await o.home.stopAll();
		await cage?.dispose();
	}
}

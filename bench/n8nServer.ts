// `bench:n8n --server`: the cases run inside one long-lived `n8n start` (regular mode, the way a
// Schedule Trigger or a webhook runs an export on a user's instance), not as `n8n execute`, which
// starts n8n for one run and prints the whole run at its end. Each case's workflow starts with a
// production webhook that answers when the workflow has finished (with the export's Summary).
// What a run costs is read from /proc: the peak RSS of n8n's process (VmHWM, set back to the
// current RSS through clear_refs before the run) and its CPU (utime + stime).

import { execFileSync } from 'child_process';
import { randomUUID } from 'crypto';
import { readFileSync, writeFileSync } from 'fs';

import type { NodeSpec } from '../test/e2e/harness/workflows';

export interface ProcessProbe {
	/** Sets the process's peak RSS back to its current RSS. */
	resetPeak(): void;
	/** The peak RSS since the last resetPeak, in MB. */
	peakMb(): number;
	/** User and system CPU seconds since the process started. */
	cpu(): { userS: number; systemS: number };
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

export function processProbe(pid: number): ProcessProbe {
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

const cpuTotal = (p: ProcessProbe): number => p.cpu().userS + p.cpu().systemS;

/**
 * Waits until n8n has finished the run's work after answering (saving the execution): until it
 * uses under 3% of a core over a second, for at most `maxMs`.
 */
export async function settle(probe: ProcessProbe, maxMs = 60_000): Promise<void> {
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
export function webhookUntilDone(path: string, name = 'Webhook'): NodeSpec & { webhookId: string } {
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
export async function callUntilDone(baseUrl: string, path: string, timeoutMs: number): Promise<unknown> {
	const deadline = Date.now() + 30_000;
	for (;;) {
		const res = await fetch(`${baseUrl}/webhook/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(timeoutMs) });
		const text = await res.text();
		if (res.status === 404 && Date.now() < deadline) {
			await new Promise((ok) => setTimeout(ok, 250));
			continue;
		}
		if (!res.ok) throw new Error(`webhook ${path} -> HTTP ${res.status}: ${text.slice(0, 500)}`);
		return text === '' ? undefined : JSON.parse(text);
	}
}

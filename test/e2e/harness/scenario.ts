/**
 * Shared setup of a scenario group: an n8n home with the package installed, the simulator
 * running in this process, and assertions every scenario makes (no secret saved, counts add up).
 */
import type { ExportSummary } from '../../../nodes/MailchimpSegmentExport/core/types';
import { start as startSimulator, type Simulator } from '../../simulator/server';
import { loadContext } from './context';
import { N8nHome, nodeOutputs, type ExecuteResult } from './n8n';

export interface Group {
	home: N8nHome;
	sim: Simulator;
	/** Secrets that must never appear in anything n8n saved. */
	secrets: string[];
	dispose(): Promise<void>;
}

export interface GroupOptions {
	oauthToken?: string;
	simulator?: Parameters<typeof startSimulator>[0];
	/** Install the package as n8n's community installer does (default); false: the scenario installs it. */
	communityInstall?: boolean;
	/** Extra environment for every n8n process (queue mode: Redis, Postgres). */
	env?: Record<string, string>;
}

export async function openGroup(opts: GroupOptions = {}): Promise<Group> {
	const ctx = loadContext();
	if (!ctx.tarball) throw new Error('the package was not packed (E2E_NO_PACKAGE is set)');
	const home = new N8nHome({ install: ctx.install, env: opts.env });
	if (opts.communityInstall !== false) home.installPackage(ctx.tarball);
	const sim = await startSimulator({ port: 0, oauthToken: opts.oauthToken, ...(opts.simulator ?? {}) });
	const secrets = [sim.apiKey, ...(opts.oauthToken ? [opts.oauthToken] : [])];
	return {
		home,
		sim,
		secrets,
		async dispose() {
			await home.dispose();
			await sim.stop();
		},
	};
}

export type Summary = ExportSummary;

/** The export node's two outputs: the one Summary item and the Rejected items. */
export function exportOutputs(run: any, nodeName = 'Export to Mailchimp'): { summary: Summary; rejected: any[] } {
	const [summaryItems = [], rejected = []] = nodeOutputs(run, nodeName);
	if (summaryItems.length !== 1) throw new Error(`expected one Summary item, got ${summaryItems.length}`);
	return { summary: summaryItems[0] as Summary, rejected };
}

/** Every profile that came in is exported, rejected or skipped, exactly once. */
export function countsAddUp(s: Summary): boolean {
	const skipped = s.skipped.noConsent + s.skipped.notInSelectedSegments + s.skipped.duplicate;
	return s.profilesIn === s.exported + s.rejected + skipped && s.exported === s.created + s.updated + (s.unchanged ?? 0);
}

export function expectOk(r: ExecuteResult): void {
	if (!r.ok) {
		throw new Error(
			`execution failed: ${r.errorMessage ?? '(no run JSON)'}\n--- stdout (tail)\n${r.stdout.slice(-3000)}\n--- stderr (tail)\n${r.stderr.slice(-3000)}`,
		);
	}
}

/** Requests that change the audience (anything but GET) the simulator received on its API. */
export function writes(sim: Simulator, since = 0): Array<{ method: string; path: string; status: number }> {
	return sim.state.requestLog.slice(since).filter((e) => e.method !== 'GET' && e.path.startsWith('/3.0'));
}

/** Throws when any file n8n keeps (database, logs, config) contains a secret. */
export function assertNoSecretsSaved(group: Group, extraTexts: string[] = []): void {
	// Positive control: the executions' run data was saved where we look (else the check proves nothing).
	if (group.home.findSecrets(['lastNodeExecuted']).length === 0) throw new Error('no saved execution data found in the n8n user folder');
	const files = group.home.findSecrets(group.secrets);
	const inTexts = extraTexts.filter((t) => group.secrets.some((s) => t.includes(s)));
	if (files.length > 0 || inTexts.length > 0) {
		throw new Error(`a secret was saved: files ${JSON.stringify(files)}, ${inTexts.length} output text(s)`);
	}
}

export function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
	const t0 = Date.now();
	return fn().finally(() => process.stderr.write(`[e2e] ${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`));
}

/** A local HTTP endpoint standing in for a CRM: answers GET with whatever `body()` returns now. */
export async function serveJson(body: () => unknown): Promise<{ url: string; hits: number; close(): Promise<void> }> {
	const { createServer } = await import('node:http');
	const state = { hits: 0 };
	const server = createServer((_req, res) => {
		state.hits++;
		const text = JSON.stringify(body());
		res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
		res.end(text);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const port = (server.address() as import('node:net').AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}/profiles`,
		get hits() {
			return state.hits;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number, everyMs = 1000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v !== undefined) return v;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, everyMs));
	}
}

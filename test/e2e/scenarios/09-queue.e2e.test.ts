/**
 * Scenario 9: queue mode. Redis and Postgres from Debian's packages, n8n main and two workers
 * that run one execution each at a time. On that one stack, in order: a scheduled export fired by
 * main runs on a worker; two exports started together into one account land on the two workers;
 * a 100,000-row CSV goes through binary data in queue mode's default storage (the worker's peak
 * RSS is reported); an export stopped from main stops on its worker within one batch.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { activate, callWebhook, openQueueGroup, queueBinaryDataMode, webhookTrigger, type QueueGroup } from '../harness/queue';
import { countsAddUp, exportOutputs, timed, waitFor } from '../harness/scenario';
import { apiKeyCredential, chain, exportNode, scheduleEverySeconds, type NodeSpec } from '../harness/workflows';
import { loadContext } from '../harness/context';
import type { FaultOptions } from '../../simulator/types';

/** A Code node making `count` profiles user<from>..user<from+count-1> in the given segments. */
function profiles(from: number, count: number, segments: string[]): NodeSpec {
	return {
		name: 'Profiles',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		parameters: {
			jsCode: `return Array.from({ length: ${count} }, (_, i) => ({ json: { email: \`user\${${from} + i}@example.com\`, first: 'F' + i, segments: ${JSON.stringify(segments)} } }));`,
		},
	};
}

const emails = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => `user${from + i}@example.com`).sort();
const figure = (text: string): void => void process.stderr.write(`[e2e] queue figure: ${text}\n`);

describe('scenario 9: queue mode (main + two workers, Redis, Postgres)', () => {
	let q: QueueGroup;
	const lists: Record<string, string> = {};
	const wf: Record<string, ReturnType<typeof chain>> = {};

	/** Finished executions of a workflow (public API, with their data). */
	const finished = async (id: string, count: number): Promise<any[]> =>
		await waitFor(
			`${count} finished execution(s) of ${id}`,
			async () => {
				const done = (await q.main.executions(id)).filter((e) => e.finished || ['success', 'error', 'canceled'].includes(e.status));
				return done.length >= count ? done : undefined;
			},
			180_000,
			1000,
		);

	const simFaults = async (faults: FaultOptions): Promise<void> => {
		const res = await fetch(`${q.sim.origin}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ faults }) });
		if (!res.ok) throw new Error(`/_sim/faults -> ${res.status}`);
	};

	beforeAll(async () => {
		q = await timed('scenario 9 services', () =>
			// Slow enough that two exports overlap and that stopping lands mid-export.
			// A second create of a tag name makes a second tag (the harder of Mailchimp's two possible answers).
			openQueueGroup({ simulator: { latency: { upsert: { fixedMs: 150 }, segmentMembers: { fixedMs: 50 } }, behaviour: { sameNameTag: 'duplicate' } } }),
		);
		const st = q.sim.state;
		for (const name of ['schedule', 'shared', 'csv', 'stop']) lists[name] = st.addList({ name: `Queue ${name}` });
		const cred = apiKeyCredential(q.sim.apiKey, q.sim.url);
		const segmentField = { emailField: 'email', firstNameField: 'first', segmentSource: 'field', segmentField: 'segments' };
		wf.schedule = chain('e2e 9: scheduled', [
			scheduleEverySeconds(5),
			profiles(0, 50, ['VIP']),
			exportNode(cred, { listId: lists.schedule, ...segmentField }),
		]);
		wf.a = chain('e2e 9: shared A', [
			webhookTrigger('queue-a'),
			profiles(0, 10_000, ['VIP', 'Churn']),
			exportNode(cred, { listId: lists.shared, ...segmentField, options: { maxConcurrency: 6 } }),
		]);
		wf.b = chain('e2e 9: shared B', [
			webhookTrigger('queue-b'),
			profiles(5000, 10_000, ['VIP', 'Winback']),
			exportNode(cred, { listId: lists.shared, ...segmentField, options: { maxConcurrency: 6 } }),
		]);
		const csvFile = path.join(q.home.scratch, 'profiles.csv');
		const lines = ['email,first,segments'];
		for (let i = 0; i < 100_000; i++) lines.push(`user${i}@example.com,F${i},${i % 2 === 0 ? 'Even' : 'Odd'}`);
		fs.writeFileSync(csvFile, `${lines.join('\n')}\n`);
		wf.csv = chain('e2e 9: csv 100k', [
			webhookTrigger('queue-csv'),
			{ name: 'Read CSV', type: 'n8n-nodes-base.readWriteFile', typeVersion: 1, parameters: { operation: 'read', fileSelector: csvFile, options: {} } },
			exportNode(cred, { listId: lists.csv, inputSource: 'binary', binaryProperty: 'data', fileFormat: 'csv', ...segmentField }),
		]);
		wf.stop = chain('e2e 9: stopped', [
			webhookTrigger('queue-stop'),
			profiles(0, 20_000, ['VIP']),
			exportNode(cred, { listId: lists.stop, ...segmentField, options: { maxConcurrency: 1 } }),
		]);
		await q.home.importCredentials([cred]);
		await q.home.importWorkflows(Object.values(wf));
		await timed('scenario 9 main + 2 workers start', () => q.startProcesses());
	});

	afterAll(async () => {
		await q?.dispose();
	});

	it('a scheduled export fires on main and runs on a worker; the audience is exact', async () => {
		await activate(q.main, wf.schedule.id);
		const [run] = await timed('scenario 9 scheduled run', () => finished(wf.schedule.id, 1));
		await activate(q.main, wf.schedule.id, false);
		expect(run).toMatchObject({ mode: 'trigger', status: 'success' });
		const worker = q.workerOf(String(run.id));
		expect(q.main.log()).not.toMatch(new RegExp(`started execution ${run.id} `));
		const { summary } = exportOutputs(run);
		expect(summary).toMatchObject({ profilesIn: 50, exported: 50, rejected: 0, partial: false });
		// A second tick may have run before deactivation: the audience is the same either way.
		expect(q.sim.state.tagMembers(lists.schedule, 'VIP').sort()).toEqual(emails(0, 50));
		expect(q.sim.state.list(lists.schedule)!.members.size).toBe(50);
		figure(`scheduled run on worker ${worker.index}`);
	});

	it('two exports started together into one account land on two workers: both audiences exact, one tag per name, 429s retried and counted', async () => {
		await activate(q.main, wf.a.id);
		await activate(q.main, wf.b.id);
		const throttledBefore = q.sim.state.counters.throttled;
		// Mailchimp's pace, not the CPU of a busy test machine, must set the exports' pace: 0.7 s
		// more per request, so that each export keeps its connections busy.
		await simFaults({ slowRate: 1, slowMs: 700 });
		await Promise.all([callWebhook(q.main, 'queue-a'), callWebhook(q.main, 'queue-b')]);
		const [a] = await timed('scenario 9 two exports at once', () => finished(wf.a.id, 1));
		const [b] = await finished(wf.b.id, 1);
		await simFaults({});
		expect([a.status, b.status]).toEqual(['success', 'success']);
		expect(q.workerOf(String(a.id))).not.toBe(q.workerOf(String(b.id)));
		// They ran at the same time.
		expect(Date.parse(a.startedAt)).toBeLessThan(Date.parse(b.stoppedAt));
		expect(Date.parse(b.startedAt)).toBeLessThan(Date.parse(a.stoppedAt));

		const [oa, ob] = [exportOutputs(a), exportOutputs(b)];
		const [sa, sb] = [oa.summary, ob.summary];
		expect([...oa.rejected, ...ob.rejected].slice(0, 3)).toEqual([]);
		for (const s of [sa, sb]) {
			expect(s).toMatchObject({ profilesIn: 10_000, exported: 10_000, rejected: 0, partial: false });
			expect(countsAddUp(s)).toBe(true);
		}
		const st = q.sim.state;
		expect(st.list(lists.shared)!.members.size).toBe(15_000);
		expect(st.tagMembers(lists.shared, 'VIP').sort()).toEqual(emails(0, 15_000));
		expect(st.tagMembers(lists.shared, 'Churn').sort()).toEqual(emails(0, 10_000));
		expect(st.tagMembers(lists.shared, 'Winback').sort()).toEqual(emails(5000, 15_000));
		// If both exports created VIP at once there are two VIP tags: both used the oldest, and an
		// export that saw the second one says so. tagMembers reads the oldest.
		const vipTags = st.tags(lists.shared).filter((t) => t.name === 'VIP');
		const vip = [sa, sb].map((s) => s.segments.find((t) => t.name === 'VIP')!);
		expect(vip.map((t) => t.tagId)).toEqual([vipTags[0].id, vipTags[0].id]);
		expect(vipTags.slice(1).every((t) => t.memberCount === 0)).toBe(true);
		if (vipTags.length > 1) expect(vip.some((t) => t.note !== undefined)).toBe(true);
		figure(`two exports: ${vipTags.length} tag(s) named VIP in the audience`);
		// Two exports of 6 connections into an account that allows 10: refused, retried, counted.
		const throttled = st.counters.throttled - throttledBefore;
		figure(`two exports: ${throttled} requests refused with 429, retries ${sa.retries} + ${sb.retries}, max in flight ${st.maxInFlightSeen}`);
		expect(throttled).toBeGreaterThan(0);
		expect(sa.retries + sb.retries).toBe(throttled);
	});

	it(`a 100,000-row CSV through binary data in queue mode's default storage; the worker's peak RSS`, async () => {
		await activate(q.main, wf.csv.id);
		for (const w of q.workers) w.resetPeak();
		const idle = q.workers.map((w) => w.memoryKiB('VmRSS'));
		await callWebhook(q.main, 'queue-csv');
		const [run] = await timed('scenario 9 csv 100k on a worker', () => finished(wf.csv.id, 1));
		expect(run.status).toBe('success');
		const worker = q.workerOf(String(run.id));
		const { summary } = exportOutputs(run);
		expect(summary).toMatchObject({ profilesIn: 100_000, exported: 100_000, created: 100_000, rejected: 0, partial: false });
		const st = q.sim.state;
		expect(st.list(lists.csv)!.members.size).toBe(100_000);
		expect(st.tagMembers(lists.csv, 'Even')).toHaveLength(50_000);
		expect(st.tagMembers(lists.csv, 'Odd')).toHaveLength(50_000);
		const peak = worker.memoryKiB('VmHWM');
		figure(
			`csv 100k, binary data mode ${queueBinaryDataMode(loadContext().install.version)}: worker ${worker.index} RSS ${Math.round(worker.readyRssKiB / 1024)} MiB when ready, ${Math.round(idle[worker.index] / 1024)} MiB before the run, peak during it ${Math.round(peak / 1024)} MiB, export ${(summary.durationMs / 1000).toFixed(1)} s`,
		);
	});

	it('stopping an export from main stops it on its worker within one batch', async () => {
		await activate(q.main, wf.stop.id);
		const upserts = () => q.sim.state.requestLog.filter((e) => e.method === 'POST' && e.path === `/3.0/lists/${lists.stop}`);
		await callWebhook(q.main, 'queue-stop');
		const t0 = Date.now();
		await waitFor('three batches sent', async () => (upserts().length >= 3 ? true : undefined), 120_000, 100);
		// From here each call takes 3 s longer: the stop command's trip from main through Redis to
		// the worker (about 1 s, more on a busy machine) is n8n's, and must not decide how many
		// batches this test sees start after it.
		await simFaults({ slowRate: 1, slowMs: 3000 });
		const running = await waitFor(
			'the running execution',
			async () => (await q.main.rest('GET', `/api/v1/executions?workflowId=${wf.stop.id}&status=running`)).data?.[0],
			30_000,
			200,
		);
		const stoppedAt = Date.now();
		// n8n 2.x has a public API call for it; 1.x only the REST API the editor uses.
		await q.main.rest('POST', loadContext().install.line === 2 ? `/api/v1/executions/${running.id}/stop` : `/rest/executions/${running.id}/stop`);
		const [run] = await finished(wf.stop.id, 1);
		figure(`stop: first batches after ${((stoppedAt - t0) / 1000).toFixed(1)} s, canceled ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s after the stop`);
		// Anything still on its way would have arrived by now (the simulator logs a call when it ends).
		await new Promise((r) => setTimeout(r, 4000));
		await simFaults({});
		const after = upserts().filter((e) => e.at > stoppedAt);
		expect(run.status).toBe('canceled');
		expect(q.workerOf(String(running.id))).toBeDefined();
		expect(after.length).toBeLessThanOrEqual(1);
		const membersOf = (calls: ReturnType<typeof upserts>) => calls.reduce((n, e) => n + (e.members ?? 0), 0);
		const sent = membersOf(upserts().filter((e) => e.status === 200));
		// The call in flight at the stop is aborted by the worker; the simulator, like Mailchimp, may
		// have applied it anyway: the audience holds what was answered, and at most that call more.
		const size = q.sim.state.list(lists.stop)!.members.size;
		expect(size).toBeGreaterThanOrEqual(sent);
		expect(size).toBeLessThanOrEqual(membersOf(upserts()));
		expect(sent).toBeLessThan(20_000);
		// What n8n keeps of a stopped execution: its status and "cancelled", not the node's output or
		// error (main overwrites the run data), so the audience is the record of what was sent.
		expect(run.data?.resultData?.error?.message).toMatch(/cancel/i);
		const kept = Object.keys(run.data?.resultData?.runData ?? {});
		figure(`stop: ${upserts().length} batches sent (${sent} members), ${after.length} arrived after the stop; nodes in the saved run data: ${JSON.stringify(kept)}`);
	});

	it('saves no secret: not in the database, the user folder or any log', () => {
		q.assertNoSecretsSaved();
	});
});

// Two exports sharing one Mailchimp account (its 10 connections): the runner lowers its limit when
// Mailchimp throttles and raises it again after answers that were not throttled, so both settle
// instead of using up their tries.
import { sleepWithAbort } from 'n8n-workflow';

import { ExportCancelledError, runExport } from '../../../nodes/MailchimpSegmentExport/core';
import { RequestFailedError } from '../../../nodes/MailchimpSegmentExport/core/errors';
import { Runner } from '../../../nodes/MailchimpSegmentExport/core/runner';
import type { ApiResponse, RequestFn, SleepFn } from '../../../nodes/MailchimpSegmentExport/core/types';
import { createRequestFn } from '../../simulator/client';
import { type Simulator, start } from '../../simulator/server';
import { checkInvariant, options, rowsOf } from './helpers';

const tick = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const timerSleep: SleepFn = (ms) => tick(ms);
const get = { method: 'GET' as const, path: '/x' };
const refused: ApiResponse = {
	status: 429,
	body: { title: 'Too Many Requests', detail: 'You have exceeded the limit of 10 simultaneous connections.' },
};

/**
 * One account's connections: a request arrives 1 ms after it is sent and is refused with a 429
 * when `slots` are already open, else answered `latencyMs` later.
 */
function sharedAccount(slots: number, latencyMs: number) {
	let open = 0;
	const counts = { refused: 0, answered: 0, peak: 0 };
	const request: RequestFn = async () => {
		await tick(1);
		if (open >= slots) {
			counts.refused++;
			return refused;
		}
		open++;
		counts.peak = Math.max(counts.peak, open);
		await tick(latencyMs);
		open--;
		counts.answered++;
		return { status: 200, body: {} };
	};
	return { request, counts };
}

async function settle(calls: Array<Promise<unknown>>): Promise<{ ok: number; failed: number }> {
	const results = await Promise.allSettled(calls);
	for (const r of results) {
		if (r.status === 'rejected' && !(r.reason instanceof RequestFailedError)) throw r.reason;
	}
	const failed = results.filter((r) => r.status === 'rejected').length;
	return { ok: results.length - failed, failed };
}

describe('Runner under throttling', () => {
	it('two runners at Max Concurrency 10 sharing 10 connections: every call goes through, few refusals', async () => {
		const account = sharedAccount(10, 5);
		const retry = { maxTries: 6, baseDelayMs: 1, maxDelayMs: 4 };
		const runners = [1, 2].map(() => new Runner(account.request, { maxConcurrency: 10, retry, sleep: timerSleep }));
		const calls = runners.flatMap((runner) => Array.from({ length: 300 }, () => runner.call(get)));
		const { ok, failed } = await settle(calls);
		// A call backing off holds no slot and a refusal does not use up its tries: none fails.
		expect(failed).toBe(0);
		expect(ok).toBe(600);
		expect(account.counts.answered).toBe(600);
		expect(account.counts.refused).toBeLessThan(250);
		const retries = runners.reduce((sum, r) => sum + r.retries, 0);
		expect(retries).toBe(account.counts.refused);
		expect(runners.reduce((sum, r) => sum + r.apiCalls, 0)).toBe(600 + account.counts.refused);
	});

	it('halves the limit on a throttling refusal and raises it back to maxConcurrency after answers', async () => {
		const answers: ApiResponse[] = [refused, refused, { status: 403, body: {} }];
		let n = 0;
		const runner = new Runner(async () => answers[n++] ?? { status: 200, body: {} }, {
			maxConcurrency: 8,
			retry: { maxTries: 2, baseDelayMs: 1, maxDelayMs: 1 },
			sleep: async () => {},
		});
		expect(runner.limit).toBe(8);
		await runner.call(get);
		// Three refusals of one request, each sent after the previous decrease: 8 -> 4 -> 2 -> 1,
		// then the answer is the first of the run that raises it.
		expect(runner.retries).toBe(3);
		expect(runner.limit).toBe(2);
		const limits: number[] = [];
		for (let i = 0; i < 40 && runner.limit < 8; i++) {
			await runner.call(get);
			limits.push(runner.limit);
		}
		// Up by one after `limit` answers in a row: 2 answers to 3, 3 to 4, ... 7 to 8.
		expect([...new Set(limits)]).toEqual([2, 3, 4, 5, 6, 7, 8]);
		expect(limits.length).toBe(2 + 3 + 4 + 5 + 6 + 7);
	});

	it('refusals of requests sent at the same limit lower it once, and the lower limit holds the retries back', async () => {
		let refuse!: () => void;
		const refusing = new Promise<void>((resolve) => (refuse = resolve));
		let sent = 0;
		let open = 0;
		const seen: Array<{ limit: number; open: number }> = [];
		const runner = new Runner(
			async () => {
				if (sent++ < 10) {
					await refusing;
					return refused;
				}
				seen.push({ limit: runner.limit, open: ++open });
				await tick(1);
				open--;
				return { status: 200, body: {} };
			},
			{ maxConcurrency: 10, retry: { maxTries: 6, baseDelayMs: 1, maxDelayMs: 1 }, sleep: async () => {} },
		);
		const calls = Array.from({ length: 10 }, () => runner.call(get));
		await tick(1);
		refuse();
		await Promise.all(calls);
		// Ten refusals at limit 10 are one signal: 10 -> 5 (not halved ten times, down to 1).
		expect(seen[0].limit).toBe(5);
		expect(Math.max(...seen.map((s) => s.open))).toBe(5);
		expect(runner.retries).toBe(10);
	});

	it('gives throttling refusals a larger budget than 5xx, which still fails after maxTries', async () => {
		const retry = { maxTries: 4, baseDelayMs: 1, maxDelayMs: 1 };
		let five = 0;
		const r1 = new Runner(async () => (five++, { status: 503, body: { title: 'Service Unavailable' } }), { maxConcurrency: 3, retry, sleep: async () => {} });
		await expect(r1.call(get)).rejects.toThrow('Mailchimp answered HTTP 503 (Service Unavailable), 4 tries');
		expect(five).toBe(4);
		expect(r1.retries).toBe(3);

		let thr = 0;
		const r2 = new Runner(async () => (thr++, refused), { maxConcurrency: 3, retry, sleep: async () => {} });
		await expect(r2.call(get)).rejects.toThrow(/HTTP 429 .*, 12 tries$/);
		expect(thr).toBe(12);
		expect(r2.apiCalls).toBe(12);
		expect(r2.retries).toBe(11);

		const mixed: ApiResponse[] = [refused, refused, refused, { status: 500, body: {} }, refused, { status: 200, body: {} }];
		let m = 0;
		const r3 = new Runner(async () => mixed[m++], { maxConcurrency: 3, retry, sleep: async () => {} });
		await expect(r3.call(get)).resolves.toMatchObject({ status: 200 });
		expect(r3.retries).toBe(5);
	});

	it('a cancel during a throttled wait rejects that call and the calls queued for a slot at once', async () => {
		const controller = new AbortController();
		let sent = 0;
		const runner = new Runner(
			async () => {
				sent++;
				await tick(1);
				return refused;
			},
			{ maxConcurrency: 2, retry: { maxTries: 6, baseDelayMs: 60_000, maxDelayMs: 60_000 }, sleep: sleepWithAbort, signal: controller.signal, random: () => 1 },
		);
		const calls = Array.from({ length: 6 }, () => runner.call(get));
		await tick(30);
		const sentBefore = sent;
		const started = Date.now();
		controller.abort();
		const results = await Promise.allSettled(calls);
		expect(Date.now() - started).toBeLessThan(1000);
		expect(results.every((r) => r.status === 'rejected' && r.reason instanceof ExportCancelledError)).toBe(true);
		expect(sent).toBe(sentBefore);
		await expect(runner.call(get)).rejects.toBeInstanceOf(ExportCancelledError);
		expect(sent).toBe(sentBefore);
	});
});

describe('two exports into one account at Max Concurrency 10 each (simulator, 10 connections)', () => {
	let sim: Simulator | undefined;
	afterEach(async () => {
		await sim?.stop();
		sim = undefined;
	});

	const people = (from: number, to: number, segment: string) =>
		Array.from({ length: to - from }, (_, i) => ({ email: `user${from + i}@example.com`, first: 'F', last: 'L', segment: [segment] }));

	it('both audiences are exact, nothing is rejected, and the counts add up', async () => {
		sim = await start({ port: 0, maxConnections: 10, latency: { upsert: { fixedMs: 500 }, segmentMembers: { fixedMs: 200 }, read: { fixedMs: 5 } } });
		const st = sim.state;
		const lists = [st.addList({ name: 'A' }), st.addList({ name: 'B' })];
		const request = createRequestFn({ url: sim.url, apiKey: sim.apiKey });
		const run = (listId: string, data: unknown[]) =>
			runExport(rowsOf(data), options({ listId, maxConcurrency: 10, retry: { maxTries: 6, baseDelayMs: 20, maxDelayMs: 600 } }), {
				request,
				sleep: sleepWithAbort,
			});
		const results = await Promise.all([run(lists[0], people(0, 6000, 'VIP')), run(lists[1], people(3000, 9000, 'Churn'))]);
		for (const { summary, rejected } of results) {
			expect(summary).toMatchObject({ exported: 6000, rejected: 0, partial: false });
			expect(rejected).toEqual([]);
			checkInvariant(summary);
		}
		expect([...st.list(lists[0])!.members.keys()].length).toBe(6000);
		expect([...st.list(lists[1])!.members.keys()].length).toBe(6000);
		expect(st.tagMembers(lists[0], 'VIP').length).toBe(6000);
		expect(st.tagMembers(lists[1], 'Churn').length).toBe(6000);
		// The two together asked for more than 10 connections and Mailchimp refused some (12 to 14 in
		// three runs): every refused request went through on a later try.
		expect(st.maxInFlightSeen).toBeGreaterThan(10);
		expect(st.counters.throttled).toBeGreaterThan(0);
		expect(results[0].summary.retries + results[1].summary.retries).toBe(st.counters.throttled);
	});
});

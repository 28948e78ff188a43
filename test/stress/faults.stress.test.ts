// Faults at scale: 100,000 profiles against a simulator with seeded faults (5xx, a 429 storm,
// connection resets, answers slower than the client's timeout), 403 throttling, and batches
// that fail for good. The audience ends exactly as expected, every rejected row has a reason,
// the summary counts the retries, and a failed batch makes the result partial.
import { type ApiRequest, type RequestFn, runExport } from '../../nodes/MailchimpSegmentExport/core';
import type { Simulator } from '../simulator/server';
import { type Audience, badRequests, checkAccounting, exportOptions, recording, rowsOf, shortSleep, startAudience } from '../unit/hardening/helpers';

const RETRY = { maxTries: 20, baseDelayMs: 1, maxDelayMs: 5 };

let audience: Audience | undefined;
afterEach(async () => {
	await audience?.sim.stop();
	audience = undefined;
});

const people = (n: number) =>
	Array.from({ length: n }, (_, i) => ({
		email: i % 3 === 0 ? `User${i}@Example.com` : `user${i}@example.com`,
		first: `F${i}`,
		segment: i % 2 === 0 ? ['vip', 'all'] : 'all',
		city: `C${i % 97}`,
		ltv: String(i),
	}));

const settleLog = () => new Promise((resolve) => setTimeout(resolve, 300));
const failedTries = (sim: Simulator) => sim.state.requestLog.filter((e) => e.status < 200 || e.status >= 300).length;

function expectExactAudience(sim: Simulator, listId: string, data: ReturnType<typeof people>): void {
	const list = sim.state.list(listId)!;
	expect(list.members.size).toBe(data.length);
	expect(sim.state.tagMembers(listId, 'all')).toHaveLength(data.length);
	expect(new Set(sim.state.tagMembers(listId, 'vip'))).toEqual(new Set(data.filter((_, i) => i % 2 === 0).map((p) => p.email.toLowerCase())));
	for (const i of [0, 1, 2, 4999, 50_000, data.length - 1]) {
		if (i >= data.length) continue;
		expect(sim.state.member(listId, data[i].email)).toMatchObject({
			status: 'subscribed',
			merge_fields: { FNAME: `F${i}`, CITY: `C${i % 97}`, LTV: i },
		});
	}
}

const mapping = { email: 'email', firstName: 'first', attributes: [{ mergeField: 'CITY', sourceField: 'city' }, { mergeField: 'LTV', sourceField: 'ltv' }] };

describe('faults at scale', () => {
	it('100,000 profiles: 5% 5xx, a 429 storm, connection resets: exact audience, every retry counted', async () => {
		audience = await startAudience({ seed: 11, faults: { errorRate: 0.05, resetRate: 0.02, storm: { startAfterRequests: 40, count: 60 } } });
		const { sim, listId } = audience;
		const data = people(100_000);
		const rec = recording(audience.direct);
		const result = await runExport(rowsOf(data), exportOptions(listId, { mapping, retry: RETRY }), { request: rec.request, sleep: shortSleep });
		await settleLog();

		checkAccounting(result, data.length);
		expect(result.summary).toMatchObject({ exported: 100_000, rejected: 0, partial: false });
		expect(result.summary.created + result.summary.updated).toBe(100_000);
		expectExactAudience(sim, listId, data);
		const { faults } = sim.state.counters;
		expect(faults.errors).toBeGreaterThan(0);
		expect(faults.storm).toBe(60);
		expect(faults.resets).toBeGreaterThan(0);
		// Every failed try was retried and counted: retries = answers that were not 2xx (resets included).
		expect(result.summary.apiCalls).toBe(sim.state.requestLog.length);
		expect(result.summary.retries).toBe(failedTries(sim));
		expect(result.summary.retries).toBe(faults.errors + faults.storm + faults.resets + sim.state.counters.throttled);
		expect(badRequests(sim)).toEqual([]);
		expect(rec.schemaProblems).toEqual([]);
	}, 120_000);

	it('answers slower than the client timeout: retried as network errors, exact audience', async () => {
		audience = await startAudience({ seed: 3, maxConnections: 40, faults: { slowRate: 0.15, slowMs: 1200 } }, 800);
		const { sim, listId } = audience;
		const data = people(5_000);
		const result = await runExport(rowsOf(data), exportOptions(listId, { mapping, retry: RETRY }), { request: audience.direct, sleep: shortSleep });
		await settleLog();
		checkAccounting(result, data.length);
		expect(result.summary).toMatchObject({ exported: 5_000, rejected: 0, partial: false });
		expectExactAudience(sim, listId, data);
		expect(sim.state.counters.faults.slow).toBeGreaterThan(0);
		expect(result.summary.retries).toBeGreaterThan(0);
		// A tag create whose answer was lost is refused (400, it exists now) when retried; the core finds the tag instead.
		const refusedCreates = badRequests(sim);
		for (const e of refusedCreates) expect(e.path).toBe(`/3.0/lists/${listId}/segments`);
		expect(sim.state.tags(listId).map((t) => t.name).sort()).toEqual(['all', 'vip']);
	});

	it('403 throttling under load (a bare limit 403, as Mailchimp sometimes answers): retried, exact audience', async () => {
		audience = await startAudience({ seed: 5, maxConnections: 5, throttleStatus: 403, latency: { upsert: { fixedMs: 3 }, segmentMembers: { fixedMs: 3 } }, faults: { storm: { startAfterRequests: 10, count: 20, status: 403 } } });
		const { sim, listId } = audience;
		const data = people(5_000);
		const result = await runExport(rowsOf(data), exportOptions(listId, { mapping, retry: { maxTries: 20, baseDelayMs: 2, maxDelayMs: 40 } }), {
			request: audience.direct,
			sleep: shortSleep,
		});
		await settleLog();
		checkAccounting(result, data.length);
		expect(result.summary).toMatchObject({ exported: 5_000, rejected: 0, partial: false });
		expectExactAudience(sim, listId, data);
		// The storm's 403s are certain; the connection limit's depend on timing, so they only add.
		expect(sim.state.counters.faults.storm).toBe(20);
		expect(result.summary.retries).toBe(failedTries(sim));
	});

	it('a batch that fails for good rejects its rows with the reason; the others go on; partial', async () => {
		audience = await startAudience();
		const { sim, listId } = audience;
		const data = people(3_000);
		const poisoned = (r: ApiRequest) =>
			r.method === 'POST' && r.path === `/lists/${listId}` && JSON.stringify(r.body).includes('"user1001@example.com"');
		const request: RequestFn = (r) =>
			poisoned(r) ? Promise.resolve({ status: 503, body: { title: 'Service Unavailable', detail: 'Try again later.' } }) : audience!.direct(r);
		const result = await runExport(rowsOf(data), exportOptions(listId, { mapping, retry: { maxTries: 4, baseDelayMs: 1, maxDelayMs: 2 } }), {
			request,
			sleep: shortSleep,
		});
		checkAccounting(result, data.length);
		expect(result.summary).toMatchObject({ exported: 2_500, rejected: 500, partial: true });
		expect(result.summary.retries).toBe(3);
		const failed = result.rejected;
		expect(failed.every((r) => r.code === 'BATCH_FAILED')).toBe(true);
		expect(failed[0].reason).toBe('Mailchimp answered HTTP 503 (Service Unavailable: Try again later.), 4 tries');
		expect(failed.map((r) => r.index)).toContain(1001);
		expect(sim.state.list(listId)!.members.size).toBe(2_500);
		for (const r of failed) expect(sim.state.member(listId, data[r.index].email)).toBeUndefined();
	});

	it('a tag call that fails for good rejects its members (in the audience, not tagged); partial', async () => {
		// Tags go by tag calls when Mailchimp ignores the upsert's tags.
		audience = await startAudience({ behaviour: { batchTags: 'ignore' } });
		const { sim, listId } = audience;
		const data = people(1_200);
		let vipTagId = -1;
		const inner = recording(audience.direct);
		const request: RequestFn = async (r) => {
			if (vipTagId < 0 && r.method === 'POST' && r.path === `/lists/${listId}/segments`) {
				const res = await inner.request(r);
				if ((r.body as { name: string }).name === 'vip') vipTagId = (res.body as { id: number }).id;
				return res;
			}
			if (r.method === 'POST' && r.path === `/lists/${listId}/segments/${vipTagId}`) return Promise.reject(new Error('socket hang up'));
			return inner.request(r);
		};
		const result = await runExport(rowsOf(data), exportOptions(listId, { mapping, retry: { maxTries: 3, baseDelayMs: 1, maxDelayMs: 2 } }), {
			request,
			sleep: shortSleep,
		});
		checkAccounting(result, data.length);
		expect(result.summary).toMatchObject({ partial: true, rejected: 600, exported: 600 });
		expect(result.rejected[0]).toMatchObject({ code: 'TAG_FAILED', reason: 'In the audience, but not tagged "vip": No answer from Mailchimp (socket hang up), 3 tries' });
		expect(sim.state.list(listId)!.members.size).toBe(1_200);
		expect(sim.state.tagMembers(listId, 'all')).toHaveLength(1_200);
	});
});

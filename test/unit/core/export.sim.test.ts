// The export against the Mailchimp simulator: batches of 500, statuses never changed, tags per
// segment, compliance states, faults and cancellation, each ending in the exact audience.
import { sleepWithAbort } from 'n8n-workflow';

import {
	ExportCancelledError,
	ExportError,
	type ExportOptions,
	type ProfileRow,
	getMergeFields,
	listAudiences,
	runExport,
} from '../../../nodes/MailchimpSegmentExport/core';
import { createRequestFn } from '../../simulator/client';
import { type Simulator, start } from '../../simulator/server';
import type { SimulatorOptions } from '../../simulator/types';
import { checkInvariant, options, rowsOf } from './helpers';
import { asSent } from '../mockRequest';

let sim: Simulator | undefined;
afterEach(async () => {
	await sim?.stop();
	sim = undefined;
});

async function setup(simOptions: SimulatorOptions = {}) {
	sim = await start({ port: 0, ...simOptions });
	const listId = sim.state.addList({
		name: 'Customers',
		mergeFields: [
			{ tag: 'LTV', type: 'number' },
			{ tag: 'SIGNUP', type: 'date', options: { date_format: 'DD/MM/YYYY' } },
			{ tag: 'PLAN', type: 'dropdown', options: { choices: ['Gold', 'Silver'] } },
		],
	});
	const request = createRequestFn({ url: sim.url, apiKey: sim.apiKey });
	return { sim, listId, request };
}

const fastRetry = { maxTries: 8, baseDelayMs: 2, maxDelayMs: 20 };

function run(request: ReturnType<typeof createRequestFn>, data: unknown[] | (() => Iterable<ProfileRow> | AsyncIterable<ProfileRow>), over: Partial<ExportOptions>, signal?: AbortSignal) {
	const source = typeof data === 'function' ? data : rowsOf(data);
	return runExport(source, options({ retry: fastRetry, ...over }), { request, sleep: sleepWithAbort, signal });
}

const people = (n: number, segment: string | string[] = 'vip') =>
	Array.from({ length: n }, (_, i) => ({ email: `user${i}@example.com`, first: `F${i}`, last: `L${i}`, segment }));

const upserts = (s: Simulator) => s.state.requestLog.filter((e) => e.method === 'POST' && /^\/3\.0\/lists\/[^/]+$/.test(e.path) && e.status === 200);

describe('runExport against the simulator', () => {
	it('1,201 profiles: 3 upserts of 500/500/201, tagged, counted', async () => {
		const { sim, listId, request } = await setup();
		const { summary, rejected } = await run(request, people(1201), { listId });
		expect(upserts(sim).map((e) => e.members).sort((a, b) => (b ?? 0) - (a ?? 0))).toEqual([500, 500, 201]);
		expect(summary).toMatchObject({ profilesIn: 1201, exported: 1201, created: 1201, updated: 0, rejected: 0, partial: false });
		expect(summary.segments).toEqual([expect.objectContaining({ name: 'vip', added: 1201, removed: 0 })]);
		expect(sim.state.tagMembers(listId, 'vip')).toHaveLength(1201);
		expect(sim.state.member(listId, 'user7@example.com')).toMatchObject({ status: 'subscribed', merge_fields: { FNAME: 'F7', LNAME: 'L7' } });
		expect(rejected).toEqual([]);
		checkInvariant(summary);
	});

	it('never sends status: an unsubscribed member stays unsubscribed, a locked one is left as is', async () => {
		const { sim, listId, request } = await setup();
		sim.state.addMember(listId, { email: 'gone@example.com', status: 'unsubscribed' });
		sim.state.addMember(listId, { email: 'locked@example.com', status: 'unsubscribed', locked: true });
		const seen: unknown[] = [];
		const spy: typeof request = (r) => {
			if (r.method === 'POST') seen.push(asSent(r).body);
			return request(r);
		};
		const { summary } = await runExport(
			rowsOf([...people(3), { email: 'GONE@example.com', segment: 'vip' }, { email: 'locked@example.com', segment: 'vip' }]),
			options({ listId, retry: fastRetry, statusIfNew: 'subscribed' }),
			{ request: spy, sleep: sleepWithAbort },
		);
		expect(sim.state.member(listId, 'gone@example.com')?.status).toBe('unsubscribed');
		expect(sim.state.member(listId, 'locked@example.com')?.status).toBe('unsubscribed');
		expect(summary).toMatchObject({ exported: 5, created: 3, updated: 2 });
		expect(JSON.stringify(seen)).not.toMatch(/"status"/);
		checkInvariant(summary);
	});

	it('a row Mailchimp rejects inside a 200 is one rejected row with its message; the rest of the batch lands', async () => {
		const { sim, listId, request } = await setup();
		sim.state.forget(listId, 'forgotten@example.com');
		const data = [...people(10), { email: 'forgotten@example.com', segment: 'vip' }, { email: 'x@example.com', segment: 'vip', ltv: 'n/a' }];
		const { summary, rejected } = await run(request, data, { listId, mapping: { email: 'email', attributes: [{ mergeField: 'LTV', sourceField: 'ltv' }] } });
		expect(summary).toMatchObject({ profilesIn: 12, exported: 10, rejected: 2 });
		expect(rejected).toEqual([
			expect.objectContaining({ index: 10, email: 'forgotten@example.com', code: 'ERROR_GENERIC', reason: expect.stringMatching(/permanently deleted/) }),
			expect.objectContaining({ index: 11, field: 'LTV', code: 'INVALID_VALUE' }),
		]);
		expect(sim.state.tagMembers(listId, 'vip')).toHaveLength(10);
		checkInvariant(summary);
	});

	it.each(['honour', 'ignore'] as const)(
		'asks for only the fields it reads on batch answers; the same result when Mailchimp does (%s) fields on POST',
		async (fieldsOnPost) => {
			const { sim, listId, request } = await setup({ fieldsOnPost });
			sim.state.addMember(listId, { email: 'user1@example.com', status: 'subscribed' });
			sim.state.forget(listId, 'forgotten@example.com');
			const answers: unknown[] = [];
			const spy: typeof request = async (r) => {
				const response = await request(r);
				if (r.method === 'POST') answers.push(response.body);
				return response;
			};
			const data = [...people(3, ['vip', 'new']), { email: 'forgotten@example.com', segment: 'vip' }];
			const { summary, rejected } = await runExport(rowsOf(data), options({ listId, retry: fastRetry }), { request: spy, sleep: sleepWithAbort });
			expect(summary).toMatchObject({ profilesIn: 4, exported: 3, created: 2, updated: 1, rejected: 1 });
			expect(summary.segments).toEqual([expect.objectContaining({ name: 'vip', added: 3 }), expect.objectContaining({ name: 'new', added: 3 })]);
			expect(rejected).toEqual([expect.objectContaining({ index: 3, email: 'forgotten@example.com', reason: expect.stringMatching(/permanently deleted/) })]);
			const batch = answers.find((a) => typeof a === 'object' && a !== null && 'new_members' in a) as { new_members: object[] };
			if (fieldsOnPost === 'honour') expect(batch.new_members[0]).toEqual({ email_address: expect.any(String), tags: expect.any(Array) });
			else expect(batch.new_members[0]).toHaveProperty('merge_fields');
			checkInvariant(summary);
		},
	);

	it('a locked contact is one rejected row with Mailchimp\'s compliance message; the rest of its batch lands', async () => {
		const { sim, listId, request } = await setup();
		sim.state.archive(listId, 'locked@example.com', true);
		const data = [...people(4), { email: 'Locked@example.com', segment: 'vip' }, ...people(3).map((p, i) => ({ ...p, email: `late${i}@example.com` }))];
		const { summary, rejected } = await run(request, data, { listId });
		expect(summary).toMatchObject({ profilesIn: 8, exported: 7, rejected: 1, partial: false });
		expect(rejected).toEqual([
			expect.objectContaining({
				index: 4,
				email: 'Locked@example.com',
				reason: expect.stringContaining('is in a compliance state due to unsubscribe, bounce, or compliance review and cannot be subscribed'),
			}),
		]);
		expect(sim.state.member(listId, 'locked@example.com')).toBeUndefined();
		expect(sim.state.tagMembers(listId, 'vip')).not.toContain('locked@example.com');
		checkInvariant(summary);
	});

	it('creates no tag for a segment whose every row was rejected before sending', async () => {
		const { sim, listId, request } = await setup();
		const { summary } = await run(request, [...people(2), { email: 'not-an-email', segment: 'ghost' }], { listId });
		expect(summary).toMatchObject({ exported: 2, rejected: 1 });
		expect(summary.segments).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'ghost', tagId: null, added: 0 })]));
		expect(sim.state.tags(listId).map((t) => t.name)).toEqual(['vip']);
		checkInvariant(summary);
	});

	it('a row that changed between the two reads is rejected, not sent, and still counted', async () => {
		const { sim, listId, request } = await setup();
		let reads = 0;
		const source = () => {
			reads++;
			const data = people(3);
			if (reads === 2) data[1] = { ...data[1], segment: 'other' };
			return data.map((d, i) => ({ index: i, itemIndex: i, data: d }));
		};
		const { summary, rejected } = await run(request, source, { listId });
		expect(summary).toMatchObject({ profilesIn: 3, exported: 2, rejected: 1 });
		expect(rejected).toEqual([expect.objectContaining({ index: 1, code: 'INPUT_CHANGED' })]);
		expect(sim.state.tagMembers(listId, 'vip')).toHaveLength(2);
		checkInvariant(summary);
	});

	it('duplicates, consent, segment selection and the invariant', async () => {
		const { sim, listId, request } = await setup();
		const data = [
			{ email: 'Ann@Example.com', first: 'Old', segment: 'vip', ok: true },
			{ email: 'bob@example.com', segment: 'churn', ok: true },
			{ email: ' ann@example.com ', first: 'New', segment: ['churn'], ok: 'true' },
			{ email: 'carl@example.com', segment: 'vip', ok: false },
			{ email: 'dana@example.com', segment: 'other', ok: true },
			{ email: 'not-an-email', segment: 'vip', ok: true },
		];
		const { summary, rejected } = await run(request, data, { listId, consentField: 'ok', selectedSegments: ['vip', 'churn'] });
		expect(summary).toMatchObject({
			profilesIn: 6,
			exported: 2,
			rejected: 1,
			skipped: { noConsent: 1, notInSelectedSegments: 1, duplicate: 1 },
		});
		expect(rejected[0]).toMatchObject({ index: 5, code: 'INVALID_EMAIL' });
		expect(sim.state.member(listId, 'ann@example.com')?.merge_fields.FNAME).toBe('New');
		expect(sim.state.member(listId, 'ann@example.com')?.tags.sort()).toEqual(['churn', 'vip']);
		expect(sim.state.member(listId, 'carl@example.com')).toBeUndefined();
		expect(sim.state.member(listId, 'dana@example.com')).toBeUndefined();
		checkInvariant(summary);
	});

	it('a 429 storm, 5xx and connection resets end with the exact audience and no row lost', async () => {
		const { sim, listId, request } = await setup({
			seed: 7,
			faults: { storm: { startAfterRequests: 4, count: 15 }, errorRate: 0.15, resetRate: 0.1 },
		});
		const data = people(2300, ['vip', 'churn']);
		const { summary } = await run(request, data, { listId, retry: { maxTries: 20, baseDelayMs: 1, maxDelayMs: 10 } });
		expect(summary).toMatchObject({ exported: 2300, rejected: 0, partial: false });
		expect(summary.retries).toBeGreaterThan(10);
		expect(sim.state.tagMembers(listId, 'vip').sort()).toEqual(data.map((p) => p.email).sort());
		expect(sim.state.tagMembers(listId, 'churn')).toHaveLength(2300);
		expect(sim.state.counters.throttled + sim.state.counters.faults.storm).toBeGreaterThan(0);
		checkInvariant(summary);
	});

	it('stays within the connection limit with a small pool', async () => {
		const { sim, listId, request } = await setup({ maxConnections: 3, latency: { upsert: { fixedMs: 5 } } });
		const { summary } = await run(request, people(3000), { listId, maxConcurrency: 3 });
		expect(sim.state.counters.throttled).toBe(0);
		expect(summary.exported).toBe(3000);
	});

	it('a batch that fails for good rejects its rows (BATCH_FAILED), the others go on, partial', async () => {
		const { sim, listId, request } = await setup();
		let upsertCalls = 0;
		const flaky: typeof request = (r) => {
			if (r.method === 'POST' && r.path === `/lists/${listId}` && ++upsertCalls === 1) {
				return Promise.resolve({ status: 400, body: { title: 'Invalid Resource', detail: 'Bad batch' } });
			}
			return request(r);
		};
		const { summary, rejected } = await runExport(rowsOf(people(1000)), options({ listId, retry: fastRetry, maxConcurrency: 1 }), {
			request: flaky,
			sleep: sleepWithAbort,
		});
		expect(summary).toMatchObject({ exported: 500, rejected: 500, partial: true });
		expect(rejected[0]).toMatchObject({ code: 'BATCH_FAILED', reason: expect.stringMatching(/Bad batch/) });
		expect(sim.state.tagMembers(listId, 'vip')).toHaveLength(500);
		checkInvariant(summary);
	});

	it('cancellation stops within one batch', async () => {
		const { sim, listId, request } = await setup({ latency: { upsert: { fixedMs: 30 } } });
		const controller = new AbortController();
		let upsertsSent = 0;
		const counting: typeof request = (r) => {
			if (r.method === 'POST' && r.path === `/lists/${listId}` && ++upsertsSent === 2) controller.abort();
			return request(r);
		};
		const error = await runExport(rowsOf(people(10_000)), options({ listId, retry: fastRetry, maxConcurrency: 1 }), {
			request: counting,
			sleep: sleepWithAbort,
			signal: controller.signal,
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ExportCancelledError);
		expect(upsertsSent).toBe(2);
		expect(upserts(sim).length).toBeLessThanOrEqual(2);
		const partial = (error as ExportCancelledError).partial!;
		expect(partial.summary.profilesIn).toBe(10_000);
	});

	it('over the limit: a clear error before anything is written', async () => {
		const { sim, listId, request } = await setup();
		await expect(run(request, people(11), { listId, maxProfiles: 10 })).rejects.toThrow(/more than 10 profiles/);
		expect(sim.state.requestLog.filter((e) => e.method !== 'GET')).toEqual([]);
	});

	it('dry run writes nothing and reports what would be sent', async () => {
		const { sim, listId, request } = await setup();
		const { summary } = await run(request, people(700), { listId, dryRun: true });
		expect(summary).toMatchObject({ dryRun: true, exported: 700, segments: [{ name: 'vip', tagId: null, added: 700, removed: 0 }] });
		expect(sim.state.requestLog.filter((e) => e.method !== 'GET')).toEqual([]);
		checkInvariant(summary);
	});

	it('removes members who left from the tag only', async () => {
		const { sim, listId, request } = await setup();
		sim.state.addMember(listId, { email: 'left@example.com', status: 'subscribed', tags: ['vip'] });
		const { summary } = await run(request, people(3), { listId, removeMembersWhoLeft: true });
		expect(summary.segments[0]).toMatchObject({ name: 'vip', added: 3, removed: 1 });
		expect(sim.state.tagMembers(listId, 'vip').sort()).toEqual(['user0@example.com', 'user1@example.com', 'user2@example.com']);
		expect(sim.state.member(listId, 'left@example.com')?.status).toBe('subscribed');
	});

	it('converts merge fields to the audience types; fixed segment; async source', async () => {
		const { sim, listId, request } = await setup();
		async function* source(): AsyncGenerator<ProfileRow> {
			yield { index: 0, itemIndex: 0, data: { contact: { email: 'a@example.com' }, ltv: '12.5', signup: '2024-03-04', plan: 'gold' } };
		}
		const { summary } = await run(request, source, {
			listId,
			segmentSource: { kind: 'fixed', name: 'Newsletter' },
			statusIfNew: 'audienceDefault',
			mapping: {
				email: 'contact.email',
				attributes: [
					{ mergeField: 'LTV', sourceField: 'ltv' },
					{ mergeField: 'SIGNUP', sourceField: 'signup' },
					{ mergeField: 'PLAN', sourceField: 'plan' },
				],
			},
		});
		expect(summary.exported).toBe(1);
		expect(sim.state.member(listId, 'a@example.com')).toMatchObject({
			merge_fields: { LTV: 12.5, SIGNUP: '04/03/2024', PLAN: 'Gold' },
			tags: ['Newsletter'],
		});
	});

	it('export-level errors: bad key, missing audience, unknown merge field', async () => {
		const { sim, listId, request } = await setup();
		const badKey = createRequestFn({ url: sim.url, apiKey: `${'0'.repeat(32)}-us1` });
		const e1 = await run(badKey, people(1), { listId }).catch((e: unknown) => e);
		expect(e1).toBeInstanceOf(ExportError);
		expect((e1 as ExportError).message).toMatch(/API Key Invalid/);
		expect(JSON.stringify(e1)).not.toContain(sim.apiKey);
		await expect(run(request, people(1), { listId: 'nope123' })).rejects.toThrow('Audience nope123 not found');
		await expect(
			run(request, people(1), { listId, mapping: { email: 'email', attributes: [{ mergeField: 'TIER', sourceField: 't' }] } }),
		).rejects.toThrow(/no merge field TIER/);
	});

	it('UI helpers: audiences and merge fields', async () => {
		const { listId, request } = await setup();
		await expect(listAudiences(request, { search: 'cust' })).resolves.toEqual({
			audiences: [{ id: listId, name: 'Customers', memberCount: 0 }],
			total: 1,
		});
		const fields = await getMergeFields(request, listId);
		expect(fields.map((f) => f.tag)).toEqual(expect.arrayContaining(['FNAME', 'LTV', 'SIGNUP', 'PLAN']));
		expect(fields.find((f) => f.tag === 'SIGNUP')?.options.dateFormat).toBe('DD/MM/YYYY');
	});
});

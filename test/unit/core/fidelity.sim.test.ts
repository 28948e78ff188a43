// The export against the simulator where Mailchimp's behaviour is documented by public sources
// (or, where it is not, under each of the simulator's answers): see test/simulator/README.md and
// test/simulator/API-NOTES.md for the sources.
import { sleepWithAbort } from 'n8n-workflow';

import { type ExportOptions, type ProfileRow, runExport } from '../../../nodes/MailchimpSegmentExport/core';
import { createRequestFn } from '../../simulator/client';
import { type Simulator, start } from '../../simulator/server';
import type { MergeFieldSpec, SimulatorOptions } from '../../simulator/types';
import { checkInvariant, options, rowsOf } from './helpers';

let sim: Simulator | undefined;
afterEach(async () => {
	await sim?.stop();
	sim = undefined;
});

async function setup(mergeFields: MergeFieldSpec[] = [], simOptions: SimulatorOptions = {}) {
	sim = await start({ port: 0, ...simOptions });
	const listId = sim.state.addList({ name: 'Customers', mergeFields });
	const request = createRequestFn({ url: sim.url, apiKey: sim.apiKey });
	return { sim, listId, request };
}

const fastRetry = { maxTries: 4, baseDelayMs: 1, maxDelayMs: 5 };

function run(request: ReturnType<typeof createRequestFn>, data: unknown[] | (() => Iterable<ProfileRow>), over: Partial<ExportOptions>) {
	const source = typeof data === 'function' ? data : rowsOf(data);
	return runExport(source, options({ retry: fastRetry, ...over }), { request, sleep: sleepWithAbort });
}

const people = (n: number, segment = 'vip') =>
	Array.from({ length: n }, (_, i) => ({ email: `user${i}@example.com`, first: `F${i}`, last: `L${i}`, segment }));

describe('birthdays (point 1)', () => {
	it('a DD/MM audience gets DD/MM birthdays: 31 December is accepted, 4 March is not swapped', async () => {
		const { sim, listId, request } = await setup([{ tag: 'BDAY', type: 'birthday', options: { date_format: 'DD/MM' } }]);
		const data = [
			{ email: 'dec@example.com', segment: 'vip', born: '1990-12-31' },
			{ email: 'mar@example.com', segment: 'vip', born: '1990-03-04' },
		];
		const { summary, rejected } = await run(request, data, { listId, mapping: { email: 'email', attributes: [{ mergeField: 'BDAY', sourceField: 'born' }] } });
		expect(rejected).toEqual([]);
		expect(summary).toMatchObject({ exported: 2, rejected: 0 });
		expect(sim.state.member(listId, 'dec@example.com')?.merge_fields.BDAY).toBe('31/12');
		expect(sim.state.member(listId, 'mar@example.com')?.merge_fields.BDAY).toBe('04/03');
		checkInvariant(summary);
	});
});

describe('remove members who left (point 2)', () => {
	it('untags unsubscribed, cleaned and transactional members too, and counts them', async () => {
		const { sim, listId, request } = await setup();
		sim.state.addMember(listId, { email: 'left-sub@example.com', status: 'subscribed', tags: ['vip'] });
		sim.state.addMember(listId, { email: 'left-unsub@example.com', status: 'unsubscribed', tags: ['vip'] });
		sim.state.addMember(listId, { email: 'left-clean@example.com', status: 'cleaned', tags: ['vip'] });
		sim.state.addMember(listId, { email: 'left-tx@example.com', status: 'transactional', tags: ['vip'] });
		const { summary } = await run(request, people(2), { listId, removeMembersWhoLeft: true });
		expect(summary.segments[0]).toMatchObject({ name: 'vip', added: 2, removed: 4 });
		expect(sim.state.tagMembers(listId, 'vip').sort()).toEqual(['user0@example.com', 'user1@example.com']);
		expect(sim.state.member(listId, 'left-unsub@example.com')?.status).toBe('unsubscribed');
		expect(sim.state.member(listId, 'left-tx@example.com')?.status).toBe('transactional');
	});
});

describe('required merge fields (point 3)', () => {
	const company: MergeFieldSpec[] = [{ tag: 'COMPANY', name: 'Company', type: 'text', required: true }];
	const writes = (s: Simulator) => s.state.requestLog.filter((e) => e.method !== 'GET');

	it('a required merge field the mapping does not fill stops the export before anything is written, naming it', async () => {
		const { sim, listId, request } = await setup(company);
		const error = await run(request, people(3), { listId }).catch((e: unknown) => e);
		expect(error).toMatchObject({ message: expect.stringContaining('COMPANY (Company)') });
		expect((error as { description: string }).description).toMatch(/Accept Members Missing Required Fields/);
		expect(writes(sim)).toEqual([]);
	});

	it('the dry run says so too', async () => {
		const { listId, request } = await setup(company);
		await expect(run(request, people(3), { listId, dryRun: true })).rejects.toThrow(/requires the merge field COMPANY/);
	});

	it('with skipMergeValidation Mailchimp accepts the members; an empty required value is not a rejection', async () => {
		const { sim, listId, request } = await setup(company);
		const data = [...people(2), { email: 'blank@example.com', segment: 'vip', company: '' }];
		const { summary, rejected } = await run(request, data, {
			listId,
			skipMergeValidation: true,
			mapping: { email: 'email', attributes: [{ mergeField: 'COMPANY', sourceField: 'company' }] },
		});
		expect(rejected).toEqual([]);
		expect(summary).toMatchObject({ exported: 3, created: 3 });
		expect(sim.state.member(listId, 'user1@example.com')).toBeDefined();
		checkInvariant(summary);
	});
});

const memberLookups = (s: Simulator) => s.state.requestLog.filter((e) => e.method === 'GET' && /\/members\/[^/]+$/.test(e.path));

describe('members a batch answer does not mention (point 5), under both answers', () => {
	it.each([
		['lists them in updated_members', true, 0],
		['leaves them out of every list', false, 3],
	])('when Mailchimp %s, unchanged members are exported and counted as updated', async (_how, listUnchangedMembers, lookups) => {
		const { sim, listId, request } = await setup([], { behaviour: { listUnchangedMembers } });
		for (let i = 0; i < 3; i++) sim.state.addMember(listId, { email: `user${i}@example.com`, mergeFields: { FNAME: `F${i}`, LNAME: `L${i}` }, tags: ['vip'] });
		const { summary, rejected } = await run(request, people(5), { listId });
		expect(rejected).toEqual([]);
		expect(summary).toMatchObject({ exported: 5, created: 2, updated: 3, rejected: 0 });
		expect(sim.state.tagMembers(listId, 'vip')).toHaveLength(5);
		expect(memberLookups(sim)).toHaveLength(lookups);
		checkInvariant(summary);
	});

	it('a member left out of the answer and not in the audience is rejected with the reason', async () => {
		const { sim, listId, request } = await setup();
		const dropping: typeof request = async (r) => {
			const response = await request(r);
			if (r.method === 'POST' && r.path === `/lists/${listId}`) {
				const body = response.body as { new_members: Array<{ email_address: string }> };
				body.new_members = body.new_members.filter((m) => m.email_address !== 'user1@example.com');
				sim.state.forget(listId, 'user1@example.com');
			}
			return response;
		};
		const { summary, rejected } = await runExport(rowsOf(people(3)), options({ listId, retry: fastRetry }), { request: dropping, sleep: sleepWithAbort });
		expect(summary).toMatchObject({ exported: 2, rejected: 1 });
		expect(rejected).toEqual([
			expect.objectContaining({ index: 1, code: 'NOT_IN_AUDIENCE', reason: 'Mailchimp does not hold this member in the audience' }),
		]);
		checkInvariant(summary);
	});
});

describe('tags carried by the batch upsert (members\' `tags`), under each answer', () => {
	const tagCalls = (s: Simulator) => s.state.requestLog.filter((e) => e.method === 'POST' && /\/segments\/\d+$/.test(e.path));

	it.each([
		['applies them to every member', 'apply', 0],
		['applies them to new members only', 'newOnly', 1],
		['ignores them', 'ignore', 1],
	] as const)('every member ends up tagged, with tag calls only for tags the answer does not show, when Mailchimp %s', async (_how, batchTags, calls) => {
		const { sim, listId, request } = await setup([], { behaviour: { batchTags } });
		sim.state.addMember(listId, { email: 'user0@example.com', tags: ['vip'] });
		sim.state.addMember(listId, { email: 'user1@example.com' });
		const { summary, rejected } = await run(request, people(3), { listId });
		expect(rejected).toEqual([]);
		expect(summary).toMatchObject({ exported: 3, created: 1, updated: 2, segments: [expect.objectContaining({ name: 'vip', added: 3, alreadyTagged: 0 })] });
		expect(sim.state.tagMembers(listId, 'vip').sort()).toEqual(['user0@example.com', 'user1@example.com', 'user2@example.com']);
		expect(tagCalls(sim)).toHaveLength(calls);
		checkInvariant(summary);
	});

	it('an upsert carries a tag by the name Mailchimp has for it, and no tag whose name (in any case) is not its own', async () => {
		const { sim, listId, request } = await setup();
		sim.state.addMember(listId, { email: 'seed@example.com', tags: ['VIP', 'Churn', 'churn'] });
		const bodies: unknown[] = [];
		const watching: typeof request = async (r) => {
			if (r.method === 'POST' && r.path === `/lists/${listId}`) bodies.push(JSON.parse(JSON.stringify(r.body)));
			return request(r);
		};
		const data = [
			{ email: 'a@example.com', segment: 'vip' },
			{ email: 'b@example.com', segment: 'Churn' },
		];
		const { summary } = await runExport(rowsOf(data), options({ listId, retry: fastRetry }), { request: watching, sleep: sleepWithAbort });
		expect(bodies).toEqual([{ members: [expect.objectContaining({ email_address: 'a@example.com', tags: ['VIP'] }), expect.not.objectContaining({ tags: expect.anything() })], update_existing: true }]);
		expect(sim.state.tagMembers(listId, 'VIP').sort()).toEqual(['a@example.com', 'seed@example.com']);
		expect(sim.state.tagMembers(listId, 'Churn').sort()).toEqual(['b@example.com', 'seed@example.com']);
		expect(summary.segments.map((s) => [s.name, s.added])).toEqual([['vip', 1], ['Churn', 1]]);
		checkInvariant(summary);
	});
});

describe('tags counted, not assumed (point 4), under each answer, when the tags go by tag calls', () => {
	it.each([
		['ignores them silently', false],
		['reports them in errors[]', true],
	])('a member that left the audience before its tag call is rejected, not counted as tagged, when Mailchimp %s', async (_how, reportUnknownTagEmails) => {
		const { sim, listId, request } = await setup([], { behaviour: { reportUnknownTagEmails, batchTags: 'ignore' } });
		const archiving: typeof request = async (r) => {
			if (r.method === 'POST' && /\/segments\/\d+$/.test(r.path)) sim.state.archive(listId, 'user2@example.com', false);
			return request(r);
		};
		const { summary, rejected } = await runExport(rowsOf(people(4)), options({ listId, retry: fastRetry }), { request: archiving, sleep: sleepWithAbort });
		expect(summary).toMatchObject({ exported: 3, rejected: 1, segments: [expect.objectContaining({ name: 'vip', added: 3 })] });
		expect(rejected).toEqual([expect.objectContaining({ index: 2, code: 'TAG_FAILED', reason: expect.stringMatching(/not tagged "vip"/i) })]);
		checkInvariant(summary);
	});

	it.each([true, false])('members already tagged count as tagged already, from the upsert answer, without lookups (listAlreadyTagged: %s)', async (listAlreadyTagged) => {
		const { sim, listId, request } = await setup([], { behaviour: { listAlreadyTagged } });
		sim.state.addMember(listId, { email: 'user0@example.com', tags: ['vip'] });
		sim.state.addMember(listId, { email: 'user1@example.com', tags: ['vip'] });
		// A second tag whose name differs only in case: upserts cannot carry "vip" by name.
		sim.state.list(listId)!.createSegment('VIP');
		const { summary, rejected } = await run(request, people(3), { listId });
		expect(rejected).toEqual([]);
		expect(summary).toMatchObject({ exported: 3, segments: [expect.objectContaining({ added: 1, alreadyTagged: 2 })] });
		expect(memberLookups(sim)).toHaveLength(0);
		checkInvariant(summary);
	});

	it('a member tagged by someone else between its upsert and its tag call is confirmed by a lookup (listAlreadyTagged: false)', async () => {
		const { sim, listId, request } = await setup([], { behaviour: { listAlreadyTagged: false, batchTags: 'ignore' } });
		const racing: typeof request = async (r) => {
			if (r.method === 'POST' && /\/segments\/\d+$/.test(r.path)) sim.state.addMember(listId, { email: 'user1@example.com', tags: ['vip'] });
			return request(r);
		};
		const { summary, rejected } = await runExport(rowsOf(people(3)), options({ listId, retry: fastRetry }), { request: racing, sleep: sleepWithAbort });
		expect(rejected).toEqual([]);
		expect(summary).toMatchObject({ exported: 3, segments: [expect.objectContaining({ added: 3 })] });
		expect(memberLookups(sim)).toHaveLength(1);
		checkInvariant(summary);
	});
});

describe('archived contacts (point 6), under each answer', () => {
	it.each([
		['restore', { exported: 3, created: 3, updated: 0, rejected: 0 }],
		['stayArchived', { exported: 2, created: 2, updated: 0, rejected: 1 }],
		['listedAsUpdated', { exported: 2, created: 2, updated: 0, rejected: 1 }],
	] as const)('archivedUpsert %s: exported and tagged only when Mailchimp brought the contact back', async (archivedUpsert, counts) => {
		const { sim, listId, request } = await setup([], { behaviour: { archivedUpsert } });
		sim.state.archive(listId, 'user1@example.com', false);
		const { summary, rejected } = await run(request, people(3), { listId });
		expect(summary).toMatchObject({ ...counts, segments: [expect.objectContaining({ added: counts.exported })] });
		const back = archivedUpsert === 'restore';
		expect(sim.state.tagMembers(listId, 'vip').includes('user1@example.com')).toBe(back);
		if (!back) {
			expect(rejected).toEqual([
				expect.objectContaining({ index: 1, code: 'NOT_IN_AUDIENCE', reason: expect.stringMatching(/^The contact is archived in Mailchimp/) }),
			]);
		}
		checkInvariant(summary);
	});
});

describe('smaller points (point 7)', () => {
	it('a zip that is not 5 digits, and an email with non-ASCII before the @, are rejected before sending; a non-ASCII domain is exported', async () => {
		const { sim, listId, request } = await setup([{ tag: 'ZIP', type: 'zip' }]);
		const data = [
			{ email: 'zip5@example.com', segment: 'vip', zip: '02134' },
			{ email: 'zip9@example.com', segment: 'vip', zip: '02134-1234' },
			{ email: 'josé@example.com', segment: 'vip', zip: '02134' },
			{ email: 'ann@bücher.de', segment: 'vip', zip: '02134' },
		];
		const sent: string[] = [];
		const spy: typeof request = (r) => {
			if (r.method === 'POST' && r.path === `/lists/${listId}`) sent.push(...(r.body as { members: Array<{ email_address: string }> }).members.map((m) => m.email_address));
			return request(r);
		};
		const { summary, rejected } = await runExport(
			rowsOf(data),
			options({ listId, retry: fastRetry, mapping: { email: 'email', attributes: [{ mergeField: 'ZIP', sourceField: 'zip' }] } }),
			{ request: spy, sleep: sleepWithAbort },
		);
		expect(rejected).toEqual([
			expect.objectContaining({ index: 1, code: 'INVALID_VALUE', field: 'ZIP', reason: expect.stringContaining('5 digits') }),
			expect.objectContaining({ index: 2, code: 'INVALID_EMAIL', reason: expect.stringContaining('non-ASCII characters before the @') }),
		]);
		expect(sent).toEqual(['zip5@example.com', 'ann@bücher.de']);
		expect(summary).toMatchObject({ exported: 2, rejected: 2 });
		expect(sim.state.member(listId, 'ann@bücher.de')?.merge_fields.ZIP).toBe('02134');
		checkInvariant(summary);
	});

	it('honours a Retry-After header on throttling', async () => {
		const { listId, request } = await setup([], { faults: { storm: { startAfterRequests: 3, count: 2 } }, behaviour: { retryAfterSeconds: 2 } });
		const waits: number[] = [];
		const recording = async (ms: number) => {
			waits.push(ms);
		};
		const { summary } = await runExport(rowsOf(people(3)), options({ listId, retry: fastRetry }), { request, sleep: recording });
		expect(summary).toMatchObject({ exported: 3, retries: 2 });
		expect(waits).toEqual([2000, 2000]);
	});
});

describe('the dry run says which checks are ours and which only Mailchimp makes (point 8)', () => {
	it('lists both in the dry run Summary, and only there', async () => {
		const { listId, request } = await setup();
		const dry = await run(request, people(2), { listId, dryRun: true });
		expect(dry.summary.checks?.byThisNode).toEqual(expect.arrayContaining([expect.stringContaining('required merge field is mapped')]));
		expect(dry.summary.checks?.onlyByMailchimp).toEqual(expect.arrayContaining([expect.stringContaining('compliance state')]));
		const real = await run(request, people(2), { listId });
		expect(real.summary.checks).toBeUndefined();
	});
});

// "Only Send Changes" against the simulator: an unchanged re-export writes nothing; fields or
// tags changed in the input or in Mailchimp are sent (only the missing tags); the cheaper path
// is taken and named; a dry run predicts; "Remove Members Who Left" reuses the read; and under
// every answer of Mailchimp's undocumented formatting the audience ends as a full export leaves it.
import { sleepWithAbort } from 'n8n-workflow';

import { type ExportOptions, type ExportSummary, runExport } from '../../../nodes/MailchimpSegmentExport/core';
import type { BehaviourOptions } from '../../simulator/types';
import { createRequestFn } from '../../simulator/client';
import { type Simulator, start } from '../../simulator/server';
import { checkInvariant, everyTypeMapping, options, rowsOf } from './helpers';

let sim: Simulator | undefined;
afterEach(async () => {
	await sim?.stop();
	sim = undefined;
});

const MERGE_FIELDS = [
	{ tag: 'LTV', type: 'number' as const },
	{ tag: 'JOINED', type: 'date' as const, options: { date_format: 'DD/MM/YYYY' } },
	{ tag: 'PLAN', type: 'dropdown' as const, options: { choices: ['Gold', 'Silver'] } },
];

async function setup(behaviour: BehaviourOptions = {}) {
	sim = await start({ port: 0, behaviour });
	const listId = sim.state.addList({ name: 'Customers', mergeFields: MERGE_FIELDS });
	const request = createRequestFn({ url: sim.url, apiKey: sim.apiKey });
	return { sim, listId, request };
}

const fastRetry = { maxTries: 4, baseDelayMs: 1, maxDelayMs: 5 };
const mapping = everyTypeMapping;

type Person = Record<string, unknown>;
const people = (n: number): Person[] =>
	Array.from({ length: n }, (_, i) => ({
		email: `User${i}@Example.com`,
		first: `F${i}`,
		last: i % 3 === 0 ? '' : `L${i}`,
		ltv: i % 2 === 0 ? String(i * 10) : i * 10 + 0.5,
		joined: `2024-03-${String((i % 28) + 1).padStart(2, '0')}`,
		plan: i % 2 === 0 ? 'gold' : 'Silver',
		phone: i % 4 === 0 ? '' : `+1 (555) 123-${String(1000 + i)}`,
		address: i % 5 === 0 ? undefined : { addr1: `${i} Main St`, city: 'Springfield', state: 'IL', zip: '62701' },
		segment: i % 3 === 0 ? ['vip', 'newsletter'] : 'newsletter',
	}));

function run(request: ReturnType<typeof createRequestFn>, listId: string, data: Person[], over: Partial<ExportOptions> = {}) {
	return runExport(rowsOf(data), options({ listId, mapping, retry: fastRetry, onlySendChanges: true, ...over }), { request, sleep: sleepWithAbort });
}

const writes = (s: Simulator) => s.state.requestLog.filter((e) => e.method !== 'GET').length;
const reads = (s: Simulator, what: RegExp) => s.state.requestLog.filter((e) => e.method === 'GET' && what.test(e.path)).length;
const MEMBER_PAGES = /\/members$/;

/** Every member's status, merge values and tag names, by lower-cased email. */
function audience(s: Simulator, listId: string): Record<string, unknown> {
	const list = s.state.list(listId)!;
	const out: Record<string, unknown> = {};
	for (const member of list.members.values()) {
		const view = s.state.member(listId, member.email)!;
		out[member.email.toLowerCase()] = { ...view, tags: [...view.tags].sort() };
	}
	return out;
}

function exportedAddsUp(s: ExportSummary): void {
	checkInvariant(s);
	expect(s.exported).toBe(s.created + s.updated + s.unchanged);
}

describe('Only Send Changes', () => {
	it('an unchanged re-export makes no writes: every member unchanged, every tag already there', async () => {
		const { sim, listId, request } = await setup();
		const data = people(1234);
		const first = await run(request, listId, data, { onlySendChanges: false });
		expect(first.summary).toMatchObject({ exported: 1234, created: 1234, unchanged: 0 });
		expect(first.summary.onlySendChanges).toBeUndefined();
		const before = audience(sim, listId);
		sim.state.requestLog = [];

		const { summary, rejected } = await run(request, listId, data);
		expect(rejected).toEqual([]);
		expect(writes(sim)).toBe(0);
		expect(reads(sim, MEMBER_PAGES)).toBe(2);
		expect(summary).toMatchObject({ exported: 1234, created: 0, updated: 0, unchanged: 1234, partial: false });
		expect(summary.onlySendChanges).toMatchObject({ path: 'compared', audienceContacts: 1234, readCalls: 2 });
		expect(summary.onlySendChanges!.reason).toMatch(/the audience was read and only changes were sent/);
		expect(summary.segments.map((s) => [s.name, s.added, s.alreadyTagged])).toEqual([
			['vip', 0, 412],
			['newsletter', 0, 1234],
		]);
		expect(audience(sim, listId)).toEqual(before);
		exportedAddsUp(summary);
	});

	it('sends what changed in the input or in Mailchimp, and only the missing tags', async () => {
		const { sim, listId, request } = await setup();
		const data = people(40);
		await run(request, listId, data, { onlySendChanges: false });
		// In the input: a new value, a new segment, a new person.
		data[1] = { ...data[1], ltv: 999 };
		data[2] = { ...data[2], segment: ['newsletter', 'vip'] };
		data.push({ email: 'new@example.com', first: 'N', segment: 'newsletter' });
		// In Mailchimp: a value edited, a tag removed, a member archived.
		const list = sim.state.list(listId)!;
		const hashOf = (email: string) => [...list.members.entries()].find(([, m]) => m.email.toLowerCase() === email)![0];
		list.members.get(hashOf('user4@example.com'))!.merge!.FNAME = 'Edited';
		list.segmentByName('newsletter')!.remove(hashOf('user5@example.com'));
		sim.state.archive(listId, 'User6@Example.com', false);
		sim.state.requestLog = [];

		const { summary } = await run(request, listId, data);
		const upserted = sim.state.requestLog.filter((e) => e.method === 'POST' && /\/lists\/[^/]+$/.test(e.path));
		expect(upserted.map((e) => e.members)).toEqual([4]); // user1, user4, user6 (archived), new
		expect(summary).toMatchObject({ exported: 41, created: 2, updated: 2, unchanged: 37 });
		const tagged = Object.fromEntries(summary.segments.map((s) => [s.name, s.added]));
		expect(tagged).toEqual({ vip: 2, newsletter: 3 }); // vip: user2, user6; newsletter: user5, user6, new
		expect(sim.state.member(listId, 'user1@example.com')!.merge_fields.LTV).toBe(999);
		expect(sim.state.member(listId, 'user4@example.com')!.merge_fields.FNAME).toBe('F4');
		expect(sim.state.member(listId, 'user5@example.com')!.tags).toEqual(['newsletter']);
		expect(sim.state.member(listId, 'user2@example.com')!.tags.sort()).toEqual(['newsletter', 'vip']);
		exportedAddsUp(summary);
	});

	it('takes the cheaper path: a small export into a large audience is sent as without the option', async () => {
		const { sim, listId, request } = await setup();
		for (let i = 0; i < 3000; i++) sim.state.addMember(listId, { email: `other${i}@example.com` });
		const { summary } = await run(request, listId, people(10));
		expect(reads(sim, MEMBER_PAGES)).toBe(0);
		expect(summary.onlySendChanges).toMatchObject({ path: 'sentAll', audienceContacts: 3000, readCalls: 3, writeCalls: 3 });
		expect(summary.onlySendChanges!.reason).toMatch(/reading costs more than it can save, so every member was sent/);
		expect(summary).toMatchObject({ exported: 10, created: 10, unchanged: 0 });
	});

	it('a dry run predicts created, updated and unchanged from the read, and writes nothing', async () => {
		const { sim, listId, request } = await setup();
		const data = people(30);
		await run(request, listId, data.slice(0, 20), { onlySendChanges: false });
		data[3] = { ...data[3], first: 'Changed' };
		sim.state.requestLog = [];
		const { summary } = await run(request, listId, data, { dryRun: true });
		expect(writes(sim)).toBe(0);
		expect(summary).toMatchObject({ dryRun: true, exported: 30, created: 10, updated: 1, unchanged: 19 });
		expect(summary.segments.find((s) => s.name === 'newsletter')).toMatchObject({ added: 10, alreadyTagged: 20 });
	});

	it('"Remove Members Who Left" uses the same read: no reads of the tags, the leavers untagged', async () => {
		const { sim, listId, request } = await setup();
		const data = people(30);
		await run(request, listId, data, { onlySendChanges: false });
		const left = data.map((p, i) => (i % 3 === 0 && i > 0 ? { ...p, segment: 'newsletter' } : p)).slice(0, 25);
		sim.state.requestLog = [];
		const { summary } = await run(request, listId, left, { removeMembersWhoLeft: true });
		expect(reads(sim, /\/segments\/\d+\/members$/)).toBe(0);
		expect(Object.fromEntries(summary.segments.map((s) => [s.name, s.removed]))).toEqual({ vip: 9, newsletter: 5 });
		expect(sim.state.tagMembers(listId, 'vip')).toEqual(['user0@example.com']);
		expect(sim.state.tagMembers(listId, 'newsletter')).toHaveLength(25);
		expect(summary).toMatchObject({ unchanged: 25, exported: 25 }); // leaving a segment is no change of fields
	});

	it('a page of the audience that cannot be read: its members are sent, the leavers are read tag by tag', async () => {
		const { sim, listId, request } = await setup();
		const data = people(2500);
		await run(request, listId, data, { onlySendChanges: false });
		const failing: typeof request = (r) =>
			r.method === 'GET' && /^\/lists\/[^/]+\/members$/.test(r.path) && r.qs?.offset === 1000 ? Promise.resolve({ status: 503, body: {} }) : request(r);
		sim.state.requestLog = [];
		const { summary, rejected } = await runExport(
			rowsOf(data.slice(0, 2400)),
			options({ listId, mapping, retry: fastRetry, onlySendChanges: true, removeMembersWhoLeft: true }),
			{ request: failing, sleep: sleepWithAbort },
		);
		expect(rejected).toEqual([]);
		expect(summary).toMatchObject({ exported: 2400, unchanged: 1400, updated: 1000, partial: false });
		expect(summary.onlySendChanges!.reason).toMatch(/Some pages of the audience could not be read: their members were sent as new or changed\.$/);
		expect(reads(sim, /\/segments\/\d+\/members$/)).toBeGreaterThan(0);
		expect(sim.state.tagMembers(listId, 'newsletter')).toHaveLength(2400);
		exportedAddsUp(summary);
	});

	const answers: Array<[string, BehaviourOptions, boolean]> = [
		['defaults', {}, true],
		['numbers as text', { numberAnswer: 'text' }, true],
		['dates in ISO', { dateAnswer: 'iso' }, true],
		['phones in US format', { phoneAnswer: 'usFormat' }, false],
		['addresses with every part', { addressAnswer: 'allParts' }, false],
	];
	it.each(answers)('Mailchimp answers %s: the audience ends as a full export leaves it', async (_name, behaviour, unchangedWritesNothing) => {
		const { sim, listId, request } = await setup(behaviour);
		const data = people(60);
		await run(request, listId, data, { onlySendChanges: false });
		await run(request, listId, data, { onlySendChanges: false });
		const full = audience(sim, listId);
		sim.state.requestLog = [];
		const { summary } = await run(request, listId, data);
		expect(audience(sim, listId)).toEqual(full);
		if (unchangedWritesNothing) expect(writes(sim)).toBe(0);
		else expect(summary.updated).toBeGreaterThan(0); // a form we cannot compare is sent: never a false "unchanged"
		exportedAddsUp(summary);
	});
});

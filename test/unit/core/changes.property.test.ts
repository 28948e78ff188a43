// The property of "Only Send Changes": for random audiences, random edits in the input and in
// Mailchimp, and every answer of Mailchimp's undocumented formatting, an export with the option
// leaves exactly the audience an export without it leaves (and rejects the same rows).
import fc from 'fast-check';
import { sleepWithAbort } from 'n8n-workflow';

import { runExport } from '../../../nodes/MailchimpSegmentExport/core';
import { behaviourOf } from '../../simulator/behaviour';
import { createRequestFn } from '../../simulator/client';
import { type Simulator, start } from '../../simulator/server';
import type { BehaviourOptions } from '../../simulator/types';
import { memberView } from '../../simulator/views';
import { everyTypeMapping, options, rowsOf } from './helpers';

let sim: Simulator;
beforeAll(async () => {
	sim = await start({ port: 0 });
});
afterAll(() => sim.stop());

const mapping = everyTypeMapping;

const text = fc.constantFrom('', ' ', 'Ann', ' Ann ', 'ann', '0', '42', 'Zoë', 'x'.repeat(256));
const ltv = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(0.5, 1e21, '42', ' 42 ', '4.20', '1e3', '', 'abc', 4.2));
const joined = fc.constantFrom('2024-03-04', '04/03/2024', '4 March 2024', '2024-04-03', '', 'bad');
const plan = fc.constantFrom('gold', 'Gold', 'Silver', '', 'Bronze');
const phone = fc.constantFrom('', '+1 (555) 123-4567', '555.123.4567', '5551234567', '555-123-4567');
const address = fc.constantFrom<unknown>(
	undefined,
	{ addr1: '1 Main St', city: 'Springfield', state: 'IL', zip: '62701' },
	{ addr1: '1 Main St', addr2: 'Apt 2', city: 'Springfield', state: 'IL', zip: '62701', country: 'US' },
	{ addr1: '2 Main St', city: 'Springfield', state: 'IL', zip: '62701' },
);
const segments = fc.subarray(['a', 'b', 'c']);
const person = (i: number) =>
	fc.record({ first: text, ltv, joined, plan, phone, address, segment: segments }).map((p) => ({ email: `P${i}@example.com`, ...p }));

/** An input of up to 12 people (some repeated), and the same people edited for the next run. */
const inputs = fc.integer({ min: 1, max: 12 }).chain((n) =>
	fc.tuple(
		fc.tuple(...Array.from({ length: n }, (_, i) => person(i))),
		fc.array(fc.tuple(fc.nat(n - 1), person(0), fc.constantFrom('first', 'ltv', 'joined', 'plan', 'phone', 'address', 'segment')), { maxLength: 5 }),
		fc.array(fc.nat(n + 2), { maxLength: 3 }),
	).map(([before, edits, removed]) => {
		const after = before.map((p) => ({ ...p }));
		// One field at a time, so that a member differs from Mailchimp in that field alone.
		for (const [at, edit, key] of edits) after[at] = { ...after[at], [key]: edit[key as keyof typeof edit] };
		for (const r of removed) if (r < after.length) after.splice(r, 1);
		return { before, after };
	}),
);

type Edit =
	| { kind: 'field'; member: number; tag: string; value: unknown }
	| { kind: 'untag' | 'tag'; member: number; tag: string }
	| { kind: 'archive' | 'unsubscribe'; member: number }
	| { kind: 'stranger'; tags: string[] };
const mailchimpEdits = fc.array(
	fc.oneof(
		// Values of the input's own kinds, in the forms Mailchimp may hold them.
		fc.oneof(
			...(
				[
					['FNAME', text],
					['LTV', fc.oneof(ltv, fc.constantFrom(42, '42', 4.2))],
					['JOINED', fc.constantFrom('04/03/2024', '03/04/2024', '2024-03-04', '')],
					['PLAN', fc.constantFrom('Gold', 'gold', 'Silver', '')],
					['PHONE', phone],
					['ADDRESS', fc.oneof(address, fc.constantFrom({ addr1: '1 Main St', addr2: '', city: 'Springfield', state: 'IL', zip: '62701', country: 'US' }))],
				] as Array<[string, fc.Arbitrary<unknown>]>
			).map(([tag, value]) => fc.record({ kind: fc.constant('field' as const), member: fc.nat(12), tag: fc.constant(tag), value })),
		),
		fc.record({ kind: fc.constantFrom('untag' as const, 'tag' as const), member: fc.nat(12), tag: fc.constantFrom('a', 'b', 'c') }),
		fc.record({ kind: fc.constantFrom('archive' as const, 'unsubscribe' as const), member: fc.nat(12) }),
		fc.record({ kind: fc.constant('stranger' as const), tags: segments }),
	),
	{ maxLength: 6 },
);
const behaviours = fc.record<BehaviourOptions>({
	numberAnswer: fc.constantFrom('number', 'text'),
	dateAnswer: fc.constantFrom('fieldFormat', 'iso'),
	phoneAnswer: fc.constantFrom('asSent', 'usFormat'),
	addressAnswer: fc.constantFrom('asSent', 'allParts'),
	listUnchangedMembers: fc.boolean(),
	listAlreadyTagged: fc.boolean(),
	batchTags: fc.constantFrom('apply', 'newOnly', 'ignore'),
});

function applyEdits(listId: string, edits: Edit[]): void {
	const list = sim.state.list(listId)!;
	for (const edit of edits) {
		if (edit.kind === 'stranger') {
			sim.state.addMember(listId, { email: 'stranger@example.com', tags: edit.tags });
			continue;
		}
		const email = `p${edit.member}@example.com`;
		const entry = [...list.members.entries()].find(([, m]) => m.email.toLowerCase() === email);
		if (entry === undefined) continue;
		const [hash, member] = entry;
		if (edit.kind === 'field') member.merge = { ...member.merge, [edit.tag]: edit.value };
		else if (edit.kind === 'archive') sim.state.archive(listId, member.email, false);
		else if (edit.kind === 'unsubscribe') list.setStatus(member, 'unsubscribed');
		else if (edit.kind === 'untag') list.segmentByName(edit.tag)?.remove(hash);
		else if (edit.kind === 'tag') (list.segmentByName(edit.tag) ?? list.createSegment(edit.tag)).add(hash);
	}
}

/** The audience as Mailchimp shows it (merge values as a member read answers them under the switches). */
function audience(listId: string): Record<string, unknown> {
	const list = sim.state.list(listId)!;
	const out: Record<string, unknown> = {};
	for (const [hash, member] of list.members) {
		const view = memberView(list, hash, member, sim.state.behaviour);
		out[member.email.toLowerCase()] = { status: member.status, merge: view.merge_fields, tags: list.tagsOf(hash).map((t) => t.name).sort() };
	}
	return out;
}

const request = () => createRequestFn({ url: sim.url, apiKey: sim.apiKey });
const exportTo = (listId: string, data: unknown[], onlySendChanges: boolean, removeMembersWhoLeft: boolean) =>
	runExport(rowsOf(data), options({ listId, mapping, onlySendChanges, removeMembersWhoLeft, retry: { maxTries: 2, baseDelayMs: 1, maxDelayMs: 2 } }), {
		request: request(),
		sleep: sleepWithAbort,
	});

test('with or without the option, the audience ends the same', async () => {
	await fc.assert(
		fc.asyncProperty(inputs, mailchimpEdits, behaviours, fc.boolean(), async ({ before, after }, edits, behaviour, removeLeavers) => {
			sim.state.reset();
			sim.state.behaviour = behaviourOf(behaviour);
			const fields = [
				{ tag: 'LTV', type: 'number' as const },
				{ tag: 'JOINED', type: 'date' as const, options: { date_format: 'DD/MM/YYYY' } },
				{ tag: 'PLAN', type: 'dropdown' as const, options: { choices: ['Gold', 'Silver'] } },
			];
			const full = sim.state.addList({ name: 'Full', mergeFields: fields });
			const changes = sim.state.addList({ name: 'Changes', mergeFields: fields });
			for (const listId of [full, changes]) {
				await exportTo(listId, before, false, false);
				applyEdits(listId, edits as Edit[]);
			}
			expect(audience(changes)).toEqual(audience(full));
			const a = await exportTo(full, after, false, removeLeavers);
			const b = await exportTo(changes, after, true, removeLeavers);
			expect(audience(changes)).toEqual(audience(full));
			expect(b.summary.exported).toBe(a.summary.exported);
			expect(b.rejected.map((r) => [r.index, r.code])).toEqual(a.rejected.map((r) => [r.index, r.code]));
			expect(b.summary.exported).toBe(b.summary.created + b.summary.updated + b.summary.unchanged);
		}),
		{ numRuns: 100, seed: 15 },
	);
	// 400 exports against the simulator: seconds on a quiet machine, longer on a busy one.
}, 180_000);

test('an unchanged re-export writes nothing, whatever Mailchimp\'s formatting of comparable values', async () => {
	await fc.assert(
		fc.asyncProperty(inputs, fc.record<BehaviourOptions>({ numberAnswer: fc.constantFrom('number', 'text'), dateAnswer: fc.constantFrom('fieldFormat', 'iso') }), async ({ after }, behaviour) => {
			sim.state.reset();
			sim.state.behaviour = behaviourOf(behaviour);
			const listId = sim.state.addList({
				name: 'Again',
				mergeFields: [
					{ tag: 'LTV', type: 'number' },
					{ tag: 'JOINED', type: 'date', options: { date_format: 'DD/MM/YYYY' } },
					{ tag: 'PLAN', type: 'dropdown', options: { choices: ['Gold', 'Silver'] } },
				],
			});
			// Phones and addresses are compared as sent: under the answers that reformat them, they are sent again.
			const data = after.map((p) => ({ ...p, phone: '', address: undefined }));
			await exportTo(listId, data, false, false);
			sim.state.requestLog = [];
			const { summary } = await exportTo(listId, data, true, false);
			expect(sim.state.requestLog.filter((e) => e.method !== 'GET')).toEqual([]);
			expect(summary.unchanged).toBe(summary.exported);
		}),
		{ numRuns: 30, seed: 16 },
	);
}, 180_000);

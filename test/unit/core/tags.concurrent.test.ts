// Two exports into one audience at the same moment (two n8n workers) create the same tags. Mailchimp
// does not say what a second create of a name does: the simulator answers both ways, and either
// way every member ends up under the one tag the audience shows for that name.
import { sleepWithAbort } from 'n8n-workflow';

import { type ExportResult, type RequestFn, runExport } from '../../../nodes/MailchimpSegmentExport/core';
import { createRequestFn } from '../../simulator/client';
import { type Simulator, start } from '../../simulator/server';
import type { SameNameTag } from '../../simulator/types';
import { checkInvariant, options, rowsOf } from './helpers';

let sim: Simulator | undefined;
afterEach(async () => {
	await sim?.stop();
	sim = undefined;
});

const people = (from: number, to: number, segment: string[]) =>
	Array.from({ length: to - from }, (_, i) => ({ email: `user${from + i}@example.com`, first: 'F', last: 'L', segment }));

/**
 * Request functions for `count` exports that hold every tag create until each export has read the
 * tags once: all of them see no tag and all create it, the race two workers run into.
 */
function racingRequests(request: RequestFn, count: number): RequestFn[] {
	let listed = 0;
	let release!: () => void;
	const allListed = new Promise<void>((resolve) => (release = resolve));
	return Array.from({ length: count }, () => {
		let seen = false;
		return async (r) => {
			const isTags = r.path.endsWith('/segments');
			if (isTags && r.method === 'POST') await allListed;
			const res = await request(r);
			if (isTags && r.method === 'GET' && !seen) {
				seen = true;
				if (++listed === count) release();
			}
			return res;
		};
	});
}

async function exportTogether(sameNameTag: SameNameTag): Promise<{ listId: string; results: ExportResult[] }> {
	sim = await start({ port: 0, behaviour: { sameNameTag } });
	const listId = sim.state.addList({ name: 'Shared' });
	const request = createRequestFn({ url: sim.url, apiKey: sim.apiKey });
	const [a, b] = racingRequests(request, 2);
	const run = (req: RequestFn, data: unknown[]) =>
		runExport(rowsOf(data), options({ listId, maxConcurrency: 5, retry: { maxTries: 8, baseDelayMs: 2, maxDelayMs: 20 } }), {
			request: req,
			sleep: sleepWithAbort,
		});
	const results = await Promise.all([
		run(a, people(0, 1200, ['VIP', 'Churn'])),
		run(b, people(800, 2000, ['VIP', 'Winback'])),
	]);
	return { listId, results };
}

const emails = (from: number, to: number) => people(from, to, []).map((p) => p.email).sort();

describe('two exports creating the same tags at the same moment', () => {
	it.each<SameNameTag>(['refuse', 'duplicate'])('Mailchimp answers the second create with %s: every member under one tag per name', async (answer) => {
		const { listId, results } = await exportTogether(answer);
		const st = sim!.state;
		for (const { summary, rejected } of results) {
			expect(summary).toMatchObject({ exported: 1200, rejected: 0, partial: false });
			expect(rejected).toEqual([]);
			checkInvariant(summary);
		}
		expect(st.list(listId)!.members.size).toBe(2000);
		expect(st.tagMembers(listId, 'VIP').sort()).toEqual(emails(0, 2000));
		expect(st.tagMembers(listId, 'Churn').sort()).toEqual(emails(0, 1200));
		expect(st.tagMembers(listId, 'Winback').sort()).toEqual(emails(800, 2000));

		const vip = st.tags(listId).filter((t) => t.name === 'VIP');
		const shown = vip[0];
		const used = results.map((r) => r.summary.segments.find((s) => s.name === 'VIP')!);
		expect(used.map((s) => s.tagId)).toEqual([shown.id, shown.id]);
		if (answer === 'refuse') {
			expect(vip).toHaveLength(1);
			expect(used.every((s) => s.note === undefined)).toBe(true);
		} else {
			// Both creates went through: the newer tag stays empty, and both exports say which tag they used.
			expect(vip.map((t) => t.memberCount)).toEqual([2000, 0]);
			for (const s of used) expect(s.note).toMatch(new RegExp(`2 tags named "VIP" \\(ids ${vip[0].id}, ${vip[1].id}\\).*went to tag ${vip[0].id}, the oldest`));
		}
	});

	it('an audience that already has two tags of one name: the export uses the oldest and says so', async () => {
		sim = await start({ port: 0 });
		const listId = sim.state.addList({ name: 'Doubled' });
		const list = sim.state.list(listId)!;
		const older = list.createSegment('VIP');
		const newer = list.createSegment('vip');
		const request = createRequestFn({ url: sim.url, apiKey: sim.apiKey });
		const { summary } = await runExport(rowsOf(people(0, 10, ['vip'])), options({ listId }), { request, sleep: sleepWithAbort });
		// The exact name wins over the older tag of another case.
		expect(summary.segments).toEqual([expect.objectContaining({ name: 'vip', tagId: newer.id, added: 10 })]);
		expect(summary.segments[0].note).toMatch(/2 tags named "vip"/);
		expect(older.members.size).toBe(0);

		const again = await runExport(rowsOf(people(0, 10, ['Vip'])), options({ listId }), { request, sleep: sleepWithAbort });
		expect(again.summary.segments).toEqual([expect.objectContaining({ name: 'Vip', tagId: older.id, added: 10 })]);
	});
});

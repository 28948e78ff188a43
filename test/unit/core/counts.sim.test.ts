// Counts that do not mislead: a second run that changes nothing reports its members as
// updated, not created. Segment counts depend on how the tags went: a tag the upsert carried
// and its answer shows is counted as added by this export (the answer cannot tell whether the
// member had it before); a tag sent by a tag call is told apart as already tagged, whether or
// not Mailchimp's tag answer lists members who had it (not documented: both answers tested).

import { sleepWithAbort } from 'n8n-workflow';

import { runExport } from '../../../nodes/MailchimpSegmentExport/core';
import { createRequestFn } from '../../simulator/client';
import { type Simulator, start } from '../../simulator/server';
import type { BehaviourOptions } from '../../simulator/types';
import { options, rowsOf } from './helpers';

const people = Array.from({ length: 700 }, (_, i) => ({ email: `c${i}@example.com`, segment: i < 600 ? 'VIP' : 'Churn risk' }));
const tagCalls = (sim: Simulator): number => sim.state.counters.byEndpoint.segmentMembers ?? 0;

async function twoRuns(behaviour: BehaviourOptions, check: (sim: Simulator, run: () => ReturnType<typeof runExport>) => Promise<void>): Promise<void> {
	const sim = await start({ port: 0, behaviour });
	try {
		const listId = sim.state.addList({ name: 'Counts' });
		const request = createRequestFn({ url: sim.url, apiKey: sim.apiKey });
		await check(sim, () => runExport(rowsOf(people), options({ listId, mapping: { email: 'email', attributes: [] } }), { request, sleep: sleepWithAbort }));
	} finally {
		await sim.stop();
	}
}

describe('counts of a second run', () => {
	it.each([true, false])('tells newly tagged from already tagged members when tags go by tag calls (tag answer lists them: %s)', async (listAlreadyTagged) => {
		await twoRuns({ listAlreadyTagged }, async (sim, run) => {
			// Two tags whose names differ only in case: the name does not say which tag it is, so upserts do not carry "VIP".
			const list = sim.state.list(sim.state.lists.keys().next().value!)!;
			list.createSegment('VIP');
			list.createSegment('vip');
			const first = await run();
			expect(first.summary).toMatchObject({ created: 700, updated: 0 });
			expect(first.summary.segments.find((s) => s.name === 'VIP')).toMatchObject({ added: 600, alreadyTagged: 0 });

			const second = await run();
			expect(second.summary).toMatchObject({ created: 0, updated: 700, exported: 700 });
			expect(second.summary.segments.find((s) => s.name === 'VIP')).toMatchObject({ added: 0, alreadyTagged: 600 });
			expect(second.summary.segments.find((s) => s.name === 'Churn risk')).toMatchObject({ added: 100, alreadyTagged: 0 });
			expect(tagCalls(sim)).toBe(4);
		});
	});

	it.each([
		['apply', 0],
		['newOnly', 0],
		['ignore', 3],
	] as const)('counts the tags the upserts carried and the answers show as added (batch tags: %s, first run\'s tag calls: %d)', async (batchTags, firstTagCalls) => {
		await twoRuns({ batchTags }, async (sim, run) => {
			const first = await run();
			expect(first.summary).toMatchObject({ created: 700, updated: 0 });
			expect(first.summary.segments.find((s) => s.name === 'VIP')).toMatchObject({ added: 600, alreadyTagged: 0 });
			expect(tagCalls(sim)).toBe(firstTagCalls);

			const second = await run();
			expect(second.summary).toMatchObject({ created: 0, updated: 700, exported: 700 });
			expect(second.summary.segments.find((s) => s.name === 'VIP')).toMatchObject({ added: 600, alreadyTagged: 0 });
			expect(second.summary.segments.find((s) => s.name === 'Churn risk')).toMatchObject({ added: 100, alreadyTagged: 0 });
			expect(tagCalls(sim)).toBe(firstTagCalls);
		});
	});
});

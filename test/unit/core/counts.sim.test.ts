// Counts that do not mislead: a second run that changes nothing reports its members as
// updated, not created, and its tags as already there, not added again, when Mailchimp's
// answer tells them apart (whether it does is not documented: both answers are tested).

import { sleepWithAbort } from 'n8n-workflow';

import { runExport } from '../../../nodes/MailchimpSegmentExport/core';
import type { RequestFn } from '../../../nodes/MailchimpSegmentExport/core';
import { createRequestFn } from '../../simulator/client';
import { type Simulator, start } from '../../simulator/server';
import { options, rowsOf } from './helpers';

let sim: Simulator;
beforeAll(async () => {
	sim = await start({ port: 0 });
});
afterAll(async () => {
	await sim.stop();
});

/** The simulator, answering tag calls without the members who had the tag already in total_added. */
function withoutAlreadyTagged(listId: string): RequestFn {
	const request = createRequestFn({ url: sim.url, apiKey: sim.apiKey });
	return async (call) => {
		const tagCall = /^\/lists\/[^/]+\/segments\/(\d+)$/.exec(call.path);
		if (call.method !== 'POST' || tagCall === null) return await request(call);
		const segment = [...sim.state.lists.get(listId)!.segments.values()].find((s) => String(s.id) === tagCall[1])!;
		const before = new Set(sim.state.tagMembers(listId, segment.name));
		const toAdd = ((call.body as { members_to_add?: string[] }).members_to_add ?? []).map((e) => e.toLowerCase());
		const response = await request(call);
		const body = response.body as { total_added: number };
		body.total_added -= toAdd.filter((email) => before.has(email)).length;
		return response;
	};
}

const people = Array.from({ length: 700 }, (_, i) => ({ email: `c${i}@example.com`, segment: i < 600 ? 'VIP' : 'Churn risk' }));

describe('counts of a second run', () => {
	it.each([
		['counts members who had the tag already apart', true, { added: 0, alreadyTagged: 600 }],
		['counts every member as tagged when Mailchimp does not tell them apart', false, { added: 600, alreadyTagged: 0 }],
	])('%s', async (_name, tellsApart, vip) => {
		const listId = sim.state.addList({ name: `Counts ${String(tellsApart)}` });
		const request = tellsApart ? withoutAlreadyTagged(listId) : createRequestFn({ url: sim.url, apiKey: sim.apiKey });
		const run = () =>
			runExport(rowsOf(people), options({ listId, mapping: { email: 'email', attributes: [] } }), { request, sleep: sleepWithAbort });

		const first = await run();
		expect(first.summary).toMatchObject({ created: 700, updated: 0 });
		expect(first.summary.segments.find((s) => s.name === 'VIP')).toMatchObject({ added: 600, alreadyTagged: 0 });

		const second = await run();
		expect(second.summary).toMatchObject({ created: 0, updated: 700 });
		expect(second.summary.segments.find((s) => s.name === 'VIP')).toMatchObject(vip);
	});
});

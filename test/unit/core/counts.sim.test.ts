// Counts that do not mislead: a second run that changes nothing reports its members as
// updated, not created, and each segment's members as already tagged, not added again,
// whether or not Mailchimp's tag answer lists members who had the tag (not documented: both
// answers are tested).

import { sleepWithAbort } from 'n8n-workflow';

import { runExport } from '../../../nodes/MailchimpSegmentExport/core';
import { createRequestFn } from '../../simulator/client';
import { start } from '../../simulator/server';
import { options, rowsOf } from './helpers';

const people = Array.from({ length: 700 }, (_, i) => ({ email: `c${i}@example.com`, segment: i < 600 ? 'VIP' : 'Churn risk' }));

describe('counts of a second run', () => {
	it.each([true, false])('tells newly tagged from already tagged members (tag answer lists them: %s)', async (listAlreadyTagged) => {
		const sim = await start({ port: 0, behaviour: { listAlreadyTagged } });
		try {
			const listId = sim.state.addList({ name: 'Counts' });
			const request = createRequestFn({ url: sim.url, apiKey: sim.apiKey });
			const run = () =>
				runExport(rowsOf(people), options({ listId, mapping: { email: 'email', attributes: [] } }), { request, sleep: sleepWithAbort });

			const first = await run();
			expect(first.summary).toMatchObject({ created: 700, updated: 0 });
			expect(first.summary.segments.find((s) => s.name === 'VIP')).toMatchObject({ added: 600, alreadyTagged: 0 });

			const second = await run();
			expect(second.summary).toMatchObject({ created: 0, updated: 700, exported: 700 });
			expect(second.summary.segments.find((s) => s.name === 'VIP')).toMatchObject({ added: 0, alreadyTagged: 600 });
			expect(second.summary.segments.find((s) => s.name === 'Churn risk')).toMatchObject({ added: 0, alreadyTagged: 100 });
		} finally {
			await sim.stop();
		}
	});
});

// Fast layer: the tags on their own against a mocked Mailchimp: finding and creating them
// (ensureTags), the tag calls of pass 2 and their failures, and untagging members who left.
import { reasons } from '../../../nodes/MailchimpSegmentExport/core/rejections';
import { ensureTags, removeMembersWhoLeft } from '../../../nodes/MailchimpSegmentExport/core/tags';
import type { ApiResponse } from '../../../nodes/MailchimpSegmentExport/core/types';
import { bodyOf, mockRequest } from '../mockRequest';
import { checkInvariant, rowsOf } from './helpers';
import { LIST, TAGS, email, mailchimp, people, person, plan, problem, requestsTo, runner, send, tagAnswer, tagBody, tagCall, tagsIn } from './mocked';

/** An audience's tags: listed, and created by POST with the next id. */
function tagStore(existing: Record<string, number>) {
	const segments = Object.entries(existing).map(([name, id]) => ({ id, name }));
	return mockRequest({
		[`GET ${TAGS}`]: () => ({ status: 200, body: { segments, total_items: segments.length } }),
		[`POST ${TAGS}`]: (call): ApiResponse => {
			const created = { id: 100 + segments.length, name: bodyOf<{ name: string }>(call).name };
			segments.push(created);
			return { status: 200, body: created };
		},
	});
}

describe('ensureTags', () => {
	it('creates each missing tag that will get members, once, and takes its id', async () => {
		const planned = await plan(rowsOf([...people(1200, ['vip', 'churn']), person(9999, 'trial')]), { selectedSegments: ['vip', 'churn', 'trial', 'unused'] });
		const store = tagStore({ vip: 7 });
		const targets = await ensureTags(runner(store.request), LIST, planned.mapper.segments.names, planned.index.usedSegments(), false);
		expect(requestsTo(store.sent, `POST ${TAGS}`).map((call) => bodyOf(call))).toEqual([
			{ name: 'churn', static_segment: [] },
			{ name: 'trial', static_segment: [] },
		]);
		expect(targets.map(({ name, tagId }) => [name, tagId])).toEqual([
			['vip', 7],
			['churn', 101],
			['trial', 102],
			['unused', null],
		]);
	});

	it('a dry run creates no tag', async () => {
		const planned = await plan(rowsOf([person(1, 'churn')]));
		const store = tagStore({});
		const targets = await ensureTags(runner(store.request), LIST, planned.mapper.segments.names, planned.index.usedSegments(), true);
		expect(store.sent.map((call) => call.method)).toEqual(['GET']);
		expect(targets).toMatchObject([{ name: 'churn', tagId: null }]);
	});
});

describe('tag calls of pass 2', () => {
	it('each segment\'s members go in calls of at most 500 emails, and are counted', async () => {
		const rows = [...people(1001), person(2000, ['vip', 'churn'])];
		const { sent, summary } = await send(rowsOf(rows), mailchimp());
		const added = (tagId: number) =>
			requestsTo(sent, tagCall(tagId))
				.map((call) => tagBody(call).members_to_add?.length)
				.sort((a = 0, b = 0) => b - a);
		expect(added(7)).toEqual([500, 500, 2]);
		expect(added(8)).toEqual([1]);
		expect(summary.segments).toEqual([
			expect.objectContaining({ name: 'vip', tagId: 7, added: 1002 }),
			expect.objectContaining({ name: 'churn', tagId: 8, added: 1 }),
		]);
	});

	it('members a tag call refuses are rejected TAG_FAILED with Mailchimp\'s error', async () => {
		const { report, summary } = await send(rowsOf(people(3)), mailchimp({ [tagCall(7)]: tagAnswer([email(1)], 'Member is archived') }));
		expect(report.rejected).toEqual([{ index: 1, itemIndex: 1, email: email(1), code: 'TAG_FAILED', reason: reasons.notTagged('vip', 'Member is archived') }]);
		expect(summary).toMatchObject({ exported: 2, created: 2, rejected: 1, segments: [expect.objectContaining({ name: 'vip', added: 2 })] });
		checkInvariant(summary);
	});

	it('a tag call that fails for good rejects its members TAG_FAILED and makes the report partial', async () => {
		const { report, summary } = await send(rowsOf(people(2, ['vip', 'churn'])), mailchimp({ [tagCall(8)]: problem(500, 'Internal Server Error') }));
		expect(report.rejected).toEqual(
			[0, 1].map((i) => ({
				index: i,
				itemIndex: i,
				email: email(i),
				code: 'TAG_FAILED',
				reason: expect.stringContaining(reasons.notTagged('churn', 'Mailchimp answered HTTP 500 (Internal Server Error')) as string,
			})),
		);
		// Created in the audience, but rejected for the missing tag: counted as rejected only.
		expect(summary).toMatchObject({ exported: 0, created: 0, updated: 0, rejected: 2, partial: true });
		checkInvariant(summary);
	});
});

describe('removeMembersWhoLeft', () => {
	const tagged = (emails: string[]) => ({ status: 200, body: { members: emails.map((e) => ({ email_address: e })), total_items: emails.length } });

	async function removeLeavers(dryRun: boolean) {
		const planned = await plan(rowsOf([person(1, 'vip'), person(2, 'churn')]));
		const targets = await tagsIn(planned, { vip: 7, churn: 8 });
		const leavers = Array.from({ length: 600 }, (_, i) => `gone${i}@example.com`);
		const mock = mockRequest({
			[`GET ${TAGS}/7/members`]: tagged([email(1), email(2), ...leavers]),
			[`GET ${TAGS}/8/members`]: tagged([email(2)]),
			[tagCall(7)]: tagAnswer(),
		});
		await removeMembersWhoLeft(runner(mock.request), LIST, targets, planned.index, planned.report, dryRun);
		return { sent: mock.sent, targets, leavers };
	}

	it('untags, 500 at a time, the tagged members who are not exported in the segment', async () => {
		const { sent, targets, leavers } = await removeLeavers(false);
		const removals = sent.filter((call) => call.method === 'POST');
		expect(removals.map((call) => call.path)).toEqual([`${TAGS}/7`, `${TAGS}/7`]);
		expect(removals.flatMap((call) => tagBody(call).members_to_remove)).toEqual([email(2), ...leavers]);
		expect(removals.map((call) => tagBody(call).members_to_add)).toEqual([undefined, undefined]);
		expect(targets.map((t) => t.removed)).toEqual([601, 0]);
	});

	it('a dry run only reads, and counts who would be untagged', async () => {
		const { sent, targets } = await removeLeavers(true);
		expect(sent.every((call) => call.method === 'GET')).toBe(true);
		expect(targets.map((t) => t.removed)).toEqual([601, 0]);
	});
});

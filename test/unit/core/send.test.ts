// Fast layer: pass 2 (Sender.run) on its own against a mocked Mailchimp: the upsert batches and
// their bodies, Mailchimp's answers matched back to the rows, and what a dry run sends.
import { runExport } from '../../../nodes/MailchimpSegmentExport/core';
import { UPSERT_FIELDS } from '../../../nodes/MailchimpSegmentExport/core/client';
import { jsonBytesOf } from '../../../nodes/MailchimpSegmentExport/core/jsonBody';
import { reasons } from '../../../nodes/MailchimpSegmentExport/core/rejections';
import type { ApiRequest, ProfileRow } from '../../../nodes/MailchimpSegmentExport/core/types';
import { mockRequest } from '../mockRequest';
import { checkInvariant, instantSleep, options, rowsOf } from './helpers';
import {
	LIST,
	MERGE_FIELDS,
	TAGS,
	UPSERT,
	email,
	fileRows,
	lookup,
	mailchimp,
	membersOf,
	people,
	person,
	problem,
	requestsTo,
	send,
	upsertAnswer,
	upsertBody,
} from './mocked';

describe('Sender: upserts', () => {
	it('sends batches of at most 500 with update_existing, status_if_new and the merge fields', async () => {
		const { sent, summary } = await send(rowsOf(people(1201)), mailchimp(), { statusIfNew: 'pending' });
		const upserts = requestsTo(sent, UPSERT);
		expect(upserts.map((call) => membersOf(call).length).sort((a, b) => b - a)).toEqual([500, 500, 201]);
		expect(new Set(upserts.flatMap(membersOf)).size).toBe(1201);
		expect(upserts[0].qs).toEqual({ fields: UPSERT_FIELDS });
		const body = upsertBody(upserts[0]);
		expect(body.update_existing).toBe(true);
		expect(body.members[7]).toEqual({ email_address: email(7), status_if_new: 'pending', merge_fields: { FNAME: 'F7', LNAME: 'L7' }, tags: ['vip'] });
		expect(summary).toMatchObject({ profilesIn: 1201, exported: 1201, created: 1201, rejected: 0, partial: false });
	});

	it('sends an email\'s last row, once', async () => {
		const { sent, summary } = await send(rowsOf([person(1), person(2), { ...person(1), first: 'Later' }]), mailchimp());
		const members = requestsTo(sent, UPSERT).flatMap((call) => upsertBody(call).members);
		expect(members.map((m) => [m.email_address, m.merge_fields?.FNAME])).toEqual([
			[email(2), 'F2'],
			[email(1), 'Later'],
		]);
		expect(summary).toMatchObject({ exported: 2, skipped: { duplicate: 1 } });
	});

	it('a member Mailchimp refuses in errors[] is rejected with Mailchimp\'s code and message; the rest is exported', async () => {
		const fate = (address: string) =>
			address === email(1)
				? { error: 'user1@example.com looks fake or invalid', error_code: 'ERROR_FAKE_EMAIL' }
				: address === email(2)
					? { error: 'Invalid resource', field: 'FNAME', field_message: 'too long' }
					: 'updated';
		const { summary, report } = await send(fileRows(people(4), 3), mailchimp({ [UPSERT]: upsertAnswer(fate) }));
		expect(report.rejected).toEqual([
			{ index: 1, itemIndex: 3, email: email(1), code: 'ERROR_FAKE_EMAIL', reason: 'user1@example.com looks fake or invalid' },
			{ index: 2, itemIndex: 3, email: email(2), code: 'ERROR_GENERIC', field: 'FNAME', reason: 'Mailchimp refused FNAME: Invalid resource too long' },
		]);
		expect(summary).toMatchObject({ exported: 2, updated: 2, rejected: 2, partial: false });
		checkInvariant(summary);
	});

	it('a batch that fails for good rejects its members with BATCH_FAILED and makes the report partial', async () => {
		const failSecond = (call: ApiRequest) =>
			membersOf(call).includes(email(500)) ? problem(503, 'Service Unavailable') : upsertAnswer()(call);
		const { summary, report, sent } = await send(rowsOf(people(600)), mailchimp({ [UPSERT]: failSecond }));
		expect(requestsTo(sent, UPSERT)).toHaveLength(3); // the failing batch tried twice
		expect(report.rejected).toHaveLength(100);
		expect(report.rejected[0]).toEqual({
			index: 500,
			itemIndex: 500,
			email: email(500),
			code: 'BATCH_FAILED',
			reason: expect.stringContaining('HTTP 503 (Service Unavailable: Service Unavailable.)'),
		});
		expect(summary).toMatchObject({ exported: 500, rejected: 100, partial: true });
		checkInvariant(summary);
	});

	it('writes a batch into the memory of one whose request settled, never of one still being retried', async () => {
		const attempts: Array<{ first: string; text: string; memory: ArrayBufferLike }> = [];
		const failOnce = (call: ApiRequest) => {
			const bytes = jsonBytesOf(call.body)!;
			const first = membersOf(call)[0];
			attempts.push({ first, text: bytes.toString('utf8'), memory: bytes.buffer });
			const tries = attempts.filter((a) => a.first === first).length;
			return first === email(500) && tries === 1 ? problem(503, 'Service Unavailable') : upsertAnswer()(call);
		};
		// One call at a time: the third batch is written while the second is being retried.
		const { summary } = await send(rowsOf(people(4000)), mailchimp({ [UPSERT]: failOnce }), { maxConcurrency: 1 });
		expect(attempts.map((a) => a.first)).toEqual([0, 500, 500, 1000, 1500, 2000, 2500, 3000, 3500].map(email));
		expect(attempts[2].text).toBe(attempts[1].text);
		expect(attempts[2].memory).toBe(attempts[1].memory);
		// The batch written while the second was retried has memory of its own; the eight batches share
		// three buffers (the batch in flight, the next one being written, and one given back late).
		expect(attempts[3].memory).not.toBe(attempts[1].memory);
		expect(new Set(attempts.map((a) => a.memory)).size).toBe(3);
		expect(summary).toMatchObject({ exported: 4000, rejected: 0 });
		checkInvariant(summary);
	});

	it('a member the answer leaves out is looked up: counted when Mailchimp holds it, else NOT_IN_AUDIENCE', async () => {
		const leftOut = [1, 2, 3].map(email);
		const { summary, report, sent } = await send(
			rowsOf(people(4)),
			mailchimp({
				[UPSERT]: upsertAnswer((address) => (leftOut.includes(address) ? 'left out' : 'new')),
				[lookup(email(1))]: { status: 200, body: { status: 'subscribed', tags: [] } },
				[lookup(email(2))]: { status: 200, body: { status: 'archived', tags: [] } },
				// email(3): 404, no such member.
			}),
		);
		expect(sent.filter((call) => call.method === 'GET').map((call) => call.path)).toEqual(leftOut.map((e) => lookup(e).slice(4)));
		expect(report.rejected).toEqual([
			{ index: 2, itemIndex: 2, email: email(2), code: 'NOT_IN_AUDIENCE', reason: reasons.archived() },
			{ index: 3, itemIndex: 3, email: email(3), code: 'NOT_IN_AUDIENCE', reason: reasons.notInAudience() },
		]);
		expect(summary).toMatchObject({ exported: 2, created: 1, updated: 1, rejected: 2, partial: false });
		checkInvariant(summary);
	});

	it('matches an answer in another order, in another case, with a member twice and one left out: each member once', async () => {
		const shuffled = (call: ApiRequest) => {
			const sentEmails = membersOf(call);
			const upper = (i: number) => ({ email_address: `  ${sentEmails[i].toUpperCase()} `, tags: [] });
			// New: 3, 0 (as sent), 2 upper-cased, 0 again; updated: 4; 1 left out.
			const answer = { new_members: [{ email_address: sentEmails[3], tags: [] }, { email_address: sentEmails[0], tags: [] }, upper(2), { email_address: sentEmails[0], tags: [] }], updated_members: [{ email_address: sentEmails[4], status: 'subscribed', tags: [] }], errors: [] };
			return { status: 200, body: answer };
		};
		const { summary, report, sent } = await send(
			rowsOf(people(5)),
			mailchimp({ [UPSERT]: shuffled, [lookup(email(1))]: { status: 200, body: { status: 'subscribed', tags: [] } } }),
		);
		expect(sent.filter((call) => call.method === 'GET').map((call) => call.path)).toEqual([lookup(email(1)).slice(4)]);
		expect(report.rejected).toEqual([]);
		expect(summary).toMatchObject({ exported: 5, created: 3, updated: 2, rejected: 0 });
		expect(summary.segments.map((s) => s.added)).toEqual([5]);
		checkInvariant(summary);
	});

	it('a row not found again in the second read, or changed, is rejected INPUT_CHANGED and not sent', async () => {
		const first = people(3);
		const second = [first[0], { ...first[1], segment: 'churn' }];
		const { summary, report, sent } = await send(rowsOf(first), mailchimp(), {}, rowsOf(second));
		expect(requestsTo(sent, UPSERT).flatMap(membersOf)).toEqual([email(0)]);
		expect(report.rejected).toEqual([
			{ index: 1, itemIndex: 1, email: email(1), code: 'INPUT_CHANGED', reason: reasons.inputChanged() },
			{ index: 2, itemIndex: 2, email: '', code: 'INPUT_CHANGED', reason: reasons.inputNotFoundAgain() },
		]);
		expect(summary).toMatchObject({ exported: 1, rejected: 2 });
		checkInvariant(summary);
	});

	it('a dry run sends nothing and counts what would be exported and tagged', async () => {
		const { sent, summary } = await send(rowsOf(people(3)), mailchimp(), { dryRun: true });
		expect(sent).toEqual([]);
		expect(summary).toMatchObject({ exported: 3, rejected: 0, segments: [expect.objectContaining({ name: 'vip', added: 3 })] });
	});
});

describe('runExport dry run', () => {
	it('sends nothing but reads, even for a missing tag and members who left', async () => {
		const { request, sent } = mockRequest({
			[`GET /lists/${LIST}`]: { status: 200, body: { id: LIST, name: 'Shop', stats: { member_count: 1 } } },
			[`GET /lists/${LIST}/merge-fields`]: { status: 200, body: { merge_fields: MERGE_FIELDS.map(({ tag, type }) => ({ tag, type })) } },
			[`GET ${TAGS}`]: { status: 200, body: { segments: [{ id: 7, name: 'vip' }], total_items: 1 } },
			[`GET ${TAGS}/7/members`]: { status: 200, body: { members: [{ email_address: 'left@example.com' }], total_items: 1 } },
		});
		const rows: ProfileRow[] = [...people(2), person(3, 'new tag')].map((data, i) => ({ index: i, itemIndex: i, data }));
		const { summary } = await runExport(() => rows, options({ listId: LIST, dryRun: true, removeMembersWhoLeft: true }), { request, sleep: instantSleep });
		expect(sent.filter((call) => call.method !== 'GET')).toEqual([]);
		expect(sent.map((call) => call.path)).toContain(`${TAGS}/7/members`);
		expect(summary).toMatchObject({ dryRun: true, exported: 3, partial: false });
		expect(summary.segments).toEqual([
			expect.objectContaining({ name: 'vip', tagId: 7, added: 2, removed: 1 }),
			expect.objectContaining({ name: 'new tag', tagId: null, added: 1 }),
		]);
	});
});

// The batch answers' readers: what the export reads from a filtered answer (`fields`), from a
// complete one (Mailchimp may ignore `fields` on POST), and what fails a batch.
import { RequestFailedError } from '../../../nodes/MailchimpSegmentExport/core/errors';
import {
	type AnsweredMember,
	readSegmentUpdate,
	readUpsertResult,
	SEGMENT_UPDATE_FIELDS,
	UPSERT_FIELDS,
	updateSegmentMembers,
	UpsertBatch,
	upsertMembers,
} from '../../../nodes/MailchimpSegmentExport/core/client';
import type { ApiRequest, RequestFn } from '../../../nodes/MailchimpSegmentExport/core/types';

const member = (email: string) => ({
	id: 'd41d8cd98f00b204e9800998ecf8427e',
	email_address: email,
	status: 'subscribed',
	merge_fields: { FNAME: 'Ann', LTV: 12 },
	stats: { avg_open_rate: 0 },
	tags: [{ id: 7, name: 'VIP' }],
	_links: [],
});

describe('readUpsertResult', () => {
	const expected = {
		new_members: [{ email_address: 'a@example.com', status: 'subscribed', tagIds: [7] }],
		updated_members: [{ email_address: 'b@example.com', status: 'subscribed', tagIds: [7] }],
		errors: [{ email_address: 'c@example.com', error: 'Please enter a number', error_code: 'ERROR_GENERIC', field: 'LTV', field_message: 'Please enter a number' }],
		total_created: 1,
		total_updated: 1,
		error_count: 1,
	};

	it('reads a complete answer and a filtered one alike', () => {
		const errors = expected.errors;
		const complete = { new_members: [member('a@example.com')], updated_members: [member('b@example.com')], errors, total_created: 1, total_updated: 1, error_count: 1, _links: [] };
		const answered = (email: string) => ({ email_address: email, status: 'subscribed', tags: [{ id: 7 }] });
		const filtered = { new_members: [answered('a@example.com')], updated_members: [answered('b@example.com')], errors, total_created: 1, total_updated: 1, error_count: 1 };
		// What the export reads of each member: the answer's own objects are checked, not copied.
		const seen = (m: AnsweredMember) => ({ email_address: m.email_address, status: m.status, tagIds: m.tags?.map((t) => t.id) });
		for (const body of [complete, filtered]) {
			const read = readUpsertResult(body);
			expect({ ...read, new_members: read.new_members.map(seen), updated_members: read.updated_members.map(seen) }).toEqual(expected);
		}
	});

	it('missing lists are empty, missing counts undefined', () => {
		expect(readUpsertResult({})).toEqual({ new_members: [], updated_members: [], errors: [], total_created: undefined, total_updated: undefined, error_count: undefined });
	});

	it.each([
		['a body that is not an object', 'oops'],
		['new_members that is not a list', { new_members: {} }],
		['a member without an email', { new_members: [{ id: 'x' }] }],
		['a member whose tags are not a list', { updated_members: [{ email_address: 'a@example.com', tags: {} }] }],
		['a member with a tag whose id is not a number', { new_members: [{ email_address: 'a@example.com', tags: [{ id: 7 }, { id: '8' }] }] }],
		['a member whose status is not text', { updated_members: [{ email_address: 'a@example.com', status: 1 }] }],
		['an error whose message is not text', { errors: [{ email_address: 'a@example.com', error: 42 }] }],
		['a count that is not a number', { total_created: '1' }],
	])('%s fails the batch (RequestFailedError)', async (_what, body) => {
		const request: RequestFn = async () => ({ status: 200, body });
		const one = new UpsertBatch();
		one.add({ email_address: 'a@example.com', status_if_new: 'subscribed' });
		await expect(upsertMembers(request, 'list1', one)).rejects.toThrow(RequestFailedError);
		await expect(upsertMembers(request, 'list1', new UpsertBatch())).rejects.toThrow(/unexpected shape/);
	});
});

describe('readSegmentUpdate', () => {
	it('reads a complete answer and a filtered one alike', () => {
		const errors = [{ email_addresses: ['x@example.com'], error: 'Email address does not belong to this list' }];
		const complete = { members_added: [member('a@example.com')], members_removed: [], errors, total_added: 1, total_removed: 0, error_count: 1, _links: [] };
		const expected = { members_added: [{ email_address: 'a@example.com' }], total_added: 1, total_removed: 0, errors };
		expect(readSegmentUpdate(complete)).toEqual(expected);
		expect(readSegmentUpdate({ members_added: [{ email_address: 'a@example.com' }], errors, total_added: 1, total_removed: 0 })).toEqual(expected);
		expect(readSegmentUpdate({ errors, total_added: 1, total_removed: 0 })).toEqual({ ...expected, members_added: undefined });
		expect(() => readSegmentUpdate({ errors: [{ email_addresses: [1] }] })).toThrow();
	});
});

it('the batch calls ask for only the fields they read', async () => {
	const seen: ApiRequest[] = [];
	const request: RequestFn = async (r) => {
		seen.push(r);
		return { status: 200, body: {} };
	};
	await upsertMembers(request, 'list1', new UpsertBatch());
	await updateSegmentMembers(request, 'list1', 7, { add: ['a@example.com'] });
	expect(seen.map((r) => r.qs?.fields)).toEqual([UPSERT_FIELDS, SEGMENT_UPDATE_FIELDS]);
	expect(UPSERT_FIELDS).toContain('new_members.email_address');
	expect(UPSERT_FIELDS).not.toMatch(/merge_fields|stats/);
});

import { simulatorRequest } from './client';
import { subscriberHash } from './email';
import { start, type Simulator } from './server';
import type { MemberStatus } from './types';
import { schemaErrors } from './validation';

interface BatchResponse {
	new_members: { email_address: string; status: MemberStatus; merge_fields: Record<string, unknown> }[];
	updated_members: { email_address: string; status: MemberStatus }[];
	errors: { email_address: string; error: string; error_code: string; field?: string; field_message?: string }[];
	total_created: number;
	total_updated: number;
	error_count: number;
}

let sim: Simulator;
let listId: string;

beforeEach(async () => {
	sim = await start();
	listId = sim.state.addList({
		name: 'Shop',
		mergeFields: [
			{ tag: 'LTV', type: 'number' },
			{ tag: 'JOINED', type: 'date', options: { date_format: 'DD/MM/YYYY' } },
			{ tag: 'BIRTHDAY', type: 'birthday', options: { date_format: 'MM/DD' } },
			{ tag: 'BDAY_DM', type: 'birthday', options: { date_format: 'DD/MM' } },
			{ tag: 'PLAN', type: 'dropdown', options: { choices: ['Free', 'Pro'] } },
			{ tag: 'SIZE', type: 'radio', options: { choices: ['S', 'M', 'L'] } },
			{ tag: 'SITE', type: 'url' },
			{ tag: 'ZIP', type: 'zip' },
		],
	});
});
afterEach(() => sim.stop());

async function batch(body: Record<string, unknown>, qs?: Record<string, string>): Promise<BatchResponse> {
	const res = await simulatorRequest(sim, { method: 'POST', path: `/lists/${listId}`, body, qs });
	expect(res.status).toBe(200);
	expect(schemaErrors('Batch_update_List_members', res.body)).toEqual([]);
	const out = res.body as BatchResponse;
	expect(out.error_count).toBe(out.errors.length);
	expect(out.total_created).toBe(out.new_members.length);
	expect(out.total_updated).toBe(out.updated_members.length);
	return out;
}

const members = (n: number) =>
	Array.from({ length: n }, (_, i) => ({ email_address: `user${i}@example.com`, status_if_new: 'subscribed' }));

test('500 members pass, 501 members -> 400 Invalid Resource', async () => {
	const ok = await batch({ members: members(500) });
	expect(ok.total_created).toBe(500);
	const res = await simulatorRequest(sim, { method: 'POST', path: `/lists/${listId}`, body: { members: members(501) } });
	expect(res.status).toBe(400);
	expect(res.body).toMatchObject({ title: 'Invalid Resource', errors: [{ field: 'members' }] });
	expect(sim.state.lists.get(listId)!.members.size).toBe(500);
});

test('update_existing false: existing members are ERROR_CONTACT_EXISTS rows', async () => {
	sim.state.addMember(listId, { email: 'old@example.com' });
	const out = await batch({
		members: [
			{ email_address: 'OLD@example.com', status: 'subscribed' },
			{ email_address: 'new@example.com', status: 'subscribed' },
		],
	});
	expect(out.total_created).toBe(1);
	expect(out.errors).toEqual([
		{
			email_address: 'OLD@example.com',
			error: 'OLD@example.com is already a list member. Use PUT to insert or update list members.',
			error_code: 'ERROR_CONTACT_EXISTS',
		},
	]);
});

test('status rewrites an existing status; status_if_new only applies to new members', async () => {
	sim.state.addMember(listId, { email: 'unsub@example.com', status: 'unsubscribed' });
	sim.state.addMember(listId, { email: 'keep@example.com', status: 'unsubscribed' });
	const out = await batch({
		update_existing: true,
		members: [
			{ email_address: 'unsub@example.com', status: 'subscribed' },
			{ email_address: 'keep@example.com', status_if_new: 'subscribed', merge_fields: { FNAME: 'Kim' } },
			{ email_address: 'fresh@example.com', status_if_new: 'pending' },
		],
	});
	expect(out.updated_members.map((m) => [m.email_address, m.status])).toEqual([
		['unsub@example.com', 'subscribed'],
		['keep@example.com', 'unsubscribed'],
	]);
	expect(out.new_members.map((m) => [m.email_address, m.status])).toEqual([['fresh@example.com', 'pending']]);
	expect(sim.state.member(listId, 'keep@example.com')).toMatchObject({ status: 'unsubscribed', merge_fields: { FNAME: 'Kim' } });
});

test('emails are identities case-insensitively', async () => {
	await batch({ members: [{ email_address: 'Mixed.Case@Example.com', status: 'subscribed' }] });
	const out = await batch({ update_existing: true, members: [{ email_address: 'mixed.case@EXAMPLE.COM', status_if_new: 'subscribed' }] });
	expect(out.total_updated).toBe(1);
	expect(sim.state.lists.get(listId)!.members.size).toBe(1);
	expect(sim.state.member(listId, 'MIXED.case@example.com')?.email_address).toBe('Mixed.Case@Example.com');
});

test('non-ASCII characters: refused before the @, accepted in the domain', async () => {
	const out = await batch({
		members: [
			{ email_address: 'josé@example.com', status: 'subscribed' },
			{ email_address: 'ann@bücher.de', status: 'subscribed' },
		],
	});
	expect(out.errors).toEqual([expect.objectContaining({ email_address: 'josé@example.com', error: 'Please provide a valid email address.' })]);
	expect(out.new_members.map((m) => m.email_address)).toEqual(['ann@bücher.de']);
});

test('invalid and fake-looking emails are row errors with HTTP 200', async () => {
	const out = await batch({
		members: [
			{ email_address: 'not-an-email', status: 'subscribed' },
			{ email_address: 'test@example.com', status: 'subscribed' },
			{ email_address: 'someone@test.com', status: 'subscribed' },
			{ email_address: 'real@example.com', status: 'subscribed' },
		],
	});
	expect(out.total_created).toBe(1);
	expect(out.errors).toEqual([
		{
			email_address: 'not-an-email',
			error: 'Please provide a valid email address.',
			error_code: 'ERROR_GENERIC',
			field: 'email_address',
			field_message: 'Please provide a valid email address.',
		},
		{
			email_address: 'test@example.com',
			error: 'test@example.com looks fake or invalid, please enter a real email address.',
			error_code: 'ERROR_GENERIC',
		},
		{
			email_address: 'someone@test.com',
			error: 'someone@test.com looks fake or invalid, please enter a real email address.',
			error_code: 'ERROR_GENERIC',
		},
	]);
});

test.each([
	['LTV', 'lots', 'Please enter a number'],
	['JOINED', '2024-01-31', 'Please enter the date'],
	['JOINED', '31/02/2024', 'Please enter the date'],
	['BIRTHDAY', '13/01', 'Please enter a month (01-12) and a day (01-31)'],
	['BDAY_DM', '12/31', 'Please enter a month (01-12) and a day (01-31)'],
	['ADDRESS', '1 Main St', 'Please enter a complete address'],
	['ADDRESS', { addr1: '1 Main St', city: 'Springfield' }, 'Please enter a complete address'],
	['PLAN', 'Gold', 'Please choose one of the available options'],
	['SIZE', 'XL', 'Please choose one of the available options'],
	['SITE', 'not a url', 'Please enter a valid URL'],
	['ZIP', '123', 'Please enter a zip code (5 digits)'],
	['ZIP', '62701-1234', 'Please enter a zip code (5 digits)'],
	['FNAME', 'x'.repeat(256), 'Please enter a value of 255 characters or fewer'],
])('merge field %s (case %#) is a row error', async (field, value, message) => {
	const out = await batch({ members: [{ email_address: 'row@example.com', status: 'subscribed', merge_fields: { [field]: value } }] });
	expect(out.errors).toEqual([
		{ email_address: 'row@example.com', error: message, error_code: 'ERROR_GENERIC', field, field_message: message },
	]);
	expect(out.total_created).toBe(0);
});

test('valid merge values of every type are stored; numbers as numbers', async () => {
	const merge_fields = {
		FNAME: 'Ada',
		LTV: '12.5',
		JOINED: '31/01/2024',
		BIRTHDAY: '12/10',
		BDAY_DM: '31/12',
		ADDRESS: { addr1: '1 Main St', city: 'Springfield', state: 'IL', zip: '62701', country: 'US' },
		PHONE: '+1 555-0100',
		PLAN: 'Pro',
		SIZE: 'M',
		SITE: 'https://ada.dev',
		ZIP: '62701',
		UNKNOWN: 'ignored',
	};
	const out = await batch({ members: [{ email_address: 'ok@example.com', status: 'subscribed', merge_fields }] });
	expect(out.errors).toEqual([]);
	const { UNKNOWN: _unknown, ...stored } = { ...merge_fields, LTV: 12.5 };
	expect(sim.state.member(listId, 'ok@example.com')?.merge_fields).toEqual(stored);
});

test('required merge fields must have a value for new members; skip_merge_validation skips checks', async () => {
	sim.state.reset();
	listId = sim.state.addList({ name: 'Strict', mergeFields: [{ tag: 'COMPANY', type: 'text', required: true }] });
	const out = await batch({ members: [{ email_address: 'a@example.com', status: 'subscribed' }] });
	expect(out.errors[0]).toMatchObject({ field: 'COMPANY', field_message: 'Please enter a value' });
	const skipped = await batch({ members: [{ email_address: 'a@example.com', status: 'subscribed' }] }, { skip_merge_validation: 'true' });
	expect(skipped.total_created).toBe(1);
});

describe('compliance', () => {
	beforeEach(() => {
		sim.state.addMember(listId, { email: 'locked@example.com', status: 'unsubscribed', locked: true });
		sim.state.addMember(listId, { email: 'bounced@example.com', status: 'cleaned' });
		sim.state.addMember(listId, { email: 'forgotten@example.com', status: 'subscribed' });
		sim.state.forget(listId, 'forgotten@example.com');
	});

	test('locked contacts cannot be subscribed; forgotten ones not re-imported; cleaned stay cleaned', async () => {
		const out = await batch({
			update_existing: true,
			members: [
				{ email_address: 'locked@example.com', status: 'subscribed' },
				{ email_address: 'Forgotten@example.com', status_if_new: 'subscribed' },
				{ email_address: 'bounced@example.com', status: 'subscribed' },
			],
		});
		expect(out.errors).toEqual([
			{
				email_address: 'locked@example.com',
				error: 'locked@example.com is in a compliance state due to unsubscribe, bounce, or compliance review and cannot be subscribed.',
				error_code: 'ERROR_GENERIC',
			},
			{
				email_address: 'Forgotten@example.com',
				error:
					'Forgotten@example.com was permanently deleted and cannot be re-imported. The contact must re-subscribe to get back on the list.',
				error_code: 'ERROR_GENERIC',
			},
		]);
		expect(out.updated_members).toEqual([expect.objectContaining({ email_address: 'bounced@example.com', status: 'cleaned' })]);
		expect(sim.state.member(listId, 'locked@example.com')?.status).toBe('unsubscribed');
	});

	test('a locked contact may still be updated with status_if_new, or sent to pending', async () => {
		const out = await batch({
			update_existing: true,
			members: [{ email_address: 'locked@example.com', status_if_new: 'subscribed', merge_fields: { FNAME: 'L' } }],
		});
		expect(out.total_updated).toBe(1);
		const pending = await batch({ update_existing: true, members: [{ email_address: 'locked@example.com', status: 'pending' }] });
		expect(pending.updated_members[0].status).toBe('pending');
	});

	test('an archived contact comes back as new, unless it is locked and would be subscribed', async () => {
		sim.state.archive(listId, 'gone@example.com', false);
		sim.state.archive(listId, 'gone-locked@example.com', true);
		const out = await batch({
			update_existing: true,
			members: [
				{ email_address: 'gone@example.com', status_if_new: 'subscribed' },
				{ email_address: 'gone-locked@example.com', status_if_new: 'subscribed' },
			],
		});
		expect(out.total_created).toBe(1);
		expect(out.errors).toEqual([
			expect.objectContaining({
				email_address: 'gone-locked@example.com',
				error: 'gone-locked@example.com is in a compliance state due to unsubscribe, bounce, or compliance review and cannot be subscribed.',
			}),
		]);
		expect(sim.state.member(listId, 'gone@example.com')?.status).toBe('subscribed');
		expect(sim.state.member(listId, 'gone-locked@example.com')).toBeUndefined();
		const pending = await batch({ update_existing: true, members: [{ email_address: 'gone-locked@example.com', status_if_new: 'pending' }] });
		expect(pending.new_members[0]).toMatchObject({ status: 'pending' });
	});

	test('switch archivedUpsert: an archived contact sent with status_if_new alone stays archived, mentioned nowhere or as updated', async () => {
		sim.state.archive(listId, 'gone@example.com', false);
		const send = () => batch({ update_existing: true, members: [{ email_address: 'gone@example.com', status_if_new: 'subscribed' }] });
		sim.state.behaviour = { ...sim.state.behaviour, archivedUpsert: 'stayArchived' };
		expect(await send()).toMatchObject({ new_members: [], updated_members: [], errors: [] });
		sim.state.behaviour = { ...sim.state.behaviour, archivedUpsert: 'listedAsUpdated' };
		expect(await send()).toMatchObject({ new_members: [], updated_members: [{ email_address: 'gone@example.com', status: 'archived' }] });
		expect(sim.state.member(listId, 'gone@example.com')).toBeUndefined();
		const read = await simulatorRequest(sim, { method: 'GET', path: `/lists/${listId}/members/${subscriberHash('gone@example.com')}` });
		expect(read).toMatchObject({ status: 200, body: { email_address: 'gone@example.com', status: 'archived' } });
		const explicit = await batch({ update_existing: true, members: [{ email_address: 'gone@example.com', status: 'subscribed' }] });
		expect(explicit.total_created).toBe(1);
	});

	test('PUT answers compliance and forgotten as problem documents', async () => {
		const put = (email: string) =>
			simulatorRequest(sim, {
				method: 'PUT',
				path: `/lists/${listId}/members/${subscriberHash(email)}`,
				body: { email_address: email, status_if_new: 'subscribed', status: 'subscribed' },
			});
		expect((await put('locked@example.com')).body).toMatchObject({ status: 400, title: 'Member In Compliance State' });
		expect((await put('forgotten@example.com')).body).toMatchObject({ status: 400, title: 'Forgotten Email Not Subscribed' });
	});
});

test('tags in batch members go to static segments; sync_tags replaces them', async () => {
	await batch({ members: [{ email_address: 't@example.com', status: 'subscribed', tags: ['VIP', 'EU'] }] });
	expect(sim.state.member(listId, 't@example.com')?.tags).toEqual(['VIP', 'EU']);
	await batch({ update_existing: true, sync_tags: true, members: [{ email_address: 't@example.com', tags: ['EU'] }] });
	expect(sim.state.member(listId, 't@example.com')?.tags).toEqual(['EU']);
	expect(sim.state.tagMembers(listId, 'VIP')).toEqual([]);
});

test.each([
	['apply', ['VIP'], ['VIP']],
	['newOnly', ['VIP'], []],
	['ignore', [], []],
] as const)('batchTags %s: tags given to a new member %j, to an existing one %j; the answer shows them as they are', async (batchTags, onNew, onExisting) => {
	sim.state.behaviour = { ...sim.state.behaviour, batchTags };
	sim.state.addMember(listId, { email: 'old@example.com' });
	const res = await batch({
		update_existing: true,
		members: [
			{ email_address: 'new@example.com', status_if_new: 'subscribed', tags: ['VIP'] },
			{ email_address: 'old@example.com', status_if_new: 'subscribed', tags: ['VIP'] },
		],
	});
	expect(sim.state.member(listId, 'new@example.com')?.tags).toEqual(onNew);
	expect(sim.state.member(listId, 'old@example.com')?.tags).toEqual(onExisting);
	const shown = (m: unknown) => ((m as { tags: Array<{ name: string }> }).tags ?? []).map((t) => t.name);
	expect(shown(res.new_members[0])).toEqual(onNew);
	expect(res.updated_members.map(shown)).toEqual(onExisting.length > 0 ? [onExisting] : res.updated_members.map(() => []));
});

describe('PUT /lists/{id}/members/{hash}', () => {
	test('creates with status_if_new, updates keeping status, checks merge values', async () => {
		const path = `/lists/${listId}/members/${subscriberHash('Put@Example.com')}`;
		const created = await simulatorRequest(sim, { method: 'PUT', path, body: { email_address: 'Put@Example.com', status_if_new: 'subscribed' } });
		expect(created.status).toBe(200);
		expect(schemaErrors('List_Members_2', created.body)).toEqual([]);
		sim.state.addMember(listId, { email: 'Put@Example.com', status: 'unsubscribed' });
		const updated = await simulatorRequest(sim, {
			method: 'PUT',
			path,
			body: { email_address: 'put@example.com', status_if_new: 'subscribed', merge_fields: { LTV: 3 } },
		});
		expect(updated.body).toMatchObject({ status: 'unsubscribed', merge_fields: { LTV: 3 } });
		const invalid = await simulatorRequest(sim, {
			method: 'PUT',
			path,
			body: { email_address: 'put@example.com', status_if_new: 'subscribed', merge_fields: { LTV: 'x' } },
		});
		expect(invalid).toMatchObject({
			status: 400,
			body: { title: 'Invalid Resource', detail: 'Your merge fields were invalid.', errors: [{ field: 'LTV', message: 'Please enter a number' }] },
		});
	});
});

test('switch listUnchangedMembers: an existing member whose data did not change is in updated_members, or in no list', async () => {
	await batch({ members: [{ email_address: 'same@example.com', status_if_new: 'subscribed', merge_fields: { LTV: 5 } }] });
	const again = { update_existing: true, members: [{ email_address: 'same@example.com', status_if_new: 'subscribed', merge_fields: { LTV: 5 } }] };
	expect((await batch(again)).total_updated).toBe(1);
	sim.state.behaviour = { ...sim.state.behaviour, listUnchangedMembers: false };
	expect(await batch(again)).toMatchObject({ new_members: [], updated_members: [], errors: [] });
	const changed = { update_existing: true, members: [{ email_address: 'same@example.com', status_if_new: 'subscribed', merge_fields: { LTV: 6 } }] };
	expect((await batch(changed)).total_updated).toBe(1);
	expect(sim.state.member(listId, 'same@example.com')?.merge_fields.LTV).toBe(6);
});

import { simulatorRequest } from './client';
import { start, type Simulator } from './server';
import { schemaErrors } from './validation';

let sim: Simulator;
let listId: string;

beforeAll(async () => {
	sim = await start();
	listId = sim.state.addList({ name: 'Tags' });
	for (let i = 0; i < 1200; i++) sim.state.addMember(listId, { email: `m${i}@example.com` });
});
afterAll(() => sim.stop());

const post = (path: string, body: unknown) => simulatorRequest(sim, { method: 'POST', path: `/lists/${listId}${path}`, body });

test('create a static segment by name; emails not on the list are ignored', async () => {
	const res = await post('/segments', { name: 'Gold', static_segment: ['m1@example.com', 'M2@Example.com', 'stranger@example.com'] });
	expect(res.status).toBe(200);
	expect(schemaErrors('List_7', res.body)).toEqual([]);
	expect(res.body).toMatchObject({ name: 'Gold', type: 'static', member_count: 2, list_id: listId });
	expect(sim.state.tagMembers(listId, 'Gold')).toEqual(['m1@example.com', 'm2@example.com']);

	const again = await post('/segments', { name: 'Gold', static_segment: [] });
	expect(again.body).toMatchObject({ status: 400, title: 'Invalid Resource' });
});

test('GET segments lists static segments with count/offset', async () => {
	await post('/segments', { name: 'Silver', static_segment: [] });
	const res = await simulatorRequest(sim, { method: 'GET', path: `/lists/${listId}/segments`, qs: { type: 'static', count: 1, offset: 1 } });
	expect(schemaErrors('Collection_of_Segments', res.body)).toEqual([]);
	expect(res.body).toMatchObject({ total_items: 2, segments: [{ name: 'Silver', type: 'static', member_count: 0 }] });
	const saved = await simulatorRequest(sim, { method: 'GET', path: `/lists/${listId}/segments`, qs: { type: 'saved' } });
	expect(saved.body).toMatchObject({ total_items: 0, segments: [] });
});

test('add/remove members: at most 500 each, unknown emails ignored silently, totals right', async () => {
	const segment = sim.state.tags(listId).find((tag) => tag.name === 'Silver')!;
	const emails = (from: number, n: number) => Array.from({ length: n }, (_, i) => `m${from + i}@example.com`);
	const added = await post(`/segments/${segment.id}`, { members_to_add: [...emails(0, 499), 'nobody@example.com'] });
	expect(added.status).toBe(200);
	expect(schemaErrors('Batch_add_remove_List_members_to_from_static_segment', added.body)).toEqual([]);
	expect(added.body).toMatchObject({ total_added: 499, total_removed: 0, error_count: 0, errors: [] });
	expect((added.body as { members_added: unknown[] }).members_added).toHaveLength(499);

	const both = await post(`/segments/${segment.id}`, { members_to_add: emails(499, 500), members_to_remove: emails(0, 100) });
	expect(both.body).toMatchObject({ total_added: 500, total_removed: 100, error_count: 0 });
	expect(sim.state.tags(listId).find((tag) => tag.id === segment.id)?.memberCount).toBe(899);

	const tooMany = await post(`/segments/${segment.id}`, { members_to_add: emails(0, 501) });
	expect(tooMany.body).toMatchObject({ status: 400, title: 'Invalid Resource', errors: [{ field: 'members_to_add' }] });

	const missing = await post('/segments/99999', { members_to_add: [] });
	expect(missing.status).toBe(404);
});

test('segment members page through count/offset (max 1000)', async () => {
	const segment = sim.state.tags(listId).find((tag) => tag.name === 'Silver')!;
	const page = (offset: number, count: number) =>
		simulatorRequest(sim, { method: 'GET', path: `/lists/${listId}/segments/${segment.id}/members`, qs: { offset, count } });
	const first = await page(0, 5000);
	expect(schemaErrors('Segment_Members', first.body)).toEqual([]);
	const body = first.body as { members: { email_address: string }[]; total_items: number };
	expect(body.total_items).toBe(899);
	expect(body.members).toHaveLength(899);
	const last = (await page(890, 100)).body as typeof body;
	expect(last.members.map((m) => m.email_address)).toEqual(body.members.slice(890).map((m) => m.email_address));
	const fields = await simulatorRequest(sim, {
		method: 'GET',
		path: `/lists/${listId}/segments/${segment.id}/members`,
		qs: { count: 2, fields: 'members.email_address' },
	});
	expect(fields.body).toEqual({ members: [{ email_address: 'm100@example.com' }, { email_address: 'm101@example.com' }] });
});

test('GET segment members lists subscribed and pending members unless include_* asks for the others', async () => {
	const other = sim.state.addList({ name: 'Statuses' });
	for (const status of ['subscribed', 'pending', 'unsubscribed', 'cleaned', 'transactional'] as const) {
		sim.state.addMember(other, { email: `${status}@example.com`, status, tags: ['All'] });
	}
	const segment = sim.state.tags(other).find((tag) => tag.name === 'All')!;
	const list = async (qs: Record<string, string | number | boolean>) => {
		const res = await simulatorRequest(sim, { method: 'GET', path: `/lists/${other}/segments/${segment.id}/members`, qs });
		const body = res.body as { members: Array<{ status: string }>; total_items: number };
		return { statuses: body.members.map((m) => m.status).sort(), total: body.total_items };
	};
	expect(await list({})).toEqual({ statuses: ['pending', 'subscribed'], total: 2 });
	expect(await list({ include_cleaned: true })).toEqual({ statuses: ['cleaned', 'pending', 'subscribed'], total: 3 });
	const all = await list({ include_unsubscribed: true, include_cleaned: true, include_transactional: true, count: 2, offset: 4 });
	expect(all).toEqual({ statuses: ['transactional'], total: 5 });
});

test('switches: unknown emails reported in errors[]; members already tagged left out of members_added', async () => {
	const other = sim.state.addList({ name: 'Switches' });
	sim.state.addMember(other, { email: 'old@example.com', tags: ['Gold'] });
	sim.state.addMember(other, { email: 'new@example.com' });
	const gold = sim.state.tags(other)[0];
	const setBehaviour = (behaviour: unknown) => fetch(`${sim.origin}/_sim/behaviour`, { method: 'POST', body: JSON.stringify(behaviour) });
	const add = () =>
		simulatorRequest(sim, {
			method: 'POST',
			path: `/lists/${other}/segments/${gold.id}`,
			body: { members_to_add: ['old@example.com', 'new@example.com', 'nobody@example.com'] },
		});
	try {
		expect((await setBehaviour({ reportUnknownTagEmails: true, listAlreadyTagged: false })).status).toBe(200);
		const res = await add();
		expect(res.body).toMatchObject({
			total_added: 1,
			members_added: [{ email_address: 'new@example.com' }],
			error_count: 1,
			errors: [{ email_addresses: ['nobody@example.com'], error: 'Email addresses are not subscribed to the list' }],
		});
		expect(sim.state.tagMembers(other, 'Gold').sort()).toEqual(['new@example.com', 'old@example.com']);
	} finally {
		await setBehaviour({});
	}
	expect((await add()).body).toMatchObject({ total_added: 2, error_count: 0 });
});

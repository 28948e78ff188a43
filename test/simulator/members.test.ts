// The members list (GET /lists/{id}/members): paging, the status filter, `fields`, and merge
// values as a member read formats them under each behaviour switch; answers valid against the
// API definition.
import { simulatorRequest } from './client';
import { start, type Simulator } from './server';
import { behaviourOf } from './behaviour';
import { schemaErrors } from './validation';

let sim: Simulator;
let listId: string;

beforeAll(async () => {
	sim = await start({});
	listId = sim.state.addList({
		name: 'Customers',
		mergeFields: [
			{ tag: 'LTV', type: 'number' },
			{ tag: 'JOINED', type: 'date', options: { date_format: 'DD/MM/YYYY' } },
		],
	});
	for (let i = 0; i < 25; i++) {
		sim.state.addMember(listId, { email: `m${i}@example.org`, status: i % 5 === 0 ? 'unsubscribed' : 'subscribed', mergeFields: { FNAME: `F${i}` }, tags: i < 3 ? ['vip'] : [] });
	}
	sim.state.addMember(listId, {
		email: 'full@example.org',
		mergeFields: { LTV: 42, JOINED: '04/03/2024', PHONE: '+1 (555) 123.4567', ADDRESS: { addr1: '1 Main St', city: 'Springfield', state: 'IL', zip: '62701' } },
	});
	sim.state.archive(listId, 'm24@example.org', false);
});
afterAll(() => sim.stop());

const page = (qs: Record<string, string | number>) => simulatorRequest(sim, { method: 'GET', path: `/lists/${listId}/members`, qs });

test('pages with count and offset in insertion order, every status but archived; valid against the definition', async () => {
	const first = await page({ count: 10, offset: 0 });
	expect(first.status).toBe(200);
	expect(schemaErrors('List_Members_2', first.body)).toEqual([]);
	const body = first.body as { members: Array<{ email_address: string; status: string }>; total_items: number };
	expect(body.total_items).toBe(25);
	expect(body.members.map((m) => m.email_address)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}@example.org`));
	const last = (await page({ count: 10, offset: 20 })).body as typeof body;
	expect(last.members.map((m) => m.email_address)).toEqual(['m20@example.org', 'm21@example.org', 'm22@example.org', 'm23@example.org', 'full@example.org']);
	const over = (await page({ count: 5000, offset: 0 })).body as typeof body;
	expect(over.members).toHaveLength(25);
});

test('the status filter, archived included', async () => {
	const unsubscribed = (await page({ count: 100, status: 'unsubscribed' })).body as { members: Array<{ email_address: string; status: string }>; total_items: number };
	expect(unsubscribed.members.map((m) => m.email_address)).toEqual(['m0@example.org', 'm5@example.org', 'm10@example.org', 'm15@example.org', 'm20@example.org']);
	const archived = (await page({ count: 100, status: 'archived' })).body as typeof unsubscribed;
	expect(archived.members).toEqual([expect.objectContaining({ email_address: 'm24@example.org', status: 'archived' })]);
	expect((await page({ status: 'gone' })).status).toBe(400);
});

test('fields limits the answer to the email, status, chosen merge fields and tag ids', async () => {
	const res = await page({ count: 2, fields: 'members.email_address,members.status,members.merge_fields.FNAME,members.tags.id,total_items' });
	expect(res.body).toEqual({
		members: [
			{ email_address: 'm0@example.org', status: 'unsubscribed', merge_fields: { FNAME: 'F0' }, tags: [{ id: expect.any(Number) }] },
			{ email_address: 'm1@example.org', status: 'subscribed', merge_fields: { FNAME: 'F1' }, tags: [{ id: expect.any(Number) }] },
		],
		total_items: 25,
	});
});

test.each([
	[{}, { LTV: 42, JOINED: '04/03/2024', PHONE: '+1 (555) 123.4567', ADDRESS: { addr1: '1 Main St', city: 'Springfield', state: 'IL', zip: '62701' } }],
	[
		{ numberAnswer: 'text', dateAnswer: 'iso', phoneAnswer: 'usFormat', addressAnswer: 'allParts' } as const,
		{ LTV: '42', JOINED: '2024-03-04', PHONE: '555-123-4567', ADDRESS: { addr1: '1 Main St', addr2: '', city: 'Springfield', state: 'IL', zip: '62701', country: 'US' } },
	],
])('merge values as a member read answers them, behaviour %j', async (behaviour, expected) => {
	sim.state.behaviour = behaviourOf(behaviour);
	try {
		const res = await page({ count: 1, offset: 24, fields: 'members.email_address,members.merge_fields' });
		expect((res.body as { members: Array<{ merge_fields: unknown }> }).members[0].merge_fields).toMatchObject(expected);
		const one = await simulatorRequest(sim, { method: 'GET', path: `/lists/${listId}/members/full@example.org`, qs: { fields: 'merge_fields' } });
		expect((one.body as { merge_fields: unknown }).merge_fields).toMatchObject(expected);
	} finally {
		sim.state.behaviour = behaviourOf({});
	}
});

import axios from 'axios';
import { createRequestFn } from './client';
import { start, type Simulator } from './server';

let sim: Simulator;
beforeEach(async () => {
	sim = await start();
});
afterEach(() => sim.stop());

const simApi = axios.create({ validateStatus: () => true });

test('seed a list with merge fields, members, locked and forgotten contacts; read them back without auth', async () => {
	const created = await simApi.post(`${sim.origin}/_sim/lists`, {
		name: 'Seeded',
		doubleOptin: true,
		mergeFields: [{ tag: 'LTV', type: 'number', required: true }],
		members: [
			{ email: 'A@example.com', status: 'subscribed', mergeFields: { LTV: 1 }, tags: ['VIP'] },
			{ email: 'locked@example.com', status: 'unsubscribed', locked: true },
		],
		forgotten: ['gone@example.com'],
	});
	expect(created.status).toBe(200);
	const id = created.data.id as string;
	await simApi.post(`${sim.origin}/_sim/lists/${id}/members`, { members: [{ email: 'c@example.com', status: 'cleaned' }] });

	const member = await simApi.get(`${sim.origin}/_sim/lists/${id}/members/a%40EXAMPLE.com`);
	expect(member.data).toEqual({ email_address: 'A@example.com', status: 'subscribed', merge_fields: { LTV: 1 }, tags: ['VIP'], locked: false });
	const tags = await simApi.get(`${sim.origin}/_sim/lists/${id}/tags`);
	expect(tags.data).toEqual({ tags: [{ id: 1, name: 'VIP', memberCount: 1, members: ['a@example.com'] }] });

	const request = createRequestFn(sim);
	const list = await request({ method: 'GET', path: `/lists/${id}` });
	expect(list.body).toMatchObject({ double_optin: true, stats: { member_count: 1, unsubscribe_count: 1, cleaned_count: 1 } });
	const batch = await request({
		method: 'POST',
		path: `/lists/${id}`,
		body: { members: [{ email_address: 'gone@example.com', status: 'subscribed', merge_fields: { LTV: 2 } }] },
	});
	expect(batch.body).toMatchObject({ error_count: 1 });

	const log = await simApi.get(`${sim.origin}/_sim/requests`);
	expect(log.data.requests.map((r: { method: string; path: string; status: number }) => [r.method, r.path, r.status])).toEqual([
		['GET', `/3.0/lists/${id}`, 200],
		['POST', `/3.0/lists/${id}`, 200],
	]);
	const counters = await simApi.get(`${sim.origin}/_sim/counters`);
	expect(counters.data).toMatchObject({ requests: 2, byEndpoint: { list: 1, upsert: 1 }, throttled: 0, maxInFlightSeen: 1 });
});

test('bad state API bodies and unknown lists are problem documents; reset empties the state', async () => {
	const bad = await simApi.post(`${sim.origin}/_sim/lists`, { name: 3 });
	expect(bad.status).toBe(400);
	expect(bad.headers['content-type']).toMatch(/problem\+json/);
	expect((await simApi.get(`${sim.origin}/_sim/lists/nope/tags`)).status).toBe(404);
	sim.state.addList({ name: 'X' });
	await simApi.post(`${sim.origin}/_sim/reset`);
	expect(sim.state.lists.size).toBe(0);
});

test('demo audience: typed merge fields and a mix of statuses', async () => {
	await sim.stop();
	sim = await start({ demo: true, demoMembers: 300 });
	const list = sim.state.lists.get(sim.demoListId!)!;
	expect(list.name).toBe('Demo Audience');
	expect([...list.mergeFields.keys()]).toEqual(['FNAME', 'LNAME', 'ADDRESS', 'PHONE', 'BIRTHDAY', 'LTV', 'JOINED', 'PLAN']);
	expect(list.members.size).toBe(300);
	expect(list.counts.unsubscribed).toBeGreaterThan(0);
	expect(list.counts.cleaned).toBeGreaterThan(0);
	expect([...list.members.values()].some((m) => m.locked)).toBe(true);
	expect(list.forgotten.size).toBe(1);
});

import axios from 'axios';
import { simulatorRequest } from './client';
import { subscriberHash } from './email';
import { start, type Simulator } from './server';
import { schemaErrors } from './validation';

let sim: Simulator;
let listId: string;

beforeAll(async () => {
	sim = await start({ oauthToken: 'token-123' });
	listId = sim.state.addList({ name: 'Customers' });
	sim.state.addMember(listId, { email: 'Ada@Example.org', status: 'subscribed', mergeFields: { FNAME: 'Ada' } });
	sim.state.addMember(listId, { email: 'gone@example.org', status: 'unsubscribed' });
});
afterAll(() => sim.stop());

const problemKeys = ['detail', 'instance', 'status', 'title', 'type'];

describe('auth and problem documents', () => {
	test('Basic with any user name and the key as password', async () => {
		const res = await simulatorRequest(sim, { method: 'GET', path: '/ping' });
		expect(res).toEqual({ status: 200, body: { health_status: "Everything's Chimpy!" } });
		expect(schemaErrors('API_health_status', res.body)).toEqual([]);
	});

	test('Bearer with the OAuth token, and apikey scheme', async () => {
		for (const authorization of ['Bearer token-123', `apikey ${sim.apiKey}`]) {
			const res = await axios.get(`${sim.url}/ping`, { headers: { Authorization: authorization } });
			expect(res.status).toBe(200);
		}
	});

	test.each([
		['missing', undefined, 'API Key Missing'],
		['wrong key', `Basic ${Buffer.from('u:nope-us1').toString('base64')}`, 'API Key Invalid'],
		['wrong token', 'Bearer nope', 'API Key Invalid'],
	])('%s -> 401 problem document', async (_name, authorization, title) => {
		const res = await axios.get(`${sim.url}/lists`, {
			headers: authorization ? { Authorization: authorization } : {},
			validateStatus: () => true,
		});
		expect(res.status).toBe(401);
		expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
		expect(Object.keys(res.data).sort()).toEqual(problemKeys);
		expect(res.data).toMatchObject({ status: 401, title, type: 'https://mailchimp.com/developer/marketing/docs/errors/' });
		expect(res.headers['x-request-id']).toBe(res.data.instance);
		expect(schemaErrors('Problem_Detail_Document', res.data)).toEqual([]);
	});

	test('unknown list and unknown path -> 404 Resource Not Found', async () => {
		for (const path of ['/lists/nope', '/nothing/here']) {
			const res = await simulatorRequest(sim, { method: 'GET', path });
			expect(res.status).toBe(404);
			expect(res.body).toMatchObject({ title: 'Resource Not Found', status: 404 });
		}
	});

	test('a body that breaks the schema -> 400 Invalid Resource with field errors', async () => {
		const res = await simulatorRequest(sim, {
			method: 'POST',
			path: `/lists/${listId}`,
			body: { members: [{ email_address: 'a@b.org', status: 'maybe' }] },
		});
		expect(res.status).toBe(400);
		expect(res.body).toMatchObject({
			title: 'Invalid Resource',
			errors: [{ field: 'members.0.status', message: expect.any(String) }],
		});
	});
});

describe('OAuth metadata', () => {
	test('a good token gets the account, a bad one HTTP 200 invalid_token', async () => {
		const good = await axios.get(`${sim.origin}/oauth2/metadata`, { headers: { Authorization: 'OAuth token-123' } });
		expect(good.data).toMatchObject({ dc: 'us1', role: 'owner', accountname: 'Simulator', api_endpoint: 'https://us1.api.mailchimp.com' });
		const bad = await axios.get(`${sim.origin}/oauth2/metadata`, { headers: { Authorization: 'OAuth wrong' } });
		expect(bad.status).toBe(200);
		expect(bad.data).toEqual({ error: 'invalid_token' });
	});
});

describe('lists and merge fields', () => {
	test('GET /lists pages with count/offset and filters with fields', async () => {
		sim.state.addList({ name: 'Second' });
		const page = await simulatorRequest(sim, { method: 'GET', path: '/lists', qs: { count: 1, offset: 1 } });
		expect(schemaErrors('Subscriber_Lists', page.body)).toEqual([]);
		expect(page.body).toMatchObject({ total_items: 2, lists: [{ name: 'Second' }] });
		const fields = await simulatorRequest(sim, {
			method: 'GET',
			path: '/lists',
			qs: { fields: 'lists.id,lists.name,total_items' },
		});
		expect(fields.body).toEqual({
			lists: [
				{ id: listId, name: 'Customers' },
				{ id: expect.any(String), name: 'Second' },
			],
			total_items: 2,
		});
	});

	test('GET /lists/{id} has double_optin and stats.member_count (subscribed only)', async () => {
		const res = await simulatorRequest(sim, { method: 'GET', path: `/lists/${listId}` });
		expect(schemaErrors('Subscriber_List', res.body)).toEqual([]);
		expect(res.body).toMatchObject({ id: listId, double_optin: false, stats: { member_count: 1 } });
	});

	test('default merge fields FNAME, LNAME, ADDRESS, PHONE', async () => {
		const res = await simulatorRequest(sim, { method: 'GET', path: `/lists/${listId}/merge-fields`, qs: { count: 1000 } });
		expect(schemaErrors('Collection_of_Merge_Fields', res.body)).toEqual([]);
		const fields = (res.body as { merge_fields: { tag: string; type: string }[] }).merge_fields;
		expect(fields.map((f) => [f.tag, f.type])).toEqual([
			['FNAME', 'text'],
			['LNAME', 'text'],
			['ADDRESS', 'address'],
			['PHONE', 'phone'],
		]);
	});

	test('GET member by hash of the lower-cased email', async () => {
		const res = await simulatorRequest(sim, { method: 'GET', path: `/lists/${listId}/members/${subscriberHash('ada@example.org')}` });
		expect(res.status).toBe(200);
		expect(schemaErrors('List_Members_2', res.body)).toEqual([]);
		expect(res.body).toMatchObject({ email_address: 'Ada@Example.org', status: 'subscribed', merge_fields: { FNAME: 'Ada' } });
		const upper = await simulatorRequest(sim, { method: 'GET', path: `/lists/${listId}/members/${subscriberHash('ADA@EXAMPLE.ORG')}` });
		expect(upper.status).toBe(200);
	});
});

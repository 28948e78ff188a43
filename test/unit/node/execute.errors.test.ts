// execute: refusals and errors, "continue on fail", and OAuth2.

import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { start, type Simulator } from '../../simulator/server';
import {
	API_KEY_CREDENTIAL,
	OAUTH2_CREDENTIAL,
	apiKeyCredentials,
	audience,
	oAuth2Credentials,
	runNode,
} from './context';

const TOKEN = 'oauth-token-0123456789abcdef';
let sim: Simulator;
let listId: string;

beforeAll(async () => {
	sim = await start({ port: 0, oauthToken: TOKEN });
});
afterAll(async () => {
	await sim.stop();
});
beforeEach(() => {
	sim.state.reset();
	listId = sim.state.addList({ name: 'Customers' });
});

const items = [{ json: { email: 'a@example.com', segments: 'VIP' } }, { json: { email: 'b@example.com', segments: 'VIP' } }];
const credentials = (overrides = {}) => ({ [API_KEY_CREDENTIAL]: apiKeyCredentials(sim, overrides) });

describe('execute: errors', () => {
	it('refuses without consent, before any request is sent', async () => {
		const run = runNode({ items, credentials: credentials({ consent: false }), params: { audience: audience(listId) } });
		await expect(run).rejects.toThrow(NodeOperationError);
		await expect(run).rejects.toThrow(/privacy and compliance notice/);
		expect(sim.state.requestLog).toHaveLength(0);
	});

	it('refuses OAuth2 without consent before any request, the metadata lookup included', async () => {
		const run = runNode({
			items,
			credentials: { [OAUTH2_CREDENTIAL]: oAuth2Credentials(sim, TOKEN, { consent: false }) },
			params: { authentication: 'oAuth2', audience: audience(listId) },
		});
		await expect(run).rejects.toThrow(/privacy and compliance notice/);
		expect(sim.state.requestLog).toHaveLength(0);
	});

	it('no audience selected', async () => {
		const run = runNode({ items, credentials: credentials(), params: { audience: audience('') } });
		await expect(run).rejects.toMatchObject({ message: 'No audience is selected' });
		expect(sim.state.requestLog).toHaveLength(0);
	});

	it('audience not found is a NodeApiError with the HTTP status', async () => {
		const run = runNode({ items, credentials: credentials(), params: { audience: audience('doesnotexist') } });
		await expect(run).rejects.toThrow(NodeApiError);
		await expect(run).rejects.toMatchObject({ httpCode: '404', message: expect.stringContaining('doesnotexist') });
	});

	it('a wrong API key is a NodeApiError that does not show the key', async () => {
		const wrongKey = 'ffffffffffffffffffffffffffffffff-us1';
		const run = runNode({ items, credentials: credentials({ apiKey: wrongKey }), params: { audience: audience(listId) } });
		await expect(run).rejects.toThrow(NodeApiError);
		const error = (await run.catch((caught: unknown) => caught)) as NodeApiError;
		expect(error.httpCode).toBe('401');
		expect(`${error.message} ${error.description}`).not.toContain('ffffffffffffffff');
	});

	it('an unknown merge field names the field', async () => {
		const run = runNode({
			items,
			credentials: credentials(),
			params: { audience: audience(listId), attributes: { attribute: [{ mergeField: 'NOPE', sourceField: 'x' }] } },
		});
		await expect(run).rejects.toThrow(NodeOperationError);
		await expect(run).rejects.toThrow(/NOPE/);
		expect(sim.state.member(listId, 'a@example.com')).toBeUndefined();
	});

	it('an incomplete attribute row says what is missing', async () => {
		const run = runNode({
			items,
			credentials: credentials(),
			params: { audience: audience(listId), attributes: { attribute: [{ mergeField: 'LTV', sourceField: '' }] } },
		});
		await expect(run).rejects.toMatchObject({ message: 'Attribute 1 is incomplete' });
	});

	it('more profiles than maxProfiles: an error before anything is written', async () => {
		const run = runNode({ items, credentials: credentials(), params: { audience: audience(listId), options: { maxProfiles: 1 } } });
		await expect(run).rejects.toThrow(NodeOperationError);
		expect(sim.state.member(listId, 'a@example.com')).toBeUndefined();
	});

	it('maxConcurrency out of range', async () => {
		const run = runNode({ items, credentials: credentials(), params: { audience: audience(listId), options: { maxConcurrency: 11 } } });
		await expect(run).rejects.toMatchObject({ message: 'Max Concurrency must be a whole number from 1 to 10' });
	});

	it('maxProfiles over the limit is named as the panel names it, not as an internal option', async () => {
		const run = runNode({ items, credentials: credentials(), params: { audience: audience(listId), options: { maxProfiles: 200_000_000 } } });
		await expect(run).rejects.toMatchObject({
			message: 'Max Profiles must be a whole number from 1 to 100000000',
			description: expect.stringContaining('Options > Max Profiles'),
		});
	});

	it('a Max Concurrency that is no number (an expression gave text) names the value', async () => {
		const run = runNode({ items, credentials: credentials(), params: { audience: audience(listId), options: { maxConcurrency: 'many' } } });
		await expect(run).rejects.toMatchObject({
			message: 'Max Concurrency must be a whole number from 1 to 10',
			description: 'It is "many". Change it under Options > Max Concurrency.',
		});
	});

	it('an unknown Status If New (an expression gave it) is named as the panel names it, with the choices', async () => {
		const run = runNode({ items, credentials: credentials(), params: { audience: audience(listId), options: { statusIfNew: 'cleaned' } } });
		await expect(run).rejects.toMatchObject({
			message: 'Status If New must be one of: subscribed, pending, transactional, audienceDefault',
			description: 'It is "cleaned". Change it under Options > Status If New.',
		});
		expect(sim.state.member(listId, 'a@example.com')).toBeUndefined();
	});

	it('a cancelled execution stops the export', async () => {
		const controller = new AbortController();
		controller.abort();
		const run = runNode({ items, credentials: credentials(), signal: controller.signal, params: { audience: audience(listId) } });
		await expect(run).rejects.toMatchObject({ message: 'The export was cancelled' });
	});
});

describe('execute: continue on fail', () => {
	it('an export-level error becomes the Summary item, paired with every input item', async () => {
		const { summary, rejected } = await runNode({
			items,
			continueOnFail: true,
			credentials: credentials(),
			params: { audience: audience('doesnotexist') },
		});
		expect(summary).toEqual([
			{ json: { error: expect.stringContaining('doesnotexist') }, pairedItem: [{ item: 0 }, { item: 1 }] },
		]);
		expect(rejected).toEqual([]);
	});

	it('consent refusal too, still without any request', async () => {
		const { summary } = await runNode({
			items,
			continueOnFail: true,
			credentials: credentials({ consent: false }),
			params: { audience: audience(listId) },
		});
		expect(summary[0].json.error).toMatch(/privacy and compliance notice/);
		expect(sim.state.requestLog).toHaveLength(0);
	});
});

describe('execute: OAuth2', () => {
	it('exports with an OAuth2 credential', async () => {
		const { summary, context } = await runNode({
			items,
			credentials: { [OAUTH2_CREDENTIAL]: oAuth2Credentials(sim, TOKEN) },
			params: { authentication: 'oAuth2', audience: audience(listId) },
		});
		expect(summary[0].json).toMatchObject({ exported: 2 });
		expect(sim.state.tagMembers(listId, 'VIP')).toHaveLength(2);
		expect(context.requests[0].url).toContain('/oauth2/metadata');
		expect(sim.state.requestLog.filter((entry) => entry.path === '/oauth2/metadata')).toHaveLength(1);
		expect(context.requests.slice(1).every((request) => request.credentialType === OAUTH2_CREDENTIAL)).toBe(true);
	});

	it('a refused token is an error without the token in it', async () => {
		const run = runNode({
			items,
			credentials: { [OAUTH2_CREDENTIAL]: oAuth2Credentials(sim, 'expired-token-abcdef') },
			params: { authentication: 'oAuth2', audience: audience(listId) },
		});
		await expect(run).rejects.toThrow(NodeOperationError);
		const error = (await run.catch((caught: unknown) => caught)) as Error;
		expect(error.message).not.toContain('expired-token-abcdef');
	});
});

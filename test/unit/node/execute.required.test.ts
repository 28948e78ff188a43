// The option "Accept Members Missing Required Fields" through the node, against the simulator.

import { start, type Simulator } from '../../simulator/server';
import { apiKeyCredentials, audience, runNode, API_KEY_CREDENTIAL } from './context';

let sim: Simulator;
let listId: string;

beforeAll(async () => {
	sim = await start({ port: 0 });
	listId = sim.state.addList({ name: 'Strict', mergeFields: [{ tag: 'COMPANY', name: 'Company', type: 'text', required: true }] });
});
afterAll(async () => {
	await sim.stop();
});

const items = [{ json: { email: 'ann@example.com', segments: 'VIP' } }];
const credentials = () => ({ [API_KEY_CREDENTIAL]: apiKeyCredentials(sim) });

describe('execute: required merge fields', () => {
	it('stops before writing when a required merge field is not mapped, naming it and the option', async () => {
		const run = runNode({ items, credentials: credentials(), params: { audience: audience(listId) } });
		await expect(run).rejects.toThrow(/requires the merge field COMPANY \(Company\)/);
		expect(sim.state.requestLog.filter((e) => e.method !== 'GET')).toEqual([]);
	});

	it('with the option on, Mailchimp is asked to accept the member without it', async () => {
		const { summary } = await runNode({
			items,
			credentials: credentials(),
			params: { audience: audience(listId), options: { skipMergeValidation: true } },
		});
		expect(summary[0].json).toMatchObject({ exported: 1, created: 1 });
		expect(sim.state.member(listId, 'ann@example.com')).toBeDefined();
	});
});

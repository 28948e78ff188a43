// The Audience picker (listSearch) and the merge field dropdown (loadOptions).

import { start, type Simulator } from '../../simulator/server';
import { AUDIENCE_PAGE_SIZE, searchAudiences } from '../../../nodes/MailchimpSegmentExport/methods/listSearch';
import { describeField, getMergeFields, getTags } from '../../../nodes/MailchimpSegmentExport/methods/loadOptions';
import { API_KEY_CREDENTIAL, apiKeyCredentials, audience, createLoadOptionsContext } from './context';

let sim: Simulator;

beforeAll(async () => {
	sim = await start({ port: 0 });
});
afterAll(async () => {
	await sim.stop();
});
beforeEach(() => sim.state.reset());

const context = (params = {}) =>
	createLoadOptionsContext({ params, credentials: { [API_KEY_CREDENTIAL]: apiKeyCredentials(sim) } });

describe('searchAudiences', () => {
	it('pages through the audiences with the offset as pagination token', async () => {
		const total = AUDIENCE_PAGE_SIZE + 5;
		for (let i = 0; i < total; i++) sim.state.addList({ name: `Audience ${String(i).padStart(3, '0')}` });

		const first = await searchAudiences.call(context());
		expect(first.results).toHaveLength(AUDIENCE_PAGE_SIZE);
		expect(first.paginationToken).toBe(String(AUDIENCE_PAGE_SIZE));
		expect(first.results[0]).toMatchObject({ name: 'Audience 000', value: expect.any(String) });

		const second = await searchAudiences.call(context(), undefined, first.paginationToken as string);
		expect(second.results).toHaveLength(5);
		expect(second.paginationToken).toBeUndefined();
		const ids = new Set([...first.results, ...second.results].map((result) => result.value));
		expect(ids.size).toBe(total);
	});

	it('filters by name, case-insensitively', async () => {
		const vip = sim.state.addList({ name: 'VIP customers' });
		sim.state.addList({ name: 'Newsletter' });
		sim.state.addMember(vip, { email: 'a@example.com' });
		const found = await searchAudiences.call(context(), 'vip');
		expect(found.results).toEqual([{ name: 'VIP customers', value: vip, description: `1 members, ID ${vip}` }]);
		expect(found.paginationToken).toBeUndefined();
	});

	it('a wrong key is an error that does not show it', async () => {
		const wrongKey = 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-us1';
		const ctx = createLoadOptionsContext({ credentials: { [API_KEY_CREDENTIAL]: apiKeyCredentials(sim, { apiKey: wrongKey }) } });
		const error = (await searchAudiences.call(ctx).catch((caught: unknown) => caught)) as Error;
		expect(error).toBeInstanceOf(Error);
		expect(error.message).not.toContain('eeeeeeee');
	});
});

describe('getMergeFields', () => {
	it('lists the audience merge fields as NAME (TAG, type), without those that have their own parameter', async () => {
		const listId = sim.state.addList({
			name: 'Customers',
			mergeFields: [
				{ tag: 'LTV', name: 'Lifetime value', type: 'number', required: true },
				{ tag: 'TIER', name: 'Tier', type: 'dropdown', options: { choices: ['Gold', 'Silver'] } },
			],
		});
		const options = await getMergeFields.call(context({ audience: audience(listId) }));
		const values = options.map((option) => option.value);
		expect(values).toEqual(expect.arrayContaining(['LTV', 'TIER']));
		for (const own of ['EMAIL', 'FNAME', 'LNAME']) expect(values).not.toContain(own);
		expect(options.find((option) => option.value === 'LTV')).toEqual({
			name: 'Lifetime value (LTV, number)',
			value: 'LTV',
			description: 'Required by the audience',
		});
		expect(options.find((option) => option.value === 'TIER')?.description).toBe('One of: Gold, Silver');
	});

	it('says how an address is mapped', () => {
		expect(describeField({ type: 'address', required: false })).toMatch(/object with addr1, city, state and zip/);
		expect(describeField({ type: 'text', required: false })).toBeUndefined();
	});

	it('no audience chosen yet: no options and no request', async () => {
		const ctx = context({ audience: audience('') });
		expect(await getMergeFields.call(ctx)).toEqual([]);
		expect(ctx.requests).toHaveLength(0);
	});

	it('the loader reloads when the audience changes', () => {
		const { MailchimpSegmentExport } = jest.requireActual('../../../nodes/MailchimpSegmentExport/MailchimpSegmentExport.node');
		const attributes = new MailchimpSegmentExport().description.properties.find((p: { name: string }) => p.name === 'attributes');
		const mergeField = attributes.options[0].values.find((v: { name: string }) => v.name === 'mergeField');
		expect(mergeField.typeOptions).toEqual({ loadOptionsMethod: 'getMergeFields', loadOptionsDependsOn: ['audience.value'] });
	});
});

describe('getTags', () => {
	it("offers the audience's tags by name, sorted, for Segments to Export", async () => {
		const listId = sim.state.addList({ name: 'Tagged' });
		const list = sim.state.lists.get(listId)!;
		for (const name of ['VIP', 'churn risk', 'Newsletter']) list.createSegment(name);
		const options = await getTags.call(context({ audience: audience(listId) }));
		expect(options).toEqual([
			{ name: 'churn risk', value: 'churn risk' },
			{ name: 'Newsletter', value: 'Newsletter' },
			{ name: 'VIP', value: 'VIP' },
		]);
	});

	it('no audience chosen yet: no options and no request', async () => {
		const ctx = context({ audience: audience('') });
		expect(await getTags.call(ctx)).toEqual([]);
		expect(ctx.requests).toHaveLength(0);
	});
});

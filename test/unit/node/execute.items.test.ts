// execute with one profile per input item, against the Mailchimp simulator.

import { MailchimpSegmentExport } from '../../../nodes/MailchimpSegmentExport/MailchimpSegmentExport.node';
import { start, type Simulator } from '../../simulator/server';
import { apiKeyCredentials, audience, createExecuteContext, runNode, API_KEY_CREDENTIAL } from './context';

let sim: Simulator;
let listId: string;

beforeAll(async () => {
	sim = await start({ port: 0 });
});
afterAll(async () => {
	await sim.stop();
});
beforeEach(() => {
	sim.state.reset();
	listId = sim.state.addList({
		name: 'Customers',
		mergeFields: [
			{ tag: 'LTV', name: 'Lifetime value', type: 'number' },
			{ tag: 'CITY', name: 'City', type: 'text' },
		],
	});
});

const credentials = () => ({ [API_KEY_CREDENTIAL]: apiKeyCredentials(sim) });

const profiles = [
	{ json: { email: 'ann@example.com', first: 'Ann', last: 'Lee', segments: ['VIP', 'Churn risk'], stats: { ltv: 1200 } } },
	{ json: { email: 'bob@example.com', first: 'Bob', last: 'Ray', segments: 'VIP', stats: { ltv: 80 } } },
	{ json: { email: 'not-an-email', first: 'Cy', segments: 'VIP' } },
	{ json: { email: 'dee@example.com', first: 'Dee', segments: 'Churn risk', stats: { ltv: 'lots' } } },
];

describe('execute: input items', () => {
	it('exports profiles with names, attributes and segment tags; Summary and Rejected outputs', async () => {
		const { outputs, summary, rejected } = await runNode({
			items: profiles,
			credentials: credentials(),
			params: {
				audience: audience(listId),
				firstNameField: 'first',
				lastNameField: 'last',
				attributes: { attribute: [{ mergeField: 'LTV', sourceField: 'stats.ltv' }] },
			},
		});

		expect(outputs).toHaveLength(2);
		expect(summary).toHaveLength(1);
		expect(summary[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(summary[0].json).toMatchObject({ profilesIn: 4, exported: 2, created: 2, rejected: 2, dryRun: false });

		const ann = sim.state.member(listId, 'ann@example.com');
		expect(ann).toMatchObject({ status: 'subscribed', merge_fields: { FNAME: 'Ann', LNAME: 'Lee', LTV: 1200 } });
		expect(ann?.tags.sort()).toEqual(['Churn risk', 'VIP']);
		expect(sim.state.tagMembers(listId, 'VIP').sort()).toEqual(['ann@example.com', 'bob@example.com']);

		expect(rejected.map((item) => item.pairedItem)).toEqual([{ item: 2 }, { item: 3 }]);
		expect(rejected[0].json).toMatchObject({ email: 'not-an-email', code: 'INVALID_EMAIL', field: 'email', index: 2 });
		expect(rejected[1].json).toMatchObject({ email: 'dee@example.com', code: 'INVALID_VALUE', field: 'LTV', index: 3 });
		for (const item of rejected) {
			expect(Object.keys(item.json).sort()).toEqual(['code', 'email', 'field', 'index', 'reason']);
			expect(typeof item.json.reason).toBe('string');
		}
	});

	it('reads nested field paths and leaves names out when their fields are empty', async () => {
		const { summary } = await runNode({
			items: [{ json: { contact: { email: 'eve@example.com', city: 'Oslo' }, segments: 'VIP' } }],
			credentials: credentials(),
			params: {
				audience: audience(listId),
				emailField: 'contact.email',
				attributes: { attribute: [{ mergeField: 'CITY', sourceField: 'contact.city' }] },
			},
		});
		expect(summary[0].json).toMatchObject({ exported: 1 });
		const eve = sim.state.member(listId, 'eve@example.com');
		expect(eve?.merge_fields).toMatchObject({ CITY: 'Oslo' });
		expect(eve?.merge_fields.FNAME ?? '').toBe('');
	});

	it('fixed segment: the whole input is one segment', async () => {
		const { summary } = await runNode({
			items: [{ json: { email: 'a@example.com' } }, { json: { email: 'b@example.com' } }],
			credentials: credentials(),
			params: { audience: audience(listId), segmentSource: 'fixed', segmentName: 'Newsletter 2026' },
		});
		expect(summary[0].json).toMatchObject({ exported: 2 });
		expect(sim.state.tagMembers(listId, 'Newsletter 2026').sort()).toEqual(['a@example.com', 'b@example.com']);
	});

	it('custom segment field, and only the selected segments are exported', async () => {
		const { summary } = await runNode({
			items: [
				{ json: { mail: 'a@example.com', groups: ['Gold', 'Silver'] } },
				{ json: { mail: 'b@example.com', groups: 'Bronze' } },
			],
			credentials: credentials(),
			params: { audience: audience(listId), emailField: 'mail', segmentField: 'groups', segments: ' Gold , Bronze,, ' },
		});
		expect(summary[0].json).toMatchObject({ exported: 2 });
		expect(sim.state.tagMembers(listId, 'Gold')).toEqual(['a@example.com']);
		expect(sim.state.tagMembers(listId, 'Bronze')).toEqual(['b@example.com']);
		expect(sim.state.tagMembers(listId, 'Silver')).toEqual([]);
	});

	it('segments picked from the audience\'s tags and new names typed in are exported together', async () => {
		const { summary } = await runNode({
			items: [
				{ json: { email: 'a@example.com', segments: ['Gold', 'Silver'] } },
				{ json: { email: 'b@example.com', segments: 'Bronze' } },
				{ json: { email: 'c@example.com', segments: 'Tin' } },
			],
			credentials: credentials(),
			params: { audience: audience(listId), segmentTags: ['Gold'], segments: 'Bronze' },
		});
		expect(summary[0].json).toMatchObject({ exported: 2, skipped: { notInSelectedSegments: 1 } });
		expect(sim.state.tagMembers(listId, 'Gold')).toEqual(['a@example.com']);
		expect(sim.state.tagMembers(listId, 'Bronze')).toEqual(['b@example.com']);
		expect(sim.state.tagMembers(listId, 'Silver')).toEqual([]);
	});

	it('statusIfNew and consentField', async () => {
		const { summary } = await runNode({
			items: [
				{ json: { email: 'yes@example.com', segments: 'VIP', optIn: true } },
				{ json: { email: 'no@example.com', segments: 'VIP', optIn: false } },
			],
			credentials: credentials(),
			params: { audience: audience(listId), options: { statusIfNew: 'transactional', consentField: 'optIn' } },
		});
		expect(summary[0].json).toMatchObject({ exported: 1, skipped: { noConsent: 1 } });
		expect(sim.state.member(listId, 'yes@example.com')?.status).toBe('transactional');
		expect(sim.state.member(listId, 'no@example.com')).toBeUndefined();
	});

	it('statusIfNew pending and audienceDefault on a double opt-in audience', async () => {
		const doubleOptIn = sim.state.addList({ name: 'Double', doubleOptin: true });
		await runNode({
			items: [{ json: { email: 'p@example.com', segments: 'A' } }],
			credentials: credentials(),
			params: { audience: audience(listId), options: { statusIfNew: 'pending' } },
		});
		expect(sim.state.member(listId, 'p@example.com')?.status).toBe('pending');
		await runNode({
			items: [{ json: { email: 'd@example.com', segments: 'A' } }],
			credentials: credentials(),
			params: { audience: audience(doubleOptIn), options: { statusIfNew: 'audienceDefault' } },
		});
		expect(sim.state.member(doubleOptIn, 'd@example.com')?.status).toBe('pending');
	});

	it('removeMembersWhoLeft takes the tag off members no longer in the segment', async () => {
		sim.state.addMember(listId, { email: 'old@example.com', tags: ['VIP'] });
		const items = [{ json: { email: 'new@example.com', segments: 'VIP' } }];
		await runNode({ items, credentials: credentials(), params: { audience: audience(listId) } });
		expect(sim.state.tagMembers(listId, 'VIP').sort()).toEqual(['new@example.com', 'old@example.com']);

		const { summary } = await runNode({
			items,
			credentials: credentials(),
			params: { audience: audience(listId), options: { removeMembersWhoLeft: true } },
		});
		expect(sim.state.tagMembers(listId, 'VIP')).toEqual(['new@example.com']);
		expect((summary[0].json.segments as Array<{ removed: number }>)[0]).toMatchObject({ name: 'VIP', removed: 1 });
	});

	it('dryRun writes nothing', async () => {
		const { summary } = await runNode({
			items: profiles.slice(0, 2),
			credentials: credentials(),
			params: { audience: audience(listId), options: { dryRun: true } },
		});
		expect(summary[0].json).toMatchObject({ dryRun: true, profilesIn: 2 });
		expect(sim.state.member(listId, 'ann@example.com')).toBeUndefined();
		expect(sim.state.requestLog.every((entry) => entry.method === 'GET')).toBe(true);
	});

	it('reads the credential once per execution, however many requests it sends', async () => {
		const context = createExecuteContext({ items: profiles, credentials: credentials(), params: { audience: audience(listId) } });
		const read = jest.spyOn(context, 'getCredentials');
		await new MailchimpSegmentExport().execute.call(context);
		expect(sim.state.requestLog.length).toBeGreaterThan(3);
		expect(read).toHaveBeenCalledTimes(1);
	});

	it('says in the output pane when rows were rejected, and for a dry run', async () => {
		const rejectedRun = await runNode({ items: profiles, credentials: credentials(), params: { audience: audience(listId) } });
		expect(rejectedRun.context.hints).toEqual([
			expect.objectContaining({ type: 'warning', message: expect.stringMatching(/^3 of 4 profiles exported; 1 row was rejected: see the Rejected output/) }),
		]);

		const clean = await runNode({ items: profiles.slice(0, 2), credentials: credentials(), params: { audience: audience(listId) } });
		expect(clean.context.hints).toEqual([]);

		const dry = await runNode({
			items: profiles.slice(0, 2),
			credentials: credentials(),
			params: { audience: audience(listId), options: { dryRun: true } },
		});
		expect(dry.context.logs).toEqual([
			{ level: 'info', message: expect.stringMatching(/^Mailchimp Segment Export "Mailchimp Segment Export" dry run finished: 2 of 2 profiles exported, 0 rejected, in \d+ s$/), meta: { node: 'Mailchimp Segment Export' } },
		]);
		expect(dry.context.hints).toEqual([
			expect.objectContaining({ message: expect.stringMatching(/^Dry run: nothing was written\. 2 of 2 profiles would be exported\. .*The Summary's "checks" lists/) }),
		]);
	});

	it('maxConcurrency 1 keeps one request in flight', async () => {
		const items = Array.from({ length: 1200 }, (_, i) => ({ json: { email: `p${i}@example.com`, segments: 'Big' } }));
		sim.state.maxInFlightSeen = 0;
		const { summary } = await runNode({
			items,
			credentials: credentials(),
			params: { audience: audience(listId), options: { maxConcurrency: 1 } },
		});
		expect(summary[0].json).toMatchObject({ exported: 1200 });
		expect(sim.state.maxInFlightSeen).toBe(1);
		expect(sim.state.tagMembers(listId, 'Big')).toHaveLength(1200);
	});

	it('audience picked from the list mode works the same', async () => {
		const { summary } = await runNode({
			items: [{ json: { email: 'l@example.com', segments: 'VIP' } }],
			credentials: credentials(),
			params: { audience: audience(listId, 'list', 'Customers') },
		});
		expect(summary[0].json).toMatchObject({ exported: 1 });
	});
});

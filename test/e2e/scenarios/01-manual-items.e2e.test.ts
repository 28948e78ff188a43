/**
 * Scenario 1: Manual -> Code (good, invalid, duplicate, unconsented and out-of-segment profiles)
 * -> export with API key credentials. Asserts the summary counts, the tags in the simulator's
 * audience and the Rejected items, and that nothing n8n saved holds the API key.
 */
import { openGroup, exportOutputs, countsAddUp, expectOk, assertNoSecretsSaved, timed, type Group } from '../harness/scenario';
import { apiKeyCredential, chain, codeReturning, exportNode, manualTrigger } from '../harness/workflows';

describe('scenario 1: Manual -> Code -> export (API key)', () => {
	let g: Group;
	beforeAll(async () => {
		g = await openGroup();
	});
	afterAll(async () => {
		await g?.dispose();
	});

	it('exports the good profiles, tags them, and reports every other row', async () => {
		const listId = g.sim.state.addList({ name: 'Customers', mergeFields: [{ tag: 'PLAN', type: 'text' }] });
		// Already in the audience: updated, not created.
		g.sim.state.addMember(listId, { email: 'bea@example.com', status: 'subscribed', mergeFields: { FNAME: 'Old' } });

		const profiles = [
			{ email: 'ada@example.com', first: 'Ada', last: 'Lovelace', plan: 'Pro', segments: ['VIP'], consent: true },
			{ email: 'bea@example.com', first: 'Bea', last: 'Baker', plan: 'Free', segments: ['VIP', 'Churn risk'], consent: true },
			{ email: 'Cal@Example.com', first: 'Cal', last: 'Cole', plan: 'Pro', segments: 'Churn risk', consent: true },
			{ email: 'not-an-email', first: 'Bad', last: 'Row', plan: 'Pro', segments: ['VIP'], consent: true },
			{ email: 'ada@example.com', first: 'Ada', last: 'Again', plan: 'Pro', segments: ['VIP'], consent: true },
			{ email: 'dan@example.com', first: 'Dan', last: 'Doe', plan: 'Pro', segments: ['VIP'], consent: false },
			{ email: 'eve@example.com', first: 'Eve', last: 'Eden', plan: 'Pro', segments: ['Newsletter only'], consent: true },
		];
		const cred = apiKeyCredential(g.sim.apiKey, g.sim.url);
		const wf = chain('e2e 1: manual items', [
			manualTrigger(),
			codeReturning(profiles),
			exportNode(cred, {
				listId,
				inputSource: 'items',
				emailField: 'email',
				firstNameField: 'first',
				lastNameField: 'last',
				attributes: { attribute: [{ mergeField: 'PLAN', sourceField: 'plan' }] },
				segmentSource: 'field',
				segmentField: 'segments',
				segments: 'VIP, Churn risk',
				options: { consentField: 'consent' },
			}),
		]);
		await g.home.importCredentials([cred]);
		await g.home.importWorkflows([wf]);
		const r = await timed('scenario 1 execute', () => g.home.execute(wf.id));
		expectOk(r);

		const { summary, rejected } = exportOutputs(r.run);
		expect(summary).toMatchObject({
			profilesIn: 7,
			exported: 3,
			created: 2,
			updated: 1,
			rejected: 1,
			skipped: { noConsent: 1, notInSelectedSegments: 1, duplicate: 1 },
			dryRun: false,
			partial: false,
		});
		expect(countsAddUp(summary)).toBe(true);
		expect(summary.apiCalls).toBeGreaterThan(0);
		const seg = Object.fromEntries(summary.segments.map((s) => [s.name, s]));
		expect(seg['VIP']).toMatchObject({ added: 2, removed: 0 });
		expect(seg['Churn risk']).toMatchObject({ added: 2, removed: 0 });
		expect(typeof seg['VIP'].tagId).toBe('number');

		expect(rejected).toHaveLength(1);
		expect(rejected[0]).toMatchObject({ email: 'not-an-email', index: 3 });
		expect(rejected[0].reason).toEqual(expect.any(String));
		expect(rejected[0].code).toEqual(expect.any(String));

		// The audience as Mailchimp would hold it.
		const st = g.sim.state;
		expect(st.tagMembers(listId, 'VIP').sort()).toEqual(['ada@example.com', 'bea@example.com']);
		expect(st.tagMembers(listId, 'Churn risk').sort()).toEqual(['bea@example.com', 'cal@example.com']);
		// The last valid occurrence of an email wins: the duplicate row's last name.
		expect(st.member(listId, 'ada@example.com')).toMatchObject({ status: 'subscribed', merge_fields: expect.objectContaining({ FNAME: 'Ada', LNAME: 'Again', PLAN: 'Pro' }) });
		expect(st.member(listId, 'bea@example.com')?.merge_fields).toMatchObject({ FNAME: 'Bea', PLAN: 'Free' });
		for (const absent of ['dan@example.com', 'eve@example.com', 'not-an-email']) expect(st.member(listId, absent)).toBeUndefined();

		assertNoSecretsSaved(g, [r.stdout, r.stderr]);
	});
});

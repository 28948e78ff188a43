/**
 * Scenario 7: an export of 3,000 profiles meets a 429 storm, 5xx answers and connections dropped
 * after Mailchimp processed the request, through the real n8n with the node's own retry waits
 * (n8n-workflow's sleep helper of the line under test, default delays). The audience ends
 * exactly as expected, nothing is rejected or lost, and the Summary counts every retry.
 */
import { openGroup, exportOutputs, countsAddUp, expectOk, assertNoSecretsSaved, timed, type Group } from '../harness/scenario';
import { apiKeyCredential, chain, exportNode, manualTrigger } from '../harness/workflows';

const PROFILES = 3_000;
const ALREADY_MEMBERS = 100;

/** A Code node that makes the profiles (3,000 rows inline would make a large workflow JSON). */
const generatedProfiles = {
	name: 'Profiles',
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	parameters: {
		jsCode: `return Array.from({ length: ${PROFILES} }, (_, i) => ({ json: {
	email: 'user' + i + '@example.com',
	first: 'F' + i,
	plan: i % 3 === 0 ? 'Pro' : 'Free',
	segments: i % 2 === 0 ? ['VIP', 'All'] : ['All'],
} }));`,
	},
};

describe('scenario 7: 429 storm, 5xx and dropped connections during an export', () => {
	let g: Group;
	beforeAll(async () => {
		// Seeded: the n-th API request gets the same fault on every run. The storm answers 429 to
		// requests 7 to 10 (fewer than the node's 6 tries, even for a request retried through all
		// of it); then 1 in 10 requests gets a 5xx and 1 in 16 is processed, then its connection
		// dropped, the first at request 12 (seed 8: never more than two faults in a row).
		g = await openGroup({
			simulator: { seed: 8, faults: { storm: { startAfterRequests: 6, count: 4 }, errorRate: 0.1, errorStatuses: [500, 502, 503], resetRate: 0.06 } },
		});
	});
	afterAll(async () => {
		await g?.dispose();
	});

	it('retries through every fault: exact audience, no row rejected, every retry counted', async () => {
		const st = g.sim.state;
		const listId = st.addList({ name: 'Customers', mergeFields: [{ tag: 'PLAN', type: 'text' }] });
		for (let i = 0; i < ALREADY_MEMBERS; i++) st.addMember(listId, { email: `user${i}@example.com`, status: 'subscribed', mergeFields: { FNAME: 'Old' } });

		const cred = apiKeyCredential(g.sim.apiKey, g.sim.url);
		const wf = chain('e2e 7: faults', [
			manualTrigger(),
			generatedProfiles,
			exportNode(cred, {
				listId,
				inputSource: 'items',
				emailField: 'email',
				firstNameField: 'first',
				attributes: { attribute: [{ mergeField: 'PLAN', sourceField: 'plan' }] },
				segmentSource: 'field',
				segmentField: 'segments',
				segments: 'VIP, All',
			}),
		]);
		await g.home.importCredentials([cred]);
		await g.home.importWorkflows([wf]);
		const logBefore = st.requestLog.length;
		const r = await timed('scenario 7 execute', () => g.home.execute(wf.id, { timeoutMs: 8 * 60_000 }));
		expectOk(r);
		// The log entry of a dropped connection is written when the socket closes.
		await new Promise((resolve) => setTimeout(resolve, 300));

		const { summary, rejected } = exportOutputs(r.run);
		expect(summary).toMatchObject({ profilesIn: PROFILES, exported: PROFILES, rejected: 0, partial: false });
		expect(countsAddUp(summary)).toBe(true);
		expect(rejected).toEqual([]);
		const tries = st.requestLog.slice(logBefore).filter((e) => e.path.startsWith('/3.0'));
		// A batch whose answer was lost (dropped after Mailchimp processed it) comes back as
		// "updated" when it is sent again: created/updated are exact only up to those members.
		const lostUpsertMembers = tries
			.filter((e) => e.status === 0 && e.method === 'POST' && e.path === `/3.0/lists/${listId}`)
			.reduce((sum, e) => sum + (e.members ?? 0), 0);
		expect(summary.updated).toBeGreaterThanOrEqual(ALREADY_MEMBERS);
		expect(summary.updated - ALREADY_MEMBERS).toBeLessThanOrEqual(lostUpsertMembers);

		// Every kind of fault happened, and each failed try was retried once and counted.
		const { faults, throttled } = st.counters;
		expect(faults.storm).toBe(4);
		expect(faults.errors).toBeGreaterThan(0);
		expect(faults.resets).toBeGreaterThan(0);
		const failedTries = tries.filter((e) => e.status < 200 || e.status >= 300).length;
		expect(summary.apiCalls).toBe(tries.length);
		expect(summary.retries).toBe(failedTries);
		expect(summary.retries).toBe(faults.storm + faults.errors + faults.resets + throttled);

		// The audience as Mailchimp would hold it: every profile once, with its tags and fields.
		expect(st.list(listId)!.members.size).toBe(PROFILES);
		expect(st.tagMembers(listId, 'All')).toHaveLength(PROFILES);
		const vip = st.tagMembers(listId, 'VIP');
		expect(vip).toHaveLength(PROFILES / 2);
		expect(vip.every((email) => Number(/^user(\d+)@/.exec(email)![1]) % 2 === 0)).toBe(true);
		for (const i of [0, 1, ALREADY_MEMBERS - 1, ALREADY_MEMBERS, 1_501, PROFILES - 1]) {
			expect(st.member(listId, `user${i}@example.com`)).toMatchObject({
				status: 'subscribed',
				merge_fields: expect.objectContaining({ FNAME: `F${i}`, PLAN: i % 3 === 0 ? 'Pro' : 'Free' }),
			});
		}
		assertNoSecretsSaved(g, [r.stdout, r.stderr]);
	});
});

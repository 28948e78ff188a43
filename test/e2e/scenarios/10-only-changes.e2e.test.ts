/**
 * Scenario 10: the daily re-export with "Only Send Changes". Exports 1,200 profiles, then the same
 * profiles again with the option: the node reads the audience (2 pages), writes nothing, and the
 * Summary counts them unchanged and says the audience was read; then one profile changes in the
 * input and one tag is removed in Mailchimp: one upsert and one tag call put them back.
 */
import { openGroup, exportOutputs, countsAddUp, expectOk, assertNoSecretsSaved, timed, type Group } from '../harness/scenario';
import { apiKeyCredential, chain, codeReturning, exportNode, manualTrigger } from '../harness/workflows';

describe('scenario 10: re-export with Only Send Changes', () => {
	let g: Group;
	beforeAll(async () => {
		g = await openGroup();
	});
	afterAll(async () => {
		await g?.dispose();
	});

	it('an unchanged re-export makes no writes; a change is sent alone', async () => {
		const listId = g.sim.state.addList({ name: 'Customers', mergeFields: [{ tag: 'LTV', type: 'number' }] });
		const profiles = Array.from({ length: 1200 }, (_, i) => ({ email: `user${i}@example.com`, first: `F${i}`, ltv: i, segment: i % 2 === 0 ? 'VIP' : 'Regular' }));
		const cred = apiKeyCredential(g.sim.apiKey, g.sim.url);
		const workflow = (name: string, data: unknown[], onlySendChanges: boolean) =>
			chain(name, [
				manualTrigger(),
				codeReturning(data),
				exportNode(cred, {
					listId,
					inputSource: 'items',
					emailField: 'email',
					firstNameField: 'first',
					attributes: { attribute: [{ mergeField: 'LTV', sourceField: 'ltv' }] },
					segmentSource: 'field',
					segmentField: 'segment',
					options: { onlySendChanges },
				}),
			]);
		const first = workflow('e2e 10: first export', profiles, false);
		const again = workflow('e2e 10: re-export', profiles, true);
		const changed = profiles.map((p, i) => (i === 7 ? { ...p, ltv: 9999 } : p));
		const third = workflow('e2e 10: one change', changed, true);
		await g.home.importCredentials([cred]);
		await g.home.importWorkflows([first, again, third]);

		const r1 = await timed('scenario 10 first export', () => g.home.execute(first.id));
		expectOk(r1);
		expect(exportOutputs(r1.run).summary).toMatchObject({ exported: 1200, created: 1200, unchanged: 0 });

		g.sim.state.requestLog = [];
		const r2 = await timed('scenario 10 re-export', () => g.home.execute(again.id));
		expectOk(r2);
		const { summary, rejected } = exportOutputs(r2.run);
		expect(rejected).toEqual([]);
		expect(summary).toMatchObject({ profilesIn: 1200, exported: 1200, created: 0, updated: 0, unchanged: 1200, rejected: 0, partial: false });
		expect(summary.onlySendChanges).toMatchObject({ path: 'compared', audienceContacts: 1200, readCalls: 2 });
		expect(summary.onlySendChanges?.reason).toMatch(/only changes were sent/);
		expect(summary.segments.map((s) => [s.name, s.added, s.alreadyTagged])).toEqual([
			['VIP', 0, 600],
			['Regular', 0, 600],
		]);
		expect(countsAddUp(summary)).toBe(true);
		const log = g.sim.state.requestLog;
		expect(log.filter((e) => e.method !== 'GET')).toEqual([]);
		expect(log.filter((e) => /\/members$/.test(e.path))).toHaveLength(2);

		const list = g.sim.state.list(listId)!;
		const [hash] = [...list.members.entries()].find(([, m]) => m.email === 'user3@example.com')!;
		list.segmentByName('Regular')!.remove(hash);
		g.sim.state.requestLog = [];
		const r3 = await timed('scenario 10 one change', () => g.home.execute(third.id));
		expectOk(r3);
		expect(exportOutputs(r3.run).summary).toMatchObject({ exported: 1200, updated: 1, unchanged: 1199 });
		const writes = g.sim.state.requestLog.filter((e) => e.method !== 'GET').map((e) => e.members);
		expect(writes.sort()).toEqual([1, 1]);
		expect(g.sim.state.member(listId, 'user7@example.com')?.merge_fields.LTV).toBe(9999);
		expect(g.sim.state.member(listId, 'user3@example.com')?.tags).toEqual(['Regular']);

		assertNoSecretsSaved(g, [r1.stdout, r2.stdout, r3.stdout, r1.stderr, r2.stderr, r3.stderr]);
	});
});

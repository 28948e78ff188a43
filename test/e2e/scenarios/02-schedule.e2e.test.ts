/**
 * Scenario 2: Schedule Trigger -> HTTP Request (the "CRM") -> export, running on n8n's own
 * scheduler (`n8n start`, workflow activated first). The CRM answers the first run with three
 * VIPs and later runs with two: the second run updates the members instead of duplicating them,
 * and with "remove members who left" the profile that left loses the tag. Executions are read
 * through n8n's public API.
 */
import { openGroup, serveJson, waitFor, exportOutputs, countsAddUp, assertNoSecretsSaved, timed, type Group } from '../harness/scenario';
import { apiKeyCredential, chain, exportNode, scheduleEverySeconds } from '../harness/workflows';

const FIRST = [
	{ email: 'ada@example.com', first: 'Ada', segments: ['VIP'] },
	{ email: 'bea@example.com', first: 'Bea', segments: ['VIP'] },
	{ email: 'cal@example.com', first: 'Cal', segments: ['VIP'] },
];
const LATER = [
	{ email: 'ada@example.com', first: 'Ada-2', segments: ['VIP'] },
	{ email: 'bea@example.com', first: 'Bea-2', segments: ['VIP'] },
];

describe('scenario 2: Schedule Trigger on n8n\'s scheduler', () => {
	let g: Group;
	let crm: Awaited<ReturnType<typeof serveJson>>;
	beforeAll(async () => {
		g = await openGroup();
		let calls = 0;
		crm = await serveJson(() => (++calls === 1 ? FIRST : LATER));
	});
	afterAll(async () => {
		await crm?.close();
		await g?.dispose();
	});

	it('runs at least twice: updates on the second run and removes the tag from who left', async () => {
		const listId = g.sim.state.addList({ name: 'Scheduled' });
		const cred = apiKeyCredential(g.sim.apiKey, g.sim.url);
		const wf = chain('e2e 2: schedule', [
			scheduleEverySeconds(10),
			{ name: 'CRM', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, parameters: { url: crm.url, options: {} } },
			exportNode(cred, {
				listId,
				firstNameField: 'first',
				segmentSource: 'field',
				segmentField: 'segments',
				options: { removeMembersWhoLeft: true },
			}),
		]);
		await g.home.importCredentials([cred]);
		await g.home.importWorkflows([wf]);
		await g.home.activate(wf.id);

		const server = await timed('scenario 2 n8n start', () => g.home.start());
		await server.setupOwner();
		await server.createApiKey();
		const done = await timed('scenario 2 two scheduled runs', () =>
			waitFor(
				'two finished scheduled executions',
				async () => {
					const execs = (await server.executions(wf.id)).filter((e: any) => e.finished || e.status === 'success' || e.status === 'error');
					return execs.length >= 2 ? execs : undefined;
				},
				120_000,
				2000,
			),
		);
		await server.stop();

		const [first, second] = done.sort((a: any, b: any) => Number(a.id) - Number(b.id));
		for (const e of [first, second]) {
			expect(e.mode).toBe('trigger');
			expect(e.status).toBe('success');
		}
		const s1 = exportOutputs(first).summary;
		const s2 = exportOutputs(second).summary;
		expect(s1).toMatchObject({ profilesIn: 3, exported: 3, created: 3, updated: 0, rejected: 0 });
		expect(s2).toMatchObject({ profilesIn: 2, exported: 2, created: 0, updated: 2, rejected: 0 });
		expect(countsAddUp(s1) && countsAddUp(s2)).toBe(true);
		expect(s1.segments).toEqual([expect.objectContaining({ name: 'VIP', added: 3, removed: 0 })]);
		expect(s2.segments).toEqual([expect.objectContaining({ name: 'VIP', removed: 1 })]);

		// Final audience: three members (no duplicates), cal no longer tagged, names updated.
		const list = g.sim.state.list(listId)!;
		expect(list).toBeDefined();
		expect(['ada@example.com', 'bea@example.com', 'cal@example.com'].map((e) => g.sim.state.member(listId, e)?.status)).toEqual([
			'subscribed',
			'subscribed',
			'subscribed',
		]);
		expect(g.sim.state.tagMembers(listId, 'VIP').sort()).toEqual(['ada@example.com', 'bea@example.com']);
		expect(g.sim.state.member(listId, 'ada@example.com')?.merge_fields).toMatchObject({ FNAME: 'Ada-2' });
		expect(crm.hits).toBeGreaterThanOrEqual(2);

		assertNoSecretsSaved(g, [server.log()]);
	});
});

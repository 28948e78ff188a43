/**
 * Scenario 6: the execution fails with the right message, and the simulator saw no write, when
 * the API key is wrong, when the credential's consent box is not ticked, and when the audience
 * does not exist.
 */
import { openGroup, writes, assertNoSecretsSaved, timed, type Group } from '../harness/scenario';
import { apiKeyCredential, chain, codeReturning, exportNode, manualTrigger } from '../harness/workflows';
import type { CredentialJson, WorkflowJson } from '../harness/n8n';

describe('scenario 6: failures stop the execution before any write', () => {
	let g: Group;
	let listId: string;
	const profiles = [
		{ email: 'ada@example.com', segments: ['VIP'] },
		{ email: 'bea@example.com', segments: ['VIP'] },
	];
	const workflow = (name: string, cred: CredentialJson, list: string): WorkflowJson =>
		chain(name, [manualTrigger(), codeReturning(profiles), exportNode(cred, { listId: list, segmentSource: 'field', segmentField: 'segments' })]);

	beforeAll(async () => {
		g = await openGroup();
		listId = g.sim.state.addList({ name: 'Customers' });
	});
	afterAll(async () => {
		await g?.dispose();
	});

	const cases: Array<{ title: string; make: () => { cred: CredentialJson; list: string }; message: RegExp }> = [
		{
			title: 'a wrong API key',
			make: () => ({ cred: apiKeyCredential(`${'0'.repeat(32)}-us1`, g.sim.url, { name: 'Wrong key' }), list: listId }),
			message: /api key/i,
		},
		{
			title: 'consent not ticked',
			make: () => ({ cred: apiKeyCredential(g.sim.apiKey, g.sim.url, { consent: false, name: 'No consent' }), list: listId }),
			message: /consent/i,
		},
		{
			title: 'an unknown audience',
			make: () => ({ cred: apiKeyCredential(g.sim.apiKey, g.sim.url, { name: 'Good key' }), list: 'doesnotexist' }),
			message: /audience|not found|doesnotexist/i,
		},
	];
	const prepared = new Map<string, WorkflowJson>();

	// One import of every credential and workflow (each n8n CLI command boots n8n: ~10 s).
	beforeAll(async () => {
		const made = cases.map((c) => ({ c, ...c.make() }));
		for (const m of made) prepared.set(m.c.title, workflow(`e2e 6: ${m.c.title}`, m.cred, m.list));
		await g.home.importCredentials(made.map((m) => m.cred));
		await g.home.importWorkflows([...prepared.values()]);
	});

	for (const c of cases) {
		it(`fails with ${c.title}`, async () => {
			const wf = prepared.get(c.title)!;
			const before = g.sim.state.requestLog.length;
			const r = await timed(`scenario 6 (${c.title}) execute`, () => g.home.execute(wf.id));
			expect(r.ok).toBe(false);
			expect(r.code).not.toBe(0);
			expect(r.errorMessage).toMatch(c.message);
			expect(r.run?.data?.resultData?.lastNodeExecuted).toBe('Export to Mailchimp');
			expect(writes(g.sim, before)).toEqual([]);
			expect(g.sim.state.member(listId, 'ada@example.com')).toBeUndefined();
			assertNoSecretsSaved(g, [r.stdout, r.stderr, r.errorMessage ?? '']);
		});
	}
});

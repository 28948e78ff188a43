/**
 * Scenario 4: OAuth2 credentials. The token is imported with the credential (as after "Connect
 * my account"); the node looks the API root up at the simulator's /oauth2/metadata and sends
 * the token through n8n's OAuth2 helper. Nothing n8n saved holds the token.
 */
import { openGroup, exportOutputs, countsAddUp, expectOk, assertNoSecretsSaved, timed, type Group } from '../harness/scenario';
import { chain, codeReturning, exportNode, manualTrigger, oauthCredential } from '../harness/workflows';

const TOKEN = `e2e-oauth-token-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;

describe('scenario 4: OAuth2 credentials', () => {
	let g: Group;
	beforeAll(async () => {
		g = await openGroup({ oauthToken: TOKEN });
	});
	afterAll(async () => {
		await g?.dispose();
	});

	it('exports with the imported token after the metadata lookup', async () => {
		const listId = g.sim.state.addList({ name: 'OAuth customers' });
		const cred = oauthCredential(TOKEN, g.sim.url);
		const profiles = [
			{ email: 'ada@example.com', name: 'Ada' },
			{ email: 'bea@example.com', name: 'Bea' },
		];
		const wf = chain('e2e 4: oauth2', [
			manualTrigger(),
			codeReturning(profiles),
			exportNode(cred, { listId, authentication: 'oAuth2', firstNameField: 'name', segmentSource: 'fixed', segmentName: 'OAuth segment' }),
		]);
		await g.home.importCredentials([cred]);
		await g.home.importWorkflows([wf]);
		const r = await timed('scenario 4 execute', () => g.home.execute(wf.id));
		expectOk(r);
		const { summary, rejected } = exportOutputs(r.run);
		expect(summary).toMatchObject({ profilesIn: 2, exported: 2, created: 2, updated: 0, rejected: 0 });
		expect(countsAddUp(summary)).toBe(true);
		expect(rejected).toEqual([]);
		expect(g.sim.state.tagMembers(listId, 'OAuth segment').sort()).toEqual(['ada@example.com', 'bea@example.com']);
		expect(g.sim.state.member(listId, 'ada@example.com')?.merge_fields).toMatchObject({ FNAME: 'Ada' });
		// Every API call was accepted with the token (the node reaches the API only after the
		// metadata lookup, which the simulator answers only for this token).
		const api = g.sim.state.requestLog.filter((e) => e.path.startsWith('/3.0'));
		expect(api.length).toBeGreaterThan(0);
		expect(api.every((e) => e.status !== 401)).toBe(true);
		assertNoSecretsSaved(g, [r.stdout, r.stderr]);
	});
});

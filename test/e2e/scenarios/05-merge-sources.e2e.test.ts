/**
 * Scenario 5: profiles from two of n8n's own nodes, an HTTP Request to a local endpoint standing
 * in for a CRM and Extract from File on a CSV read from disk, combined by n8n's Merge node
 * before the export.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openGroup, serveJson, exportOutputs, countsAddUp, expectOk, assertNoSecretsSaved, timed, type Group } from '../harness/scenario';
import { apiKeyCredential, exportNode, manualTrigger } from '../harness/workflows';
import { n8nId, type WorkflowJson } from '../harness/n8n';

describe('scenario 5: CRM (HTTP Request) + CSV (Extract from File) merged by the Merge node', () => {
	let g: Group;
	let crm: Awaited<ReturnType<typeof serveJson>>;
	beforeAll(async () => {
		g = await openGroup();
		crm = await serveJson(() => [
			{ email: 'ada@example.com', firstName: 'Ada', tier: 'VIP' },
			{ email: 'bea@example.com', firstName: 'Bea', tier: 'VIP' },
			{ email: 'shared@example.com', firstName: 'FromCrm', tier: 'VIP' },
		]);
	});
	afterAll(async () => {
		await crm?.close();
		await g?.dispose();
	});

	it('exports the merged profiles, the duplicate across sources once', async () => {
		const listId = g.sim.state.addList({ name: 'Merged' });
		const csv = path.join(g.home.scratch, 'shop.csv');
		fs.writeFileSync(csv, 'email,firstName,tier\ncal@example.com,Cal,Churn risk\nshared@example.com,FromCsv,Churn risk\nbad-email,Bad,Churn risk\n');
		const cred = apiKeyCredential(g.sim.apiKey, g.sim.url);
		const at = (x: number, y: number) => [x, y];
		const exp = exportNode(cred, { listId, firstNameField: 'firstName', segmentSource: 'field', segmentField: 'tier' });
		const wf: WorkflowJson = {
			id: n8nId('wf'),
			name: 'e2e 5: merge sources',
			settings: { executionOrder: 'v1' },
			nodes: [
				{ id: 'a0000000-0000-4000-8000-000000000001', position: at(200, 300), ...manualTrigger() },
				{ id: 'a0000000-0000-4000-8000-000000000002', position: at(420, 200), name: 'CRM', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, parameters: { url: crm.url, options: {} } },
				{ id: 'a0000000-0000-4000-8000-000000000003', position: at(420, 420), name: 'Read CSV', type: 'n8n-nodes-base.readWriteFile', typeVersion: 1, parameters: { operation: 'read', fileSelector: csv, options: {} } },
				{ id: 'a0000000-0000-4000-8000-000000000004', position: at(640, 420), name: 'Extract CSV', type: 'n8n-nodes-base.extractFromFile', typeVersion: 1, parameters: { operation: 'csv', binaryPropertyName: 'data', options: {} } },
				{ id: 'a0000000-0000-4000-8000-000000000005', position: at(860, 300), name: 'Merge', type: 'n8n-nodes-base.merge', typeVersion: 3, parameters: {} },
				{ id: 'a0000000-0000-4000-8000-000000000006', position: at(1080, 300), ...exp },
			],
			connections: {
				Start: { main: [[{ node: 'CRM', type: 'main', index: 0 }, { node: 'Read CSV', type: 'main', index: 0 }]] },
				CRM: { main: [[{ node: 'Merge', type: 'main', index: 0 }]] },
				'Read CSV': { main: [[{ node: 'Extract CSV', type: 'main', index: 0 }]] },
				'Extract CSV': { main: [[{ node: 'Merge', type: 'main', index: 1 }]] },
				Merge: { main: [[{ node: exp.name, type: 'main', index: 0 }]] },
			},
		};
		await g.home.importCredentials([cred]);
		await g.home.importWorkflows([wf]);
		const r = await timed('scenario 5 execute', () => g.home.execute(wf.id));
		expectOk(r);
		expect(crm.hits).toBe(1);
		const { summary, rejected } = exportOutputs(r.run);
		expect(summary).toMatchObject({ profilesIn: 6, exported: 4, created: 4, rejected: 1, skipped: { duplicate: 1, noConsent: 0, notInSelectedSegments: 0 } });
		expect(countsAddUp(summary)).toBe(true);
		expect(rejected).toEqual([expect.objectContaining({ email: 'bad-email', index: 5 })]);
		const st = g.sim.state;
		expect(st.tagMembers(listId, 'VIP').sort()).toEqual(['ada@example.com', 'bea@example.com', 'shared@example.com']);
		// The profile in both sources carries the segments of both rows...
		expect(st.tagMembers(listId, 'Churn risk').sort()).toEqual(['cal@example.com', 'shared@example.com']);
		// ...and the merge fields of the last one (Merge appends the CSV after the CRM).
		expect(st.member(listId, 'shared@example.com')?.merge_fields).toMatchObject({ FNAME: 'FromCsv' });
		assertNoSecretsSaved(g, [r.stdout, r.stderr]);
	});
});

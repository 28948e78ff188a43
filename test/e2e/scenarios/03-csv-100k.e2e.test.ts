/**
 * Scenario 3: a CSV file of 100,000 profiles read from disk by n8n's Read/Write Files from Disk
 * node, exported through the node's binary input. It runs on a started n8n, called by a webhook:
 * after a run this large on a busy machine, n8n 2.41's `n8n execute` sometimes exited before the
 * execution's data was in the database (3 of 6 runs at load 7 to 12), and the secrets check
 * needs that data saved.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { callWebhook, webhookTrigger } from '../harness/queue';
import { openGroup, exportOutputs, countsAddUp, assertNoSecretsSaved, timed, waitFor, type Group } from '../harness/scenario';
import { apiKeyCredential, chain, exportNode } from '../harness/workflows';

const ROWS = 100_000;
/** Every 10,000th row has a broken email: rejected, the rest exported. */
const isBroken = (i: number): boolean => i % 10_000 === 5_000;

describe('scenario 3: a CSV file of 100,000 profiles through the binary input', () => {
	let g: Group;
	beforeAll(async () => {
		g = await openGroup();
	});
	afterAll(async () => {
		await g?.dispose();
	});

	it('exports every valid row and rejects the broken ones', async () => {
		const listId = g.sim.state.addList({ name: 'Big CSV', mergeFields: [{ tag: 'LTV', type: 'number' }] });
		const file = path.join(g.home.scratch, 'profiles.csv');
		const lines = ['email,first_name,last_name,ltv,segments'];
		for (let i = 0; i < ROWS; i++) {
			const email = isBroken(i) ? `broken-${i}-at-example.com` : `user${i}@example.com`;
			lines.push(`${email},First${i},"Last, ${i}",${(i % 997) + 0.5},${i % 2 === 0 ? 'Even' : 'Odd'}`);
		}
		fs.writeFileSync(file, `${lines.join('\n')}\n`);

		const cred = apiKeyCredential(g.sim.apiKey, g.sim.url);
		const wf = chain('e2e 3: csv 100k', [
			webhookTrigger('csv-100k'),
			{ name: 'Read CSV', type: 'n8n-nodes-base.readWriteFile', typeVersion: 1, parameters: { operation: 'read', fileSelector: file, options: {} } },
			exportNode(cred, {
				listId,
				inputSource: 'binary',
				binaryProperty: 'data',
				fileFormat: 'csv',
				emailField: 'email',
				firstNameField: 'first_name',
				lastNameField: 'last_name',
				attributes: { attribute: [{ mergeField: 'LTV', sourceField: 'ltv' }] },
				segmentSource: 'field',
				segmentField: 'segments',
			}),
		]);
		await g.home.importCredentials([cred]);
		await g.home.importWorkflows([wf]);
		await g.home.activate(wf.id);
		const server = await timed('scenario 3 n8n start', () => g.home.start());
		await server.setupOwner();
		await server.createApiKey();
		await callWebhook(server, 'csv-100k');
		const run = await timed('scenario 3 run (100k rows)', () =>
			waitFor(
				'the export to finish',
				async () => (await server.executions(wf.id)).find((e: any) => e.status !== 'running' && e.status !== 'new'),
				8 * 60_000,
				1000,
			),
		);
		await server.stop();
		expect(run.status).toBe('success');
		const { summary, rejected } = exportOutputs(run);
		const broken = Array.from({ length: ROWS }, (_, i) => i).filter(isBroken);
		expect(summary).toMatchObject({ profilesIn: ROWS, exported: ROWS - broken.length, created: ROWS - broken.length, updated: 0, rejected: broken.length, partial: false });
		expect(countsAddUp(summary)).toBe(true);
		expect(rejected.map((x) => x.email).sort()).toEqual(broken.map((i) => `broken-${i}-at-example.com`).sort());
		expect(rejected.map((x) => x.index).sort((a, b) => a - b)).toEqual(broken);

		const st = g.sim.state;
		expect(st.list(listId)!.members.size).toBe(ROWS - broken.length);
		expect(st.tagMembers(listId, 'Even')).toHaveLength(ROWS / 2 - broken.length);
		expect(st.tagMembers(listId, 'Odd')).toHaveLength(ROWS / 2);
		expect(st.member(listId, 'user12345@example.com')?.merge_fields).toMatchObject({ FNAME: 'First12345', LNAME: 'Last, 12345', LTV: (12345 % 997) + 0.5 });
		// 500 members per batch at most.
		const batches = st.requestLog.filter((e) => e.method === 'POST' && /^\/3\.0\/lists\/[^/]+$/.test(e.path));
		expect(batches.length).toBeGreaterThanOrEqual(Math.ceil((ROWS - broken.length) / 500));
		expect(batches.every((b) => (b.members ?? 0) <= 500)).toBe(true);

		assertNoSecretsSaved(g, [server.log()]);
	});
});

/**
 * Scenario 8: the README's manual install, run as written. The shell block of "Installing it in
 * n8n" that installs into `~/.n8n/custom` is read from README.md and run with this n8n home as
 * `~` and the packed tarball as the path; n8n loads the node from its custom extensions folder,
 * and an export that meets two 429s (so the node's retry wait runs) fills the audience. Nothing
 * but the package lands in the custom folder: no second n8n-workflow beside it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { loadContext } from '../harness/context';
import { REPO_ROOT } from '../harness/install';
import { CUSTOM_NODE_TYPE, PACKAGE_NAME } from '../harness/n8n';
import { openGroup, exportOutputs, expectOk, assertNoSecretsSaved, timed, type Group } from '../harness/scenario';
import { apiKeyCredential, chain, codeReturning, exportNode, manualTrigger } from '../harness/workflows';

/** The fenced `sh` block of the README that installs into ~/.n8n/custom. */
function readmeManualInstall(): string {
	const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
	const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].replace(/^ {2}/gm, ''));
	const block = blocks.find((b) => b.includes('~/.n8n/custom'));
	if (block === undefined) throw new Error('README.md has no sh block installing into ~/.n8n/custom');
	return block;
}

describe('scenario 8: the README manual install into ~/.n8n/custom', () => {
	let g: Group;
	beforeAll(async () => {
		g = await openGroup({ communityInstall: false, simulator: { faults: { storm: { startAfterRequests: 2, count: 2 } } } });
	});
	afterAll(async () => {
		await g?.dispose();
	});

	it('installs with the README commands, loads from the custom folder, exports through retries', async () => {
		const script = readmeManualInstall();
		expect(script).toContain('/path/to/n8n-nodes-mailchimp-segments-0.1.0.tgz');
		const r0 = g.home.shell(script.replace(/\/path\/to\/n8n-nodes-mailchimp-segments-[\d.]+\.tgz/g, loadContext().tarball));
		if (r0.code !== 0) throw new Error(`the README install failed (${r0.code}):\n${r0.stdout}\n${r0.stderr}`);
		const custom = path.join(g.home.dataDir, 'custom');
		expect(fs.readdirSync(path.join(custom, 'node_modules')).filter((e) => !e.startsWith('.'))).toEqual([PACKAGE_NAME]);
		// A copy, not a link back to the repository (whose node_modules hold development copies).
		expect(fs.lstatSync(path.join(custom, 'node_modules', PACKAGE_NAME)).isSymbolicLink()).toBe(false);

		const listId = g.sim.state.addList({ name: 'Customers' });
		const cred = apiKeyCredential(g.sim.apiKey, g.sim.url);
		const profiles = Array.from({ length: 20 }, (_, i) => ({ email: `m${i}@example.com`, segments: ['VIP'] }));
		const wf = chain('e2e 8: custom folder', [
			manualTrigger(),
			codeReturning(profiles),
			exportNode(cred, { listId, inputSource: 'items', emailField: 'email', segmentSource: 'field', segmentField: 'segments' }, 'Export to Mailchimp', CUSTOM_NODE_TYPE),
		]);
		await g.home.importCredentials([cred]);
		await g.home.importWorkflows([wf]);
		const r = await timed('scenario 8 execute', () => g.home.execute(wf.id));
		expectOk(r);

		const { summary } = exportOutputs(r.run);
		expect(summary).toMatchObject({ profilesIn: 20, exported: 20, created: 20, rejected: 0, partial: false });
		expect(g.sim.state.counters.faults.storm).toBe(2);
		expect(summary.retries).toBe(2);
		expect(g.sim.state.tagMembers(listId, 'VIP')).toHaveLength(20);
		assertNoSecretsSaved(g, [r.stdout, r.stderr]);
	});
});

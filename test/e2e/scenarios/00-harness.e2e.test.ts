/**
 * The harness itself, with n8n's own nodes only: import, execute and parse a Manual -> Code
 * workflow; start n8n, wait for readiness, set up the owner, read executions through the public
 * API, stop it by its PID. When the package is packed, also check that n8n loaded it.
 */
import { loadContext } from '../harness/context';
import { N8nHome, nodeOutputs } from '../harness/n8n';
import { chain, codeReturning, manualTrigger } from '../harness/workflows';

const ctx = loadContext();

describe('harness: a real n8n', () => {
	let home: N8nHome;
	beforeAll(() => {
		home = new N8nHome({ install: ctx.install });
		if (ctx.tarball) home.installPackage(ctx.tarball);
	});
	afterAll(async () => {
		await home?.dispose();
	});

	it('imports and executes a Manual -> Code workflow and parses the run', async () => {
		const wf = chain('harness: manual code', [manualTrigger(), codeReturning([{ a: 1 }, { a: 2 }])]);
		await home.importWorkflows([wf]);
		const r = await home.execute(wf.id);
		expect(r.errorMessage).toBeUndefined();
		expect(r.ok).toBe(true);
		expect(nodeOutputs(r.run, 'Profiles')[0]).toEqual([{ a: 1 }, { a: 2 }]);
	});

	it('reports a failing execution with its message', async () => {
		const wf = chain('harness: failing code', [manualTrigger(), { ...codeReturning([]), parameters: { jsCode: "throw new Error('boom from code');" } }]);
		await home.importWorkflows([wf]);
		const r = await home.execute(wf.id);
		expect(r.ok).toBe(false);
		expect(r.errorMessage).toContain('boom from code');
	});

	it('starts n8n, reads executions through the public API, stops by PID', async () => {
		const server = await home.start();
		try {
			expect(server.pid).toBeGreaterThan(0);
			await server.setupOwner();
			await server.createApiKey();
			const execs = await server.executions('nonexistent');
			expect(Array.isArray(execs)).toBe(true);
			if (ctx.tarball) {
				const types = await server.rest('GET', '/types/nodes.json');
				expect(types.map((t: any) => t.name)).toContain('n8n-nodes-mailchimp-segments.mailchimpSegmentExport');
			}
		} finally {
			await server.stop();
		}
	});
});

// The headless browser of the screenshot scripts: Debian's chromium, driven by playwright-core
// installed from this folder's package.json + lockfile into a cache folder keyed on them.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheRoot, REPO_ROOT } from '../harness/install';
import { lineFromArgs } from '../harness/lines';
import { NODE_TYPE } from '../harness/n8n';
import { bringUp, step, type Stack } from '../../../scripts/demo-stack';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));

export function playwrightCore(): any {
	const h = createHash('sha256');
	for (const f of ['package.json', 'package-lock.json']) h.update(fs.readFileSync(path.join(__dirname, f)));
	const dir = path.join(cacheRoot(), `playwright-${h.digest('hex').slice(0, 16)}`);
	if (!fs.existsSync(path.join(dir, '.install-ok'))) {
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(__dirname, f), path.join(dir, f));
		const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
		if (r.status !== 0) throw new Error('npm ci of playwright-core failed');
		fs.writeFileSync(path.join(dir, '.install-ok'), new Date().toISOString());
	}
	return require(path.join(dir, 'node_modules', 'playwright-core'));
}

/** What a screenshot script works with: the editor's page on the demo CSV workflow, and the stack. */
export interface Editor {
	page: any;
	stack: Stack;
	server: { url: string };
	workflowId: string;
	/** The export node's name on the canvas. */
	nodeName: string;
	/** Saves a PNG of the page into the output folder. */
	shot(file: string): Promise<void>;
}

/**
 * Brings up the demo stack (`npm start`'s) on the line the arguments name, opens the "Export a
 * CSV file" example in headless chromium, runs `use`, and takes everything down again.
 * `args[0]`, when not a flag, is the output folder (default docs/).
 */
export async function withEditor(args: string[], viewport: { width: number; height: number }, use: (editor: Editor) => Promise<void>): Promise<void> {
	if (!CHROMIUM) throw new Error('no chromium: apt-get install -y chromium');
	const outDir = path.resolve(args[0] !== undefined && !args[0].startsWith('--') ? args[0] : path.join(REPO_ROOT, 'docs'));
	const stack = await bringUp({ line: lineFromArgs(args), simulatorPort: 0 });
	try {
		const { chromium } = playwrightCore();
		const server = await stack.home.start();
		await server.setupOwner();
		const wf = stack.workflows.find((w) => w.nodes.some((n) => n.type === 'n8n-nodes-base.readWriteFile')) ?? stack.workflows[0];
		const nodeName = wf.nodes.find((n) => n.type === NODE_TYPE)!.name;
		const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
		try {
			const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
			const [name, value] = server.cookie!.split('=');
			await context.addCookies([{ name, value, url: server.url }]);
			const page = await context.newPage();
			step(`opening ${server.url}/workflow/${wf.id}`);
			await page.goto(`${server.url}/workflow/${wf.id}`, { waitUntil: 'networkidle', timeout: 120_000 });
			fs.mkdirSync(outDir, { recursive: true });
			const shot = async (file: string): Promise<void> => {
				await page.screenshot({ path: path.join(outDir, file) });
				step(`wrote ${path.join(outDir, file)}`);
			};
			await use({ page, stack, server, workflowId: wf.id, nodeName, shot });
		} finally {
			await browser.close();
		}
	} finally {
		await stack.stop();
		await stack.home.dispose();
	}
}

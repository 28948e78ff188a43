/**
 * Takes the README's screenshots in a real n8n editor, in a real headless browser, from the
 * "Export a CSV file" example as `npm start` imports it:
 *   docs/editor-canvas.png   the workflow on the canvas (the node's subtitle names the audience)
 *   docs/node-in-editor.png  the node's panel
 *   docs/nodes-panel-search.png  the nodes panel searched for "segment"
 *   docs/run-output.png      the panel after running the node: the Summary and the output hint
 *   docs/run-rejected.png    the Rejected output of that run, as JSON
 *   docs/credential-consent-off.png  the demo credential with consent turned off (not saved)
 * Needs Debian's chromium (`apt-get install -y chromium`); playwright-core is installed from
 * this folder's package.json + lockfile into a cache folder keyed on them (no browser download).
 *
 *   npx tsx test/e2e/screenshot/take.ts [out-dir]
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheRoot, REPO_ROOT } from '../harness/install';
import { NODE_TYPE } from '../harness/n8n';
import { bringUp, step } from '../../../scripts/demo-stack';
import { lineFromArgs } from '../harness/lines';

function playwrightCore(): any {
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

const OUT_DIR = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, 'docs'));
const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));

async function main(): Promise<void> {
	if (!CHROMIUM) throw new Error('no chromium: apt-get install -y chromium');
	const stack = await bringUp({ line: lineFromArgs(process.argv.slice(2)), simulatorPort: 0 });
	try {
		const { chromium } = playwrightCore();
		const server = await stack.home.start();
		await server.setupOwner();
		const wf = stack.workflows.find((w) => w.nodes.some((n) => n.type === 'n8n-nodes-base.readWriteFile')) ?? stack.workflows[0];
		const nodeName = wf.nodes.find((n) => n.type === NODE_TYPE)!.name;
		const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
		try {
			const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
			const [name, value] = server.cookie!.split('=');
			await context.addCookies([{ name, value, url: server.url }]);
			const page = await context.newPage();
			step(`opening ${server.url}/workflow/${wf.id}`);
			await page.goto(`${server.url}/workflow/${wf.id}`, { waitUntil: 'networkidle', timeout: 120_000 });
			fs.mkdirSync(OUT_DIR, { recursive: true });
			const shot = async (name: string): Promise<void> => {
				const file = path.join(OUT_DIR, name);
				await page.screenshot({ path: file });
				step(`wrote ${file}`);
			};
			const node = page.locator('[data-test-id="canvas-node"]').filter({ hasText: nodeName }).first();
			await node.waitFor({ timeout: 60_000 });
			await page.waitForTimeout(2000);
			await shot('editor-canvas.png');

			// The nodes panel, searched for a word of the codex aliases.
			await page.locator('[data-test-id="node-creator-plus-button"]').first().click();
			await page.locator('[data-test-id="node-creator-search-bar"] input, [data-test-id="search-bar"] input').first().fill('segment');
			await page.waitForTimeout(2000);
			await shot('nodes-panel-search.png');
			await page.keyboard.press('Escape');
			await page.waitForTimeout(1000);

			await node.dblclick();
			await page.locator('[data-test-id="ndv"], .ndv-wrapper, [data-test-id="node-parameters"]').first().waitFor({ timeout: 60_000 });
			await page.waitForTimeout(2500);
			await shot('node-in-editor.png');
			const docs = await page.locator('a:has-text("Docs")').first().getAttribute('href');
			step(`the panel's Docs link: ${docs}`);

			// Runs the workflow up to this node, as "Execute step" in the panel does.
			await page.locator('[data-test-id="node-execute-button"]').first().click();
			await page
				.locator('[data-test-id="output-panel"] [data-test-id="run-data-pane-header"], [data-test-id="output-panel"] table, [data-test-id="ndv-run-data-display-mode"]')
				.first()
				.waitFor({ timeout: 120_000 });
			await page.waitForTimeout(4000);
			await shot('run-output.png');
			await page.locator('text=Rejected Branch').first().click();
			await page.locator('[data-test-id="output-panel"] >> text=JSON').first().click();
			await page.waitForTimeout(1500);
			await shot('run-rejected.png');

			// The demo credential with its consent toggle turned off (not saved): the form says
			// that exports stay blocked whatever the connection test says.
			await page.goto(`${server.url}/home/credentials/${stack.credential.id}`, { waitUntil: 'networkidle', timeout: 120_000 });
			const dialog = page.locator('[data-test-id="credential-edit-dialog"]');
			await dialog.waitFor({ timeout: 60_000 });
			await dialog.locator('.el-switch').first().click();
			await page.waitForTimeout(1500);
			await shot('credential-consent-off.png');
		} finally {
			await browser.close();
		}
	} finally {
		await stack.stop();
		await stack.home.dispose();
	}
}

main().catch((e: unknown) => {
	process.stderr.write(`screenshot failed: ${(e as Error).stack ?? e}\n`);
	process.exit(1);
});

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
import { step } from '../../../scripts/demo-stack';
import { withEditor } from './browser';

async function main(): Promise<void> {
	await withEditor(process.argv.slice(2), { width: 1440, height: 900 }, async ({ page, stack, server, nodeName, shot }) => {
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
	});
}

main().catch((e: unknown) => {
	process.stderr.write(`screenshot failed: ${(e as Error).stack ?? e}\n`);
	process.exit(1);
});

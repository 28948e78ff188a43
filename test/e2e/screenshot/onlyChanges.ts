/**
 * The "Only Send Changes" option as a user meets it, in a real n8n editor and a real headless
 * browser (see take.ts): on the demo CSV workflow, adds the option from the node's Options,
 * turns it on, runs the node twice and keeps
 *   docs/only-send-changes-option.png  the option in the panel, with its description
 *   docs/only-send-changes-run.png     the second run's Summary: every member unchanged
 *
 *   npx tsx test/e2e/screenshot/onlyChanges.ts [out-dir] [--n8n 1|2]
 */
import { withEditor } from './browser';

async function main(): Promise<void> {
	await withEditor(process.argv.slice(2), { width: 1440, height: 1000 }, async ({ page, nodeName, shot }) => {
		const node = page.locator('[data-test-id="canvas-node"]').filter({ hasText: nodeName }).first();
		await node.waitFor({ timeout: 60_000 });
		await node.dblclick();
		await page.locator('[data-test-id="ndv"], .ndv-wrapper, [data-test-id="node-parameters"]').first().waitFor({ timeout: 60_000 });
		await page.waitForTimeout(2000);

		// Options -> Add Option -> Only Send Changes, then turn it on.
		const params = page.locator('[data-test-id="node-parameters"]').first();
		// The Options collection's "Add Option" select (n8n 1.x: .add-option; 2.x: its test id).
		const addOption = params.locator('.add-option, [data-test-id="collection-parameter-add"]').last();
		await addOption.scrollIntoViewIfNeeded();
		await addOption.click();
		await page.waitForTimeout(1000);
		await page.locator('[data-test-id="collection-parameter-option"]:visible').filter({ hasText: 'Only Send Changes' }).first().click();
		await page.waitForTimeout(1000);
		const option = params.locator('[data-test-id="parameter-item"]').filter({ hasText: 'Only Send Changes' }).first();
		await option.locator('.el-switch').first().click();
		await option.scrollIntoViewIfNeeded();
		// The option's description is a tooltip on the label's info icon, shown on hover.
		await option.hover();
		const info = option.locator('[class*="infoIcon"], [class*="info-icon"], .n8n-info-tip').first();
		if ((await info.count()) > 0) await info.hover();
		await page.waitForTimeout(1500);
		await shot('only-send-changes-option.png');

		// Two runs: the first sends, the second finds every member unchanged.
		for (let run = 1; run <= 2; run++) {
			await page.locator('[data-test-id="node-execute-button"]').first().click();
			await page.waitForTimeout(run === 1 ? 8000 : 1000);
			await page
				.locator('[data-test-id="output-panel"] [data-test-id="run-data-pane-header"], [data-test-id="output-panel"] table')
				.first()
				.waitFor({ timeout: 120_000 });
			await page.waitForTimeout(6000);
		}
		await page.locator('[data-test-id="output-panel"] >> text=JSON').first().click();
		await page.waitForTimeout(1500);
		await shot('only-send-changes-run.png');
	});
}

main().catch((e: unknown) => {
	process.stderr.write(`screenshot failed: ${(e as Error).stack ?? e}\n`);
	process.exit(1);
});

/**
 * `npm run demo`: `npm start` without the editor. Builds and installs the package into a real
 * n8n, starts the simulator with the demo audience, runs the "Export a CSV file of profiles"
 * example headless (`n8n execute`), prints the summary table, and exits 0 when the counts add up.
 * Takes `--n8n 1|2` like `npm start`.
 */
import { NODE_TYPE, nodeOutputs } from '../test/e2e/harness/n8n';
import { lineFromArgs } from '../test/e2e/harness/lines';
import { bringUp, printSummary, say, step, type SummaryLike } from './demo-stack';

async function main(): Promise<number> {
	// Any free ports: the demo can run beside `npm start`.
	const stack = await bringUp({ line: lineFromArgs(process.argv.slice(2)), simulatorPort: 0 });
	try {
		const wf =
			stack.workflows.find((w) => w.nodes.some((n) => n.type === 'n8n-nodes-base.readWriteFile') && w.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger')) ??
			stack.workflows.find((w) => w.nodes.some((n) => n.type === 'n8n-nodes-base.manualTrigger') && w.nodes.some((n) => n.type === NODE_TYPE));
		if (!wf) throw new Error('no example workflow with a Manual trigger and the export node in examples/');
		const exportNode = wf.nodes.find((n) => n.type === NODE_TYPE)!;
		const before = stack.sim.state.list(stack.listId)!.members.size;
		step(`running "${wf.name}" headless (n8n execute)`);
		const r = await stack.home.execute(wf.id);
		if (!r.ok) {
			say(`The execution failed: ${r.errorMessage ?? '(no run data)'}`);
			process.stderr.write(r.stderr.slice(-3000));
			return 1;
		}
		const [[summary] = [], rejected = []] = nodeOutputs(r.run, exportNode.name);
		const after = stack.sim.state.list(stack.listId)!.members.size;
		say('');
		say(`"${wf.name}" on n8n ${stack.home.install.version}, against the simulator's "Demo Audience" (${before} members before, ${after} after)`);
		say('');
		const adds = printSummary(summary as unknown as SummaryLike);
		if (rejected.length > 0) {
			say('');
			say(`Rejected rows: ${rejected.length}${rejected.length > 5 ? " (the first 5)" : ""}`);
			for (const x of rejected.slice(0, 5)) say(`  row ${x.index}  ${x.email || '(no email)'}  ${x.code ?? ''}  ${x.reason}`);
		}
		return adds ? 0 : 1;
	} finally {
		await stack.stop();
		await stack.home.dispose();
	}
}

main().then(
	(code) => process.exit(code),
	(e: unknown) => {
		process.stderr.write(`npm run demo failed: ${(e as Error).stack ?? e}\n`);
		process.exit(1);
	},
);

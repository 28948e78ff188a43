// The node on each n8n line's n8n-workflow: 1.x (1.120) and 2.x (2.41, where sleepWithAbort is
// gone). An export that meets 429s retries and completes; a cancelled execution stops the
// export during a retry wait, not after it. On 2.x before execute/sleep.ts, the first retry
// failed with "this.options.sleep is not a function".

import { start, type Simulator } from '../../simulator/server';

type Context = typeof import('./context');

const lines: Array<[string, string]> = [
	['1.x', 'n8n-workflow'],
	['2.x', 'n8n-workflow-2'],
];

describe.each(lines)('the node with n8n-workflow %s', (_line, workflowModule) => {
	let context: Context;
	let workflow: Record<string, unknown>;
	let sim: Simulator;
	let listId: string;

	beforeAll(async () => {
		jest.isolateModules(() => {
			jest.doMock('n8n-workflow', () => jest.requireActual(workflowModule));
			context = require('./context') as Context;
			workflow = require('n8n-workflow') as Record<string, unknown>;
		});
		sim = await start({ port: 0 });
	});
	afterAll(async () => {
		await sim.stop();
	});
	afterEach(() => {
		jest.restoreAllMocks();
	});

	const configureFaults = async (faults: object): Promise<void> => {
		const res = await fetch(`${sim.origin}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ faults }) });
		expect(res.status).toBe(200);
	};
	const profiles = (n: number) => Array.from({ length: n }, (_, i) => ({ json: { email: `p${i}@example.com`, segments: 'VIP' } }));
	const run = (n: number, signal?: AbortSignal) =>
		context.runNode({
			items: profiles(n),
			signal,
			credentials: { [context.API_KEY_CREDENTIAL]: context.apiKeyCredentials(sim) },
			params: { audience: context.audience(listId), options: { maxConcurrency: 1 } },
		});

	it('runs on the n8n-workflow it was given', () => {
		expect(typeof workflow.sleepWithAbort).toBe(workflowModule === 'n8n-workflow' ? 'function' : 'undefined');
	});

	it('retries through 429s and exports every profile', async () => {
		sim.state.reset();
		listId = sim.state.addList({ name: 'Customers' });
		await configureFaults({ storm: { startAfterRequests: 2, count: 3 } });
		const { summary } = await run(600);
		expect(summary[0].json).toMatchObject({ exported: 600, rejected: 0, partial: false, retries: 3 });
		expect(sim.state.list(listId)!.members.size).toBe(600);
	});

	it('a cancel during a retry wait stops the export at once', async () => {
		sim.state.reset();
		listId = sim.state.addList({ name: 'Customers' });
		// Every write is refused; the waits are 99% of their ceiling: 0.99 s, then 1.98 s, ...
		await configureFaults({ storm: { startAfterRequests: 2, count: 1_000 } });
		jest.spyOn(Math, 'random').mockReturnValue(0.99);
		const cancel = new AbortController();
		const running = run(1_500, cancel.signal);
		const outcome = running.then(
			() => 'finished',
			(error: Error) => error.message,
		);
		// Cancel in the second wait (1.98 s long), 100 ms after it began.
		let settled = false;
		void outcome.then(() => (settled = true));
		while (sim.state.counters.faults.storm < 2 && !settled) await new Promise((resolve) => setTimeout(resolve, 10));
		expect(settled).toBe(false);
		await new Promise((resolve) => setTimeout(resolve, 100));
		const cancelledAt = Date.now();
		cancel.abort();
		expect(await outcome).toBe('The export was cancelled');
		expect(Date.now() - cancelledAt).toBeLessThan(500);
		expect(sim.state.counters.faults.storm).toBe(2);
		expect(sim.state.list(listId)!.members.size).toBe(0);
	});
});

import axios from 'axios';
import { createRequestFn } from './client';
import { Faults } from './faults';
import { start, type Simulator } from './server';

let sim: Simulator;
afterEach(() => sim?.stop());

function outcomes(seed: number, count: number): string[] {
	const faults = new Faults({ errorRate: 0.2, resetRate: 0.1, slowRate: 0.1, slowMs: 50 }, seed);
	return Array.from({ length: count }, () => {
		const f = faults.next();
		return f.status ? String(f.status) : f.reset ? 'reset' : f.slowMs ? 'slow' : 'ok';
	});
}

test('same seed, same faults; another seed, other faults; rates roughly as asked', () => {
	const a = outcomes(7, 2000);
	expect(outcomes(7, 2000)).toEqual(a);
	expect(outcomes(8, 2000)).not.toEqual(a);
	const errors = a.filter((o) => ['500', '502', '503'].includes(o)).length;
	expect(errors / 2000).toBeGreaterThan(0.15);
	expect(errors / 2000).toBeLessThan(0.25);
	expect(new Set(a)).toEqual(new Set(['ok', '500', '502', '503', 'reset', 'slow']));
});

test('injected errors are problem documents and are counted; the same seed repeats them over HTTP', async () => {
	const run = async (): Promise<number[]> => {
		sim = await start({ seed: 42, faults: { errorRate: 0.3 } });
		const request = createRequestFn(sim);
		const statuses: number[] = [];
		for (let i = 0; i < 30; i++) statuses.push((await request({ method: 'GET', path: '/ping' })).status);
		expect(sim.state.counters.faults.errors).toBe(statuses.filter((s) => s >= 500).length);
		await sim.stop();
		return statuses;
	};
	const first = await run();
	expect(first.some((s) => s >= 500)).toBe(true);
	expect(await run()).toEqual(first);
});

test('a 429 storm answers a window of requests with 429', async () => {
	sim = await start({ faults: { storm: { startAfterRequests: 2, count: 3 } } });
	const request = createRequestFn(sim);
	const statuses: number[] = [];
	for (let i = 0; i < 7; i++) statuses.push((await request({ method: 'GET', path: '/ping' })).status);
	expect(statuses).toEqual([200, 200, 429, 429, 429, 200, 200]);
	expect(sim.state.counters.faults.storm).toBe(3);
});

test('resets destroy the connection after processing; the client sees a network error', async () => {
	sim = await start({ faults: { resetRate: 1 } });
	const listId = sim.state.addList({ name: 'R' });
	const request = createRequestFn(sim);
	await expect(
		request({ method: 'POST', path: `/lists/${listId}`, body: { members: [{ email_address: 'r@example.com', status: 'subscribed' }] } }),
	).rejects.toThrow();
	expect(sim.state.member(listId, 'r@example.com')?.status).toBe('subscribed');
	expect(sim.state.counters.faults.resets).toBe(1);
	expect(sim.state.requestLog.at(-1)?.status).toBe(0);
});

test('slow responses wait slowMs longer; faults can be set at run time through /_sim/faults', async () => {
	sim = await start();
	await axios.post(`${sim.origin}/_sim/faults`, { faults: { slowRate: 1, slowMs: 150 } });
	const started = Date.now();
	const res = await createRequestFn(sim)({ method: 'GET', path: '/ping' });
	expect(res.status).toBe(200);
	expect(Date.now() - started).toBeGreaterThanOrEqual(145);
	expect(sim.state.counters.faults.slow).toBe(1);
});

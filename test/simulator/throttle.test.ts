import axios from 'axios';
import { createRequestFn, simulatorRequest } from './client';
import { REFERENCE_LATENCY, LatencyModel } from './latency';
import { start, type Simulator } from './server';

let sim: Simulator;
afterEach(() => sim.stop());

async function fire(count: number): Promise<number[]> {
	const request = createRequestFn(sim);
	const answers = await Promise.all(Array.from({ length: count }, () => request({ method: 'GET', path: '/ping' })));
	return answers.map((answer) => answer.status);
}

test('11 slow concurrent requests: exactly the one over the limit is refused with 429', async () => {
	sim = await start({ latency: { read: { fixedMs: 300 } } });
	const started = Date.now();
	const statuses = await fire(11);
	expect(statuses.filter((s) => s === 200)).toHaveLength(10);
	expect(statuses.filter((s) => s === 429)).toHaveLength(1);
	expect(Date.now() - started).toBeGreaterThanOrEqual(290);
	expect(sim.state.counters.throttled).toBe(1);
	expect(sim.state.maxInFlightSeen).toBe(11);

	const refused = await Promise.all([
		...Array.from({ length: 10 }, () => simulatorRequest(sim, { method: 'GET', path: '/ping' })),
		new Promise((resolve) => setTimeout(resolve, 50)).then(() => simulatorRequest(sim, { method: 'GET', path: '/ping' })),
	]);
	expect(refused[10]).toEqual({
		status: 429,
		body: expect.objectContaining({
			title: 'Too Many Requests',
			detail: 'You have exceeded the limit of 10 simultaneous connections.',
		}),
	});
});

test('the limit is per credential, configurable, and can answer 403', async () => {
	sim = await start({ latency: { read: { fixedMs: 200 } }, maxConnections: 2, throttleStatus: 403, oauthToken: 'tok' });
	const bearer = () => axios.get(`${sim.url}/ping`, { headers: { Authorization: 'Bearer tok' }, validateStatus: () => true });
	const [keyStatuses, tokenAnswers] = await Promise.all([fire(3), Promise.all([bearer(), bearer()])]);
	expect(keyStatuses.sort()).toEqual([200, 200, 403]);
	expect(tokenAnswers.map((a) => a.status)).toEqual([200, 200]);
	const refused = await fire(3);
	expect(refused.filter((s) => s === 403)).toHaveLength(1);
});

test('latency: fixed + per-member cost, scaled; reference model numbers', async () => {
	expect(REFERENCE_LATENCY).toEqual({
		upsert: { fixedMs: 300, perMemberMs: 4 },
		segmentMembers: { fixedMs: 150, perMemberMs: 1 },
		memberPut: { fixedMs: 250, perMemberMs: 0 },
		read: { fixedMs: 200, perMemberMs: 0 },
		memberList: { fixedMs: 200, perMemberMs: 0.5 },
	});
	expect(new LatencyModel('reference').delayMs('upsert', 500)).toBe(2300);
	expect(new LatencyModel('reference').delayMs('memberList', 1000)).toBe(700);
	expect(new LatencyModel({ ...REFERENCE_LATENCY, scale: 0.02 }).delayMs('upsert', 500)).toBeCloseTo(46);
	expect(new LatencyModel().delayMs('upsert', 500)).toBe(0);

	sim = await start({ latency: { upsert: { fixedMs: 20, perMemberMs: 1 } } });
	const listId = sim.state.addList({ name: 'Timed' });
	const members = Array.from({ length: 100 }, (_, i) => ({ email_address: `t${i}@example.com`, status: 'subscribed' }));
	const started = Date.now();
	const res = await simulatorRequest(sim, { method: 'POST', path: `/lists/${listId}`, body: { members } });
	expect(res.status).toBe(200);
	expect(Date.now() - started).toBeGreaterThanOrEqual(115);
	expect(sim.state.requestLog.at(-1)).toMatchObject({ method: 'POST', status: 200, members: 100 });
});

test('switch retryAfterSeconds: throttling refusals carry a Retry-After header', async () => {
	sim = await start({ faults: { storm: { startAfterRequests: 0, count: 1 } }, behaviour: { retryAfterSeconds: 3 } });
	const refused = await axios.get(`${sim.url}/ping`, { auth: { username: 'x', password: sim.apiKey }, validateStatus: () => true });
	expect(refused.status).toBe(429);
	expect(refused.headers['retry-after']).toBe('3');
});

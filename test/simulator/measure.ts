// Capacity check: seeds 1,000,000 members, then a separate client process sends 2,000 batch
// upserts of 500 (10 at a time). Prints times, the server's CPU time and memory.
// Run: npx tsx test/simulator/measure.ts
// MEMBERS=100000 for a smaller run; SCALE=0.02 to apply the reference latency model scaled,
// and compare the run with the model's lower bound.
import { fork } from 'node:child_process';
import { createRequestFn } from './client';
import { REFERENCE_LATENCY } from './latency';
import { start } from './server';

const MEMBERS = Number(process.env.MEMBERS ?? 1_000_000);
const BATCH = 500;
const CONCURRENCY = 10;
const SCALE = process.env.SCALE ? Number(process.env.SCALE) : undefined;
const mb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;

async function client(url: string, apiKey: string, listId: string): Promise<void> {
	const request = createRequestFn({ url, apiKey });
	const batches = MEMBERS / BATCH;
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < batches) {
			const b = next++;
			const members = Array.from({ length: BATCH }, (_, i) => ({
				email_address: `Seed${b * BATCH + i}@Example.com`,
				status_if_new: 'subscribed',
				merge_fields: { LNAME: `L${i}`, LTV: i },
			}));
			const res = await request({ method: 'POST', path: `/lists/${listId}`, body: { members, update_existing: true } });
			if (res.status !== 200 || (res.body as { total_updated: number }).total_updated !== BATCH) {
				throw new Error(`batch ${b}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
			}
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function server(): Promise<void> {
	const sim = await start(SCALE === undefined ? {} : { latency: { ...REFERENCE_LATENCY, scale: SCALE } });
	const listId = sim.state.addList({ name: 'Capacity', mergeFields: [{ tag: 'LTV', type: 'number' }] });
	let t = Date.now();
	for (let i = 0; i < MEMBERS; i++) {
		sim.state.addMember(listId, { email: `seed${i}@example.com`, mergeFields: { FNAME: 'Seed', LTV: i } });
	}
	global.gc?.();
	const { heapUsed, rss } = process.memoryUsage();
	console.log(`seeded ${MEMBERS} members in ${Date.now() - t} ms; heap ${mb(heapUsed)}, rss ${mb(rss)}`);

	t = Date.now();
	const cpu = process.cpuUsage();
	const child = fork(__filename, ['client', sim.url, sim.apiKey, listId]);
	const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
	if (code !== 0) throw new Error(`client exited with ${code}`);
	const ms = Date.now() - t;
	const used = process.cpuUsage(cpu);
	const cpuMs = (used.user + used.system) / 1000;
	const batches = MEMBERS / BATCH;
	console.log(
		`${batches} batch upserts of ${BATCH} in ${ms} ms wall (${(ms / batches).toFixed(1)} ms/batch); ` +
			`server CPU ${Math.round(cpuMs)} ms (${(cpuMs / batches).toFixed(1)} ms/batch); ` +
			`rss ${mb(process.memoryUsage().rss)}; members ${sim.state.lists.get(listId)!.members.size}; ` +
			`max in flight ${sim.state.maxInFlightSeen}`,
	);
	if (SCALE !== undefined) {
		const { fixedMs, perMemberMs } = REFERENCE_LATENCY.upsert;
		const bound = (batches * (fixedMs + perMemberMs * BATCH) * SCALE) / CONCURRENCY;
		console.log(`latency model lower bound at scale ${SCALE}: ${Math.round(bound)} ms (${Math.round((100 * ms) / bound)}% of it used)`);
	}
	await sim.stop();
}

const [mode, ...args] = process.argv.slice(2);
(mode === 'client' ? client(args[0], args[1], args[2]) : server()).catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});

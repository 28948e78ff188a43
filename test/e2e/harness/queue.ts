/**
 * n8n in queue mode: Redis and Postgres (services.ts), a main instance (`n8n start`: editor, REST
 * and public API, schedules, production webhooks) that enqueues executions, and workers
 * (`n8n worker`) that run them. Every process gets its own task-runner broker port; all share one
 * N8N_USER_FOLDER (one machine), the database and the encryption key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadContext } from './context';
import type { N8nHome, N8nServer } from './n8n';
import { assertNoSecretsSaved, openGroup, waitFor, type Group } from './scenario';
import { startServices, type RunningServices } from './services';
import type { SimulatorOptions } from '../../simulator/types';

/**
 * Where binary data goes in queue mode when nothing is set: 1.x keeps it in memory and saves it
 * inline with the execution ('default'); 2.x stores it in the database ('database'). The harness
 * sets it because its single-process scenarios use 'filesystem', which queue mode does not support.
 */
export function queueBinaryDataMode(n8nVersion: string): 'default' | 'database' {
	return Number(n8nVersion.split('.')[0]) >= 2 ? 'database' : 'default';
}

function queueEnv(services: RunningServices, n8nVersion: string): Record<string, string> {
	const { redis, postgres } = services;
	return {
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		N8N_DEFAULT_BINARY_DATA_MODE: queueBinaryDataMode(n8nVersion),
		N8N_AVAILABLE_BINARY_DATA_MODES: 'filesystem,database',
		// Manual runs started from the editor go to the workers too, as teams in queue mode set it.
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
	};
}

export class Worker {
	private exited = false;
	private readonly exit: Promise<void>;
	/** VmRSS when the worker said it was ready, in KiB. */
	readyRssKiB = 0;

	constructor(
		readonly index: number,
		readonly child: ChildProcess,
		readonly logFile: string,
	) {
		this.exit = new Promise((resolve) =>
			child.once('exit', () => {
				this.exited = true;
				resolve();
			}),
		);
	}

	log(): string {
		return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8') : '';
	}

	/** A field of /proc/<pid>/status in KiB: VmHWM is the peak resident set size so far. */
	memoryKiB(field: 'VmRSS' | 'VmHWM'): number {
		const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
		const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
		if (!m) throw new Error(`no ${field} for worker ${this.index}`);
		return Number(m[1]);
	}

	/** Starts the peak (VmHWM) again from the current RSS, so that it measures what runs next. */
	resetPeak(): void {
		fs.writeFileSync(`/proc/${this.child.pid}/clear_refs`, '5');
	}

	/** Whether this worker's log says it ran the execution. */
	ran(executionId: string): boolean {
		return new RegExp(`Worker started execution ${executionId} \\(`).test(this.log());
	}

	async waitReady(timeoutMs: number): Promise<void> {
		await waitFor(
			`worker ${this.index} to be ready`,
			async () => {
				if (this.exited) throw new Error(`worker ${this.index} exited:\n${this.log().slice(-3000)}`);
				return this.log().includes('n8n worker is now ready') ? true : undefined;
			},
			timeoutMs,
			500,
		);
		this.readyRssKiB = this.memoryKiB('VmRSS');
	}

	/** Stops the worker by its PID: SIGTERM, then SIGKILL after 20 s. */
	async stop(): Promise<void> {
		if (this.exited) return;
		this.child.kill('SIGTERM');
		const t = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
		await this.exit;
		clearTimeout(t);
	}
}

/** Starts `n8n worker` (at info level: its log says which executions it ran). */
async function startWorker(home: N8nHome, index: number, concurrency: number): Promise<Worker> {
	const logFile = path.join(home.root, `n8n-worker-${index}.log`);
	const out = fs.openSync(logFile, 'a');
	const child = spawn(home.install.node, [home.install.bin, 'worker', `--concurrency=${concurrency}`], {
		cwd: home.root,
		env: await home.processEnv({ N8N_LOG_LEVEL: 'info' }),
		stdio: ['ignore', out, out],
	});
	fs.closeSync(out);
	return new Worker(index, child, logFile);
}

export interface QueueGroup extends Group {
	services: RunningServices;
	/** Set by `startProcesses`. */
	main: N8nServer;
	workers: Worker[];
	/** Starts main (with an owner and a public API key) and the workers, all at once. */
	startProcesses(): Promise<void>;
	/** The worker whose log says it ran the execution; throws unless exactly one did. */
	workerOf(executionId: string): Worker;
	/** Every log n8n wrote: for the secrets check. */
	logs(): string[];
	/** Throws when the database (dumped into the user folder), a file or a log holds a secret. */
	assertNoSecretsSaved(): void;
}

/**
 * A scenario group in queue mode. Import credentials and workflows (and activate) first, then
 * `startProcesses()`. Workers run `concurrency` executions each (1: two executions at once must
 * land on two workers).
 */
export async function openQueueGroup(opts: { workers?: number; concurrency?: number; simulator?: SimulatorOptions } = {}): Promise<QueueGroup> {
	const services = await startServices();
	let group: Group;
	try {
		group = await openGroup({ simulator: opts.simulator, env: queueEnv(services, loadContext().install.version) });
	} catch (error) {
		await services.stop();
		throw error;
	}
	const workers: Worker[] = [];
	const q: QueueGroup = {
		...group,
		services,
		main: undefined as unknown as N8nServer,
		workers,
		async startProcesses() {
			const [main] = await Promise.all([
				group.home.start({ readyTimeoutMs: 300_000 }),
				...Array.from({ length: opts.workers ?? 2 }, async (_, i) => {
					const w = await startWorker(group.home, i, opts.concurrency ?? 1);
					workers.push(w);
					await w.waitReady(300_000);
				}),
			]);
			q.main = main as N8nServer;
			await q.main.setupOwner();
			await q.main.createApiKey();
		},
		workerOf(executionId) {
			const ran = workers.filter((w) => w.ran(executionId));
			if (ran.length !== 1) throw new Error(`execution ${executionId} ran on ${ran.length} workers`);
			return ran[0];
		},
		logs: () => [q.main?.log() ?? '', ...workers.map((w) => w.log())],
		assertNoSecretsSaved() {
			services.dumpDatabase(path.join(group.home.dataDir, 'postgres-dump.sql'));
			assertNoSecretsSaved(group, q.logs());
		},
		async dispose() {
			await Promise.all(workers.map((w) => w.stop()));
			await group.dispose();
			await services.stop();
		},
	};
	return q;
}

/** A production Webhook trigger (POST, answers at once): main receives it, a worker runs the workflow. */
export function webhookTrigger(webhookPath: string, name = 'Webhook') {
	return {
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} },
	};
}

/**
 * Calls a production webhook on main. n8n 2.x answers the activation before the webhook is
 * registered: a 404 (nothing started) is tried again for up to 30 s.
 */
export async function callWebhook(main: N8nServer, webhookPath: string): Promise<void> {
	await waitFor(
		`webhook ${webhookPath} to be registered`,
		async () => {
			const res = await fetch(`${main.url}/webhook/${webhookPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
			if (res.status === 404) return undefined;
			if (!res.ok) throw new Error(`webhook ${webhookPath} -> ${res.status}: ${(await res.text()).slice(0, 300)}`);
			return true;
		},
		30_000,
		250,
	);
}

/** Activates a workflow through the public API (main registers its schedule or webhook). */
export async function activate(main: N8nServer, workflowId: string, active = true): Promise<void> {
	await main.rest('POST', `/api/v1/workflows/${workflowId}/${active ? 'activate' : 'deactivate'}`);
}

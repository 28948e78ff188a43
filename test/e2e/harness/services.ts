/**
 * Redis and Postgres for n8n's queue mode, from Debian's packages (`redis-server`, `postgresql`):
 * installed with apt-get when missing (CI runs as root on a fresh Debian machine), started on free
 * ports on 127.0.0.1 with their data in a temporary folder, stopped and removed after.
 *
 * Postgres refuses to run as root: as root, its folder is handed to Debian's `postgres` user and
 * initdb/postgres run under that user.
 *
 * Run directly to install what is missing ahead of time: `npx tsx test/e2e/harness/services.ts`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './n8n';

const REDIS_SERVER = '/usr/bin/redis-server';
const POLICY_RC_D = '/usr/sbin/policy-rc.d';

export interface RunningServices {
	redis: { host: string; port: number };
	postgres: { host: string; port: number; database: string; user: string };
	/** Writes the n8n database as SQL (pg_dump) to `file`: what n8n saved, for the secrets check. */
	dumpDatabase(file: string): void;
	/** Stops both servers and removes their data. */
	stop(): Promise<void>;
}

/** The newest Postgres server binaries Debian installed (`/usr/lib/postgresql/<major>/bin`). */
function postgresBinDir(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const majors = fs
		.readdirSync(root)
		.filter((v) => fs.existsSync(path.join(root, v, 'bin', 'postgres')) && fs.existsSync(path.join(root, v, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return majors.length ? path.join(root, majors[0], 'bin') : undefined;
}

const isRoot = (): boolean => process.getuid?.() === 0;

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
	const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with ${r.status ?? r.signal}`);
}

/**
 * Installs `redis-server` and `postgresql` when missing. Their Debian packages would start a
 * system-wide server on the default ports: a temporary policy-rc.d keeps them from starting.
 */
export function ensureServicePackages(log: (line: string) => void = (l) => process.stderr.write(`[services] ${l}\n`)): void {
	const missing = [...(fs.existsSync(REDIS_SERVER) ? [] : ['redis-server']), ...(postgresBinDir() ? [] : ['postgresql'])];
	if (missing.length === 0) return;
	if (!isRoot()) throw new Error(`queue mode needs Debian's ${missing.join(' and ')}: sudo apt-get install -y ${missing.join(' ')}`);
	log(`installing ${missing.join(', ')} with apt-get`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const ownPolicy = !fs.existsSync(POLICY_RC_D);
	if (ownPolicy) fs.writeFileSync(POLICY_RC_D, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
	try {
		sh('apt-get', ['update'], env);
		sh('apt-get', ['install', '-y', '--no-install-recommends', ...missing], env);
	} finally {
		if (ownPolicy) fs.rmSync(POLICY_RC_D, { force: true });
	}
}

/** uid and gid of Debian's `postgres` user when running as root (Postgres refuses root). */
function postgresUser(): { uid: number; gid: number } | undefined {
	if (!isRoot()) return undefined;
	const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
	const uid = id('-u');
	const gid = id('-g');
	if (!Number.isInteger(uid) || uid === 0) throw new Error('no `postgres` user to run Postgres as (it refuses to run as root)');
	return { uid, gid };
}

async function waitUntil(what: string, check: () => Promise<boolean>, exited: () => string | undefined, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const gone = exited();
		if (gone !== undefined) throw new Error(`${what} exited before it was ready:\n${gone}`);
		if (await check()) return;
		if (Date.now() > deadline) throw new Error(`${what} was not ready after ${timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

/** Sends `PING` and expects `+PONG`. */
function redisPing(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.setTimeout(1000);
		socket.once('error', () => resolve(false));
		socket.once('timeout', () => {
			socket.destroy();
			resolve(false);
		});
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (d) => {
			socket.destroy();
			resolve(d.toString().startsWith('+PONG'));
		});
	});
}

class Server {
	private exitCode: number | null | undefined;
	private readonly exit: Promise<void>;

	constructor(
		readonly child: ChildProcess,
		readonly logFile: string,
	) {
		this.exit = new Promise((resolve) =>
			child.once('exit', (code) => {
				this.exitCode = code;
				resolve();
			}),
		);
	}

	/** The log, when the process has exited. */
	exited = (): string | undefined => (this.exitCode === undefined ? undefined : fs.readFileSync(this.logFile, 'utf8').slice(-3000));

	/** Stops by PID with `signal`, then SIGKILL after 15 s. */
	async stop(signal: NodeJS.Signals): Promise<void> {
		if (this.exitCode !== undefined) return;
		this.child.kill(signal);
		const t = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
		await this.exit;
		clearTimeout(t);
	}
}

function launch(cmd: string, args: string[], logFile: string, user?: { uid: number; gid: number }): Server {
	const out = fs.openSync(logFile, 'a');
	const child = spawn(cmd, args, { stdio: ['ignore', out, out], env: { PATH: process.env.PATH, LANG: 'C.UTF-8' }, ...(user ?? {}) });
	fs.closeSync(out);
	return new Server(child, logFile);
}

/** Starts Redis and Postgres (database `n8n`, user `n8n`, trust auth on 127.0.0.1) in a new temp folder. */
export async function startServices(): Promise<RunningServices> {
	ensureServicePackages();
	const bin = postgresBinDir()!;
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-services-'));
	const pgData = path.join(root, 'pg');
	const user = postgresUser();
	fs.mkdirSync(pgData, { mode: 0o700 });
	if (user) {
		fs.chownSync(pgData, user.uid, user.gid);
		fs.chmodSync(root, 0o711);
	}
	const started: Server[] = [];
	const stop = async (): Promise<void> => {
		// Postgres: SIGINT is its "fast" shutdown. Redis: SIGTERM.
		await Promise.all(started.map((s, i) => s.stop(i === 0 ? 'SIGTERM' : 'SIGINT')));
		if (!process.env.E2E_KEEP) fs.rmSync(root, { recursive: true, force: true });
	};
	try {
		const redisPort = await freePort();
		const redis = launch(REDIS_SERVER, ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', root, '--save', '', '--appendonly', 'no'], path.join(root, 'redis.log'));
		started.push(redis);
		await waitUntil('redis-server', () => redisPing(redisPort), redis.exited);

		const initdb = spawnSync(path.join(bin, 'initdb'), ['-D', pgData, '-U', 'n8n', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], {
			encoding: 'utf8',
			env: { PATH: process.env.PATH, LANG: 'C.UTF-8' },
			...(user ?? {}),
		});
		if (initdb.status !== 0) throw new Error(`initdb failed: ${initdb.stderr || initdb.stdout}`);
		const pgPort = await freePort();
		// Throw-away data: no fsync. The socket goes in the data folder, not /var/run/postgresql.
		const postgres = launch(
			path.join(bin, 'postgres'),
			['-D', pgData, '-p', String(pgPort), '-k', pgData, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
			path.join(root, 'postgres.log'),
			user,
		);
		started.push(postgres);
		const createdb = path.join(bin, 'createdb');
		await waitUntil(
			'postgres',
			async () => spawnSync(createdb, ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'n8n', 'n8n'], { encoding: 'utf8' }).status === 0,
			postgres.exited,
		);
		return {
			redis: { host: '127.0.0.1', port: redisPort },
			postgres: { host: '127.0.0.1', port: pgPort, database: 'n8n', user: 'n8n' },
			dumpDatabase(file) {
				const r = spawnSync(path.join(bin, 'pg_dump'), ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'n8n', '-f', file, 'n8n'], { encoding: 'utf8' });
				if (r.status !== 0) throw new Error(`pg_dump failed: ${r.stderr}`);
			},
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

if (require.main === module) ensureServicePackages();

/**
 * Drives a real n8n through its CLI and HTTP server: one N8nHome per scenario group, with its own
 * N8N_USER_FOLDER and N8N_ENCRYPTION_KEY, the packed community package installed the way n8n
 * installs community packages, and helpers to import, execute, start and stop.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { npmEnv, type N8nInstall } from './install';

export const PACKAGE_NAME = 'n8n-nodes-mailchimp-segments';
export const NODE_TYPE = `${PACKAGE_NAME}.mailchimpSegmentExport`;
/** The node's type when n8n loads it from its custom extensions folder (`~/.n8n/custom`). */
export const CUSTOM_NODE_TYPE = 'CUSTOM.mailchimpSegmentExport';

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
	durationMs: number;
}

export interface ExecuteResult extends CliResult {
	ok: boolean;
	/** The run JSON (IRun) printed by `n8n execute --rawOutput`, or the failed run printed at info level. */
	run: any;
	/** For a failed execution: the error n8n reported (message + description). */
	errorMessage?: string;
}

export interface WorkflowJson {
	id: string;
	name: string;
	nodes: any[];
	connections: Record<string, any>;
	active?: boolean;
	settings?: Record<string, unknown>;
	[k: string]: unknown;
}

export interface CredentialJson {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

let idCounter = 0;
/** n8n ids: 16 alphanumeric characters. */
export function n8nId(prefix = 'e2e'): string {
	idCounter += 1;
	const base = `${prefix}${idCounter.toString(36)}${randomBytes(8).toString('hex')}`.replace(/[^a-zA-Z0-9]/g, '');
	return base.slice(0, 16).padEnd(16, '0');
}

export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const port = (srv.address() as net.AddressInfo).port;
			srv.close(() => resolve(port));
		});
	});
}

/** Parses the run JSON n8n prints: from the first line that is exactly `{` to the matching `}` line. */
export function parseRunJson(text: string): any {
	const lines = text.split(/\r?\n/);
	const start = lines.findIndex((l) => l === '{');
	if (start < 0) return undefined;
	for (let end = start + 1; end < lines.length; end++) {
		if (lines[end] !== '}') continue;
		try {
			return JSON.parse(lines.slice(start, end + 1).join('\n'));
		} catch {
			/* a nested `}` at column 0 cannot happen with 2-space JSON; keep looking */
		}
	}
	return undefined;
}

export interface N8nHomeOptions {
	install: N8nInstall;
	/** Parent folder for the home; a fresh temp folder when absent. */
	root?: string;
	/** Extra environment for every n8n process. */
	env?: Record<string, string>;
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

export class N8nHome {
	readonly root: string;
	/** N8N_USER_FOLDER: n8n keeps its data in `<userFolder>/.n8n`. */
	readonly userFolder: string;
	readonly encryptionKey = randomBytes(24).toString('hex');
	/** Scratch space outside the user folder (import files, data files for workflows). */
	readonly scratch: string;
	readonly install: N8nInstall;
	private readonly extraEnv: Record<string, string>;
	private readonly logLevel: string;
	private servers: N8nServer[] = [];

	constructor(opts: N8nHomeOptions) {
		this.install = opts.install;
		this.root = opts.root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-'));
		fs.mkdirSync(this.root, { recursive: true });
		this.userFolder = path.join(this.root, 'home');
		this.scratch = path.join(this.root, 'scratch');
		fs.mkdirSync(path.join(this.userFolder, '.n8n'), { recursive: true });
		fs.mkdirSync(this.scratch, { recursive: true });
		this.extraEnv = opts.env ?? {};
		this.logLevel = opts.logLevel ?? 'warn';
	}

	get dataDir(): string {
		return path.join(this.userFolder, '.n8n');
	}

	env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
		const base: NodeJS.ProcessEnv = {};
		// Keep the basics of the caller's environment, none of its N8N_* settings.
		for (const k of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'TZ', 'SystemRoot']) if (process.env[k]) base[k] = process.env[k];
		return {
			...base,
			PATH: `${path.dirname(this.install.node)}${path.delimiter}${process.env.PATH ?? ''}`,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			N8N_LOG_LEVEL: this.logLevel,
			N8N_LOG_OUTPUT: 'console',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_RUNNERS_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			// Community packages that n8n has not verified may be installed (n8n announces that
			// this will default to false): the package is installed as such a package.
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			DB_SQLITE_POOL_SIZE: '2',
			GENERIC_TIMEZONE: 'UTC',
			TZ: 'UTC',
			// Binary data on disk, not inline: the run JSON `execute` prints stays small (a 100,000-row
			// CSV inline is megabytes of base64, and n8n can exit before a pipe takes it all).
			N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
			EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
			N8N_RESTRICT_FILE_ACCESS_TO: this.scratch,
			NODE_OPTIONS: '--max-old-space-size=4096',
			...this.extraEnv,
			...extra,
		};
	}

	/**
	 * Installs the packed package as n8n's community package installer does (Settings >
	 * Community Nodes > Install; the steps of CommunityPackagesService.downloadPackage in 1.123
	 * and 2.41, which fetch the tarball with `npm pack` from the registry): the tarball unpacked
	 * into `.n8n/nodes/node_modules/<name>`, `devDependencies`, `peerDependencies` and
	 * `optionalDependencies` removed from its package.json, `npm install` run there with n8n's
	 * arguments, and the package listed in `.n8n/nodes/package.json`.
	 */
	installPackage(tarball: string): string {
		const nodesDir = path.join(this.dataDir, 'nodes');
		const target = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
		fs.rmSync(target, { recursive: true, force: true });
		fs.mkdirSync(target, { recursive: true });
		const tar = spawnSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], { encoding: 'utf8' });
		if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
		const pkgPath = path.join(target, 'package.json');
		const { devDependencies, peerDependencies, optionalDependencies, ...pkg } = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
		fs.writeFileSync(pkgPath, JSON.stringify(pkg, null, 2), 'utf8');
		const npmArgs = ['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'];
		const r = spawnSync('npm', npmArgs, { cwd: target, encoding: 'utf8', env: this.npmEnv() });
		if (r.status !== 0) throw new Error(`npm install in the unpacked package failed: ${r.stderr}`);
		const nodesPkgPath = path.join(nodesDir, 'package.json');
		const nodesPkg = fs.existsSync(nodesPkgPath)
			? JSON.parse(fs.readFileSync(nodesPkgPath, 'utf8'))
			: { name: 'installed-nodes', private: true, dependencies: {} };
		nodesPkg.dependencies = { ...(nodesPkg.dependencies ?? {}), [PACKAGE_NAME]: pkg.version };
		fs.writeFileSync(nodesPkgPath, `${JSON.stringify(nodesPkg, null, 2)}\n`);
		return target;
	}

	/** npm as n8n's host would run it: this line's Node first on PATH, none of the repo's npm settings. */
	npmEnv(): NodeJS.ProcessEnv {
		return npmEnv({ bin: this.install.node });
	}

	/** Runs shell commands (a user's install steps) with this home's folder as `~`, npm as npmEnv(). */
	shell(script: string): CliResult {
		const started = Date.now();
		const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], { cwd: this.root, encoding: 'utf8', env: { ...this.npmEnv(), HOME: this.userFolder } });
		return { code: r.status, stdout: r.stdout, stderr: r.stderr, durationMs: Date.now() - started };
	}

	/**
	 * The environment of one n8n process. n8n 2.x always starts its task runner broker (on 5679
	 * unless told otherwise), so every process gets a free port of its own.
	 */
	async processEnv(extra: Record<string, string> = {}): Promise<NodeJS.ProcessEnv> {
		return this.env({ N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...extra });
	}

	/**
	 * Runs an n8n CLI command to completion. Its output goes to files, not pipes: n8n can exit
	 * before a pipe has taken a large run JSON, which then ends cut short.
	 */
	async cli(args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliResult> {
		const started = Date.now();
		const env = await this.processEnv(opts.env);
		const base = path.join(this.root, `cli-${randomBytes(4).toString('hex')}`);
		const [outFile, errFile] = [`${base}.out`, `${base}.err`];
		const [out, err] = [fs.openSync(outFile, 'w'), fs.openSync(errFile, 'w')];
		const output = (): { stdout: string; stderr: string } => {
			const read = { stdout: fs.readFileSync(outFile, 'utf8'), stderr: fs.readFileSync(errFile, 'utf8') };
			fs.rmSync(outFile, { force: true });
			fs.rmSync(errFile, { force: true });
			return read;
		};
		try {
			return await new Promise((resolve, reject) => {
				const child = spawn(this.install.node, [this.install.bin, ...args], { cwd: this.root, env, stdio: ['ignore', out, err] });
				const timer = setTimeout(() => {
					child.kill('SIGKILL');
					const { stdout, stderr } = output();
					reject(new Error(`n8n ${args.join(' ')} timed out after ${opts.timeoutMs} ms\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`));
				}, opts.timeoutMs ?? 5 * 60_000);
				child.on('error', reject);
				child.on('close', (code) => {
					clearTimeout(timer);
					resolve({ code, ...output(), durationMs: Date.now() - started });
				});
			});
		} finally {
			fs.closeSync(out);
			fs.closeSync(err);
		}
	}

	private async cliOk(args: string[]): Promise<CliResult> {
		const r = await this.cli(args);
		if (r.code !== 0) throw new Error(`n8n ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
		return r;
	}

	private writeImportFile(kind: string, data: unknown): string {
		const file = path.join(this.scratch, `import-${kind}-${randomBytes(4).toString('hex')}.json`);
		fs.writeFileSync(file, JSON.stringify(data, null, 2), { mode: 0o600 });
		return file;
	}

	/** Imports credentials (plain `data`: n8n encrypts it with this home's key). The import file is deleted afterwards. */
	async importCredentials(creds: CredentialJson[]): Promise<void> {
		const file = this.writeImportFile('credentials', creds);
		try {
			await this.cliOk(['import:credentials', `--input=${file}`]);
		} finally {
			fs.rmSync(file, { force: true });
		}
	}

	async importWorkflows(workflows: WorkflowJson[]): Promise<void> {
		const file = this.writeImportFile('workflows', workflows.map((w) => ({ active: false, settings: {}, pinData: {}, ...w })));
		try {
			await this.cliOk(['import:workflow', `--input=${file}`]);
		} finally {
			fs.rmSync(file, { force: true });
		}
	}

	/** Activates a workflow: `update:workflow --active=true` on 1.x, `publish:workflow` on 2.x (the former is deprecated there). */
	async activate(id: string): Promise<void> {
		await this.cliOk(this.install.line === 1 ? ['update:workflow', `--id=${id}`, '--active=true'] : ['publish:workflow', `--id=${id}`]);
	}

	/**
	 * `n8n execute --id=<id> --rawOutput`. Runs at info level so that a failed run's JSON (which
	 * n8n logs at info) is printed too; the run JSON is parsed from the first line that is `{`.
	 */
	async execute(id: string, opts: { timeoutMs?: number } = {}): Promise<ExecuteResult> {
		const r = await this.cli(['execute', `--id=${id}`, '--rawOutput'], { timeoutMs: opts.timeoutMs, env: { N8N_LOG_LEVEL: 'info' } });
		const run = parseRunJson(r.stdout) ?? parseRunJson(r.stderr);
		const ok = r.code === 0 && !!run && !run.data?.resultData?.error;
		let errorMessage: string | undefined;
		const err = run?.data?.resultData?.error;
		if (err) errorMessage = [err.message, err.description].filter(Boolean).join(' | ');
		return { ...r, ok, run, errorMessage };
	}

	/**
	 * Starts `n8n start` on 127.0.0.1 with a free port (or the given one) and waits for readiness.
	 * `wrap`: a command that runs n8n's in its own process (exec), such as a memory cgroup's.
	 */
	async start(
		opts: { port?: number; env?: Record<string, string>; readyTimeoutMs?: number; logFile?: string; wrap?: (cmd: string, args: string[]) => [string, string[]] } = {},
	): Promise<N8nServer> {
		const port = opts.port ?? (await freePort());
		const logFile = opts.logFile ?? path.join(this.root, `n8n-start-${port}.log`);
		const out = fs.openSync(logFile, 'a');
		const wrap = opts.wrap ?? ((cmd: string, args: string[]): [string, string[]] => [cmd, args]);
		const child = spawn(...wrap(this.install.node, [this.install.bin, 'start']), {
			cwd: this.root,
			env: await this.processEnv({
				N8N_PORT: String(port),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_HOST: '127.0.0.1',
				N8N_PROTOCOL: 'http',
				N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}`,
				WEBHOOK_URL: `http://127.0.0.1:${port}/`,
				...(opts.env ?? {}),
			}),
			stdio: ['ignore', out, out],
			detached: false,
		});
		fs.closeSync(out);
		const server = new N8nServer(child, port, logFile);
		this.servers.push(server);
		await server.waitReady(opts.readyTimeoutMs ?? 180_000);
		return server;
	}

	async stopAll(): Promise<void> {
		await Promise.all(this.servers.map((s) => s.stop()));
		this.servers = [];
	}

	/** Files under the user folder (database, logs, config...) whose bytes contain any of the secrets. */
	findSecrets(secrets: string[], where: string = this.userFolder): string[] {
		const needles = secrets.filter((s) => s && s.length >= 6).map((s) => Buffer.from(s));
		const hits: string[] = [];
		const walk = (dir: string) => {
			for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
				const p = path.join(dir, e.name);
				if (e.isDirectory()) {
					if (e.name === 'node_modules') continue;
					walk(p);
				} else if (e.isFile()) {
					const buf = fs.readFileSync(p);
					if (needles.some((n) => buf.includes(n))) hits.push(p);
				}
			}
		};
		walk(where);
		return hits;
	}

	async dispose(keep = !!process.env.E2E_KEEP): Promise<void> {
		await this.stopAll();
		if (!keep) fs.rmSync(this.root, { recursive: true, force: true });
	}
}

export class N8nServer {
	readonly url: string;
	private exited = false;
	private exitPromise: Promise<void>;
	cookie?: string;
	apiKey?: string;

	constructor(
		readonly child: ChildProcess,
		readonly port: number,
		readonly logFile: string,
	) {
		this.url = `http://127.0.0.1:${port}`;
		this.exitPromise = new Promise((resolve) => child.once('exit', () => {
			this.exited = true;
			resolve();
		}));
	}

	get pid(): number | undefined {
		return this.child.pid;
	}

	log(): string {
		try {
			return fs.readFileSync(this.logFile, 'utf8');
		} catch {
			return '';
		}
	}

	async waitReady(timeoutMs: number): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (this.exited) throw new Error(`n8n start exited before it was ready:\n${this.log().slice(-4000)}`);
			try {
				// Readiness turns green once the database is migrated, a moment before the REST
				// controllers are mounted: wait for both.
				const res = await fetch(`${this.url}/healthz/readiness`, { signal: AbortSignal.timeout(2000) });
				if (res.ok) {
					const settings = await fetch(`${this.url}/rest/settings`, { signal: AbortSignal.timeout(2000) });
					if (settings.ok && (settings.headers.get('content-type') ?? '').includes('json')) return;
				}
			} catch {
				/* not listening yet */
			}
			await new Promise((r) => setTimeout(r, 500));
		}
		throw new Error(`n8n did not become ready in ${timeoutMs} ms:\n${this.log().slice(-4000)}`);
	}

	/** Stops n8n by its PID: SIGTERM, then SIGKILL after 20 s. */
	async stop(): Promise<void> {
		if (this.exited || this.child.pid === undefined) return;
		this.child.kill('SIGTERM');
		const t = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
		await this.exitPromise;
		clearTimeout(t);
	}

	async rest(method: string, p: string, body?: unknown): Promise<any> {
		const res = await fetch(`${this.url}${p}`, {
			method,
			headers: {
				'content-type': 'application/json',
				...(this.cookie ? { cookie: this.cookie } : {}),
				...(this.apiKey && p.startsWith('/api/') ? { 'X-N8N-API-KEY': this.apiKey } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} ${p} -> ${res.status}: ${text.slice(0, 500)}`);
		const setCookie = res.headers.get('set-cookie');
		if (setCookie) {
			const m = /n8n-auth=[^;]+/.exec(setCookie);
			if (m) this.cookie = m[0];
		}
		return text ? JSON.parse(text) : undefined;
	}

	/** Creates the owner account on a fresh instance (what the editor asks for on first open) and logs in. */
	async setupOwner(owner = { email: 'owner@example.com', firstName: 'Demo', lastName: 'Owner', password: 'Demo-password-1' }): Promise<typeof owner> {
		await this.rest('POST', '/rest/owner/setup', owner);
		if (!this.cookie) await this.rest('POST', '/rest/login', { emailOrLdapLoginId: owner.email, password: owner.password });
		return owner;
	}

	/** Creates a public API key with every scope the owner may grant (needs setupOwner first). */
	async createApiKey(): Promise<string> {
		const scopesRes = await this.rest('GET', '/rest/api-keys/scopes');
		const scopes = scopesRes.data ?? scopesRes;
		const created = await this.rest('POST', '/rest/api-keys', { label: `e2e-${Date.now()}`, scopes, expiresAt: null });
		const key = (created.data ?? created).rawApiKey;
		if (!key) throw new Error(`no rawApiKey in ${JSON.stringify(created).slice(0, 300)}`);
		this.apiKey = key;
		return key;
	}

	/** Executions of a workflow through the public API, newest first, with their run data. */
	async executions(workflowId: string): Promise<any[]> {
		const res = await this.rest('GET', `/api/v1/executions?workflowId=${encodeURIComponent(workflowId)}&includeData=true&limit=100`);
		return res.data ?? [];
	}
}

/** The JSON items a node produced in a run, per output: `outputs(run, 'Export')[0]` is the first output. */
export function nodeOutputs(run: any, nodeName: string): any[][] {
	const runData = run?.data?.resultData?.runData ?? run?.resultData?.runData;
	const task = runData?.[nodeName]?.[runData[nodeName].length - 1];
	const main: any[][] = task?.data?.main ?? [];
	return main.map((items) => (items ?? []).map((i: any) => i.json));
}

export function nodeRuns(run: any, nodeName: string): any[] {
	const runData = run?.data?.resultData?.runData ?? run?.resultData?.runData;
	return runData?.[nodeName] ?? [];
}

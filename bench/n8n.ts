// `npm run bench:n8n -- [--n8n 1|2] [--binary-size 1000000] [--items-size 100000] [--scale 0.02] [--cases baseline,binary,items,extract,read] [--auth apiKey|oAuth2] [--repeat N] [--memory-limit MiB] [--tls] [--server]`
//
// The export through a real n8n (--n8n 2: 2.41.1 on Node 24, the default; --n8n 1: 1.123.50;
// installed by the e2e harness into its cache folder),
// with the packed package installed the way n8n installs community packages:
//
//   binary: Manual Trigger -> Read/Write Files from Disk (the CSV of 1,000,000 profiles) -> export
//           (Input Source: Binary File). n8n keeps binary data on disk (N8N_DEFAULT_BINARY_DATA_MODE
//           =filesystem, what n8n recommends for large files), so the node streams the file.
//   items:  Manual Trigger -> Read/Write Files from Disk (CSV of 100,000) -> Extract From File (CSV
//           to items) -> export (Input Source: Input Items).
//   extract: the items case without the export: what n8n itself spends making and holding the
//           items, to tell apart from what the export adds to them.
//   read:   the binary case without the export: what n8n itself spends reading the file into its
//           binary data.
//   baseline: Manual Trigger alone, for n8n's own start-up time and memory.
//
// Each runs as `n8n execute` under /usr/bin/time -v: wall time and the peak RSS of the n8n
// process; the export node's own execution time comes from the run data n8n prints. The simulator
// runs in a process of its own with the reference latency model, time-scaled like `npm run bench`.
// `--repeat N` runs the cases N times, in turn (baseline, binary, items, extract, baseline, ...): on a
// shared machine one run's CPU time varies by several seconds, and the targets are judged on the
// median of what each binary run adds to the baseline run before it. `--memory-limit 320` runs
// each n8n inside a memory cgroup of that size (bench/cgroup.ts), as n8n Cloud's Starter plan
// runs an instance: whether the export finishes there, and the cgroup's peak. BENCH_N8N_NODE_FLAGS
// and BENCH_N8N_ENV give the n8n process Node.js flags and environment variables (profilers,
// heap sizes, glibc's MALLOC_ARENA_MAX). `--tls`: the simulator serves HTTPS, as Mailchimp does,
// with a self-signed certificate that n8n trusts through NODE_EXTRA_CA_CERTS: n8n's helper then
// makes a TLS handshake for each request, as it does against Mailchimp (it keeps no connection).
// `--server`: the cases inside one running `n8n start`, each started by a webhook, the way an
// instance runs a scheduled export (bench/n8nServer.ts); results in bench/results-n8n[2]-server.json.
// Without --cases it runs baseline, binary and items: n8n's own cases (extract, read) cannot be
// told apart there, since each case starts from the memory the one before it left.

import { spawn } from 'child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { loadavg } from 'os';
import { join, resolve } from 'path';
import https from 'https';
import axios from 'axios';

import { memoryCage } from './cgroup';
import { buildAndPack } from '../test/e2e/harness/context';
import { ensureN8n } from '../test/e2e/harness/install';
import { DEFAULT_LINE, parseLine, type N8nLine } from '../test/e2e/harness/lines';
import { N8nHome, parseRunJson } from '../test/e2e/harness/n8n';
import { apiKeyCredential, chain, exportNode, manualTrigger, oauthCredential, type NodeSpec } from '../test/e2e/harness/workflows';
import { formatDuration } from './chart';
import { lowerBound } from './model';
import { csvPath, writeCsv } from './profiles';
import { n8nTargets, readShareText, targetsText } from './targets';
import { API_KEY, startSimulator } from './run';
import { MERGE_FIELDS, nodeParameters } from './worker';
import type { ExportSummary } from '../nodes/MailchimpSegmentExport/core/types';
import { selfSignedCertificate } from '../test/simulator/tls';
import { type BenchCase, serverRounds } from './n8nServer';

const BENCH = __dirname;
const OUT_DIR = join(BENCH, 'out');
const OAUTH_TOKEN = 'bench-oauth-token';

interface Args {
	line: N8nLine;
	binarySize: number;
	itemsSize: number;
	scale: number;
	seed: number;
	/** Reuse this tarball instead of building and packing. */
	tarball?: string;
	/** Where the results go: bench/results-n8n.json for n8n 1.x, bench/results-n8n2.json for 2.x unless given. */
	json?: string;
	cases: Array<N8nRun['case']>;
	/** The credential the export uses (n8n's helper signs OAuth2 requests differently). */
	auth: 'apiKey' | 'oAuth2';
	/** How many times each case runs. */
	repeat: number;
	/** Run n8n in a memory cgroup of this many MiB. */
	memoryLimitMb?: number;
	/** The simulator over HTTPS. */
	tls: boolean;
	/** Run the cases in one `n8n start`, started by webhooks (bench/n8nServer.ts). */
	server: boolean;
}

function parseArgs(argv: string[]): Args {
	const args: Args = { line: DEFAULT_LINE, binarySize: 1_000_000, itemsSize: 100_000, scale: 0.02, seed: 42, cases: [], auth: 'apiKey', repeat: 1, tls: false, server: false };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2);
		const value = (): string => inline ?? argv[++i];
		if (flag === '--n8n') args.line = parseLine(value(), '--n8n');
		else if (flag === '--binary-size') args.binarySize = Number(value());
		else if (flag === '--items-size') args.itemsSize = Number(value());
		else if (flag === '--scale') args.scale = Number(value());
		else if (flag === '--seed') args.seed = Number(value());
		else if (flag === '--tarball') args.tarball = resolve(value());
		else if (flag === '--json') args.json = resolve(value());
		else if (flag === '--cases') args.cases = value().split(',') as Args['cases'];
		else if (flag === '--repeat') args.repeat = Number(value());
		else if (flag === '--memory-limit') args.memoryLimitMb = Number(value());
		else if (flag === '--tls') args.tls = true;
		else if (flag === '--server') args.server = true;
		else if (flag === '--auth') {
			const auth = value();
			if (auth !== 'apiKey' && auth !== 'oAuth2') throw new Error(`--auth must be apiKey or oAuth2, not ${auth}`);
			args.auth = auth;
		}
		else throw new Error(`Unknown argument ${argv[i]}`);
	}
	if (args.cases.length === 0) args.cases = args.server ? ['baseline', 'binary', 'items'] : ['baseline', 'binary', 'items', 'extract', 'read'];
	if (!Number.isInteger(args.repeat) || args.repeat < 1) throw new Error(`--repeat must be a whole number of at least 1, not ${args.repeat}`);
	if (args.memoryLimitMb !== undefined && !(args.memoryLimitMb >= 64)) throw new Error(`--memory-limit must be a number of MiB, at least 64, not ${args.memoryLimitMb}`);
	return args;
}

export interface N8nRun {
	/** `extract` and `read`: the items and binary cases without the export node, what n8n itself spends on their input. */
	case: 'binary' | 'items' | 'extract' | 'read' | 'baseline';
	size: number;
	scale: number;
	auth?: Args['auth'];
	/** `n8n execute` from start to exit (n8n's start-up included). */
	commandWallMs: number;
	/** The export node's executionTime in the run data. */
	exportNodeMs?: number;
	/** Every node's executionTime. */
	nodeMs: Record<string, number>;
	/** Peak RSS of the n8n process (/usr/bin/time -v: Maximum resident set size). */
	peakRssMb: number;
	cpuUserS: number;
	cpuSystemS: number;
	lowerBoundMs?: number;
	ratio?: number;
	summary?: ExportSummary;
	loadAvg: number;
	/** Which of the `--repeat` rounds it ran in, from 0. */
	round?: number;
	/**
	 * The signal that killed n8n after it printed a complete, successful run (n8n 2.41.1 on Node 24
	 * sometimes dies of SIGSEGV while exiting: test/e2e/README.md). The figures still hold: the
	 * workflow had finished, and the kernel's accounting covers the process up to its death.
	 */
	exitSignal?: number;
	/** `--memory-limit`: the cgroup's limit, its peak (RSS, page cache and kernel memory) and the processes the OOM killer killed. */
	memoryLimitMb?: number;
	cgroupPeakMb?: number;
	oomKills?: number;
	/** BENCH_N8N_NODE_FLAGS, when set (a heap size, a profiler). */
	nodeFlags?: string;
	/** `--tls`: n8n reached the simulator over HTTPS. */
	tls?: boolean;
	/**
	 * `--server`: the run inside a running `n8n start`, started by a webhook: the wall time is the
	 * webhook's, the peak RSS the process's during the run, the CPU what the run added to it.
	 */
	server?: boolean;
}

interface TimeV {
	wallMs: number;
	peakRssMb: number;
	userS: number;
	systemS: number;
	code: number | null;
	/** The signal that ended the command, when a signal did. */
	signal?: number;
	stdout: string;
	stderr: string;
}

/**
 * Runs the command under /usr/bin/time -v and parses its report. Its stdout goes to a file, not a
 * pipe: n8n exits right after printing the run, and a large run printed to a pipe is cut short.
 */
function timeV(
	cmd: string,
	args: string[],
	env: NodeJS.ProcessEnv,
	cwd: string,
	timeoutMs: number,
	stdoutFile: string,
	wrap: (cmd: string, args: string[]) => [string, string[]] = (c, a) => [c, a],
): Promise<TimeV> {
	return new Promise((ok, fail) => {
		const t0 = Date.now();
		const outFd = openSync(stdoutFile, 'w');
		const child = spawn(...wrap('/usr/bin/time', ['-v', cmd, ...args]), { env, cwd, stdio: ['ignore', outFd, 'pipe'] });
		closeSync(outFd);
		let err = '';
		child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', fail);
		child.on('close', (code) => {
			clearTimeout(timer);
			const num = (re: RegExp): number => Number(err.match(re)?.[1] ?? NaN);
			ok({
				wallMs: Date.now() - t0,
				peakRssMb: num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024,
				userS: num(/User time \(seconds\): ([\d.]+)/),
				systemS: num(/System time \(seconds\): ([\d.]+)/),
				code,
				signal: err.match(/Command terminated by signal (\d+)/) ? num(/Command terminated by signal (\d+)/) : undefined,
				stdout: readFileSync(stdoutFile, 'utf8'),
				stderr: err,
			});
		});
	});
}

/** BENCH_N8N_ENV (e.g. `MALLOC_ARENA_MAX=2`): more environment variables for the n8n process. */
function extraEnv(): Record<string, string> {
	const pairs = (process.env.BENCH_N8N_ENV ?? '').split(' ').filter((pair) => pair.includes('='));
	return Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

/** BENCH_N8N_NODE_FLAGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`, `--heapsnapshot-signal=SIGUSR2`): Node.js flags for the n8n process, to profile it. */
function nodeFlags(): string[] {
	return (process.env.BENCH_N8N_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== '');
}

/**
 * n8n died of a signal after printing a finished, successful run that holds what the case needs
 * (the export's Summary): the known crash at exit of n8n 2.41.1, not a failed export. A run cut
 * short, an error in the run data, a non-zero exit code or a missing Summary stays a failure.
 */
function crashedAfterSuccess(r: TimeV, run: unknown, error: unknown, complete: boolean): boolean {
	const { status, finished } = (run ?? {}) as { status?: unknown; finished?: unknown };
	return r.signal !== undefined && r.code !== 0 && error === undefined && complete && status === 'success' && finished === true;
}

function nodeTimes(run: unknown): Record<string, number> {
	const runData = (run as { data?: { resultData?: { runData?: Record<string, Array<{ executionTime?: number }>> } } })?.data?.resultData?.runData ?? {};
	const times: Record<string, number> = {};
	for (const [name, tasks] of Object.entries(runData)) times[name] = tasks.reduce((sum, t) => sum + (t.executionTime ?? 0), 0);
	return times;
}

function exportSummary(run: unknown, nodeName: string): ExportSummary | undefined {
	const runData = (run as { data?: { resultData?: { runData?: Record<string, Array<{ data?: { main?: Array<Array<{ json: unknown }>> } }>> } } })?.data?.resultData?.runData;
	const task = runData?.[nodeName]?.at(-1);
	return task?.data?.main?.[0]?.[0]?.json as ExportSummary | undefined;
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const log = (s: string): void => console.log(s);
	log(`bench:n8n: binary ${args.binarySize}, items ${args.itemsSize}, scale ${args.scale}, ${args.auth}${args.tls ? ', HTTPS' : ''}${args.memoryLimitMb === undefined ? '' : `, in ${args.memoryLimitMb} MiB`}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

	const install = ensureN8n({ line: args.line, log: (l) => log(`  [install] ${l}`) });
	const json = args.json ?? join(BENCH, `results-n8n${args.line === 1 ? '' : '2'}${args.server ? '-server' : ''}.json`);
	log(`  n8n ${install.version} (${install.dir})`);
	const tarball = args.tarball ?? buildAndPack((l) => log(`  ${l}`), join(OUT_DIR, 'pack'));
	log(`  package ${tarball}`);

	mkdirSync(OUT_DIR, { recursive: true });
	const home = new N8nHome({ install, root: join(OUT_DIR, `n8n-home-${process.pid}`), env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' } });
	home.installPackage(tarball);
	const certificate = args.tls ? selfSignedCertificate(join(OUT_DIR, 'tls')) : undefined;
	const sim = await startSimulator(args.scale, ['--oauth-token', OAUTH_TOKEN, ...(certificate ? ['--tls-key', certificate.keyPath, '--tls-cert', certificate.certPath] : [])]);
	const simRoot = new URL(sim.url).origin;
	const simAgent = certificate ? { httpsAgent: new https.Agent({ ca: certificate.cert }) } : {};
	log(`  simulator ${sim.url} (pid ${sim.process.pid})`);
	const results: N8nRun[] = [];
	try {
		const cred =
			args.auth === 'apiKey'
				? apiKeyCredential(API_KEY, sim.url, { name: 'Mailchimp (bench simulator)' })
				: oauthCredential(OAUTH_TOKEN, sim.url, { name: 'Mailchimp OAuth2 (bench simulator)' });
		await home.importCredentials([cred]);

		const scratchCsv = async (size: number): Promise<string> => {
			const { path } = await writeCsv(csvPath(OUT_DIR, size, args.seed), size, args.seed);
			const target = join(home.scratch, `profiles-${size}.csv`);
			if (!existsSync(target)) copyFileSync(path, target);
			return target;
		};
		const newList = async (name: string): Promise<string> => {
			await axios.post(`${simRoot}/_sim/reset`, {}, { proxy: false, ...simAgent });
			const res = await axios.post<{ id: string }>(`${simRoot}/_sim/lists`, { name, mergeFields: MERGE_FIELDS }, { proxy: false, ...simAgent });
			return res.data.id;
		};
		const exportSpec = (listId: string, input: 'binary' | 'items'): NodeSpec => {
			const { audience: _audience, authentication: _authentication, ...params } = nodeParameters(listId, input);
			void _audience;
			void _authentication;
			if (input === 'items') {
				// Extract From File gives the CSV's column names.
				params.firstNameField = 'first_name';
				params.lastNameField = 'last_name';
			}
			return exportNode(cred, { listId, ...params });
		};
		const readNode = (file: string): NodeSpec => ({
			name: 'Read CSV',
			type: 'n8n-nodes-base.readWriteFile',
			typeVersion: 1,
			parameters: { operation: 'read', fileSelector: file, options: {} },
		});

		const extractNode: NodeSpec = { name: 'Extract CSV', type: 'n8n-nodes-base.extractFromFile', typeVersion: 1, parameters: { operation: 'csv', binaryPropertyName: 'data', options: {} } };
		const cases: BenchCase[] = [
			{ kind: 'baseline', size: 0, nodes: async () => [manualTrigger()] },
			{
				kind: 'binary',
				size: args.binarySize,
				listName: 'n8n binary',
				nodes: async () => [manualTrigger(), readNode(await scratchCsv(args.binarySize)), exportSpec(await newList('n8n binary'), 'binary')],
			},
			{
				kind: 'items',
				size: args.itemsSize,
				listName: 'n8n items',
				nodes: async () => [manualTrigger(), readNode(await scratchCsv(args.itemsSize)), extractNode, exportSpec(await newList('n8n items'), 'items')],
			},
			{ kind: 'extract', size: args.itemsSize, nodes: async () => [manualTrigger(), readNode(await scratchCsv(args.itemsSize)), extractNode] },
			{ kind: 'read', size: args.binarySize, nodes: async () => [manualTrigger(), readNode(await scratchCsv(args.binarySize))] },
		];
		const selected = cases.filter((c) => args.cases.includes(c.kind) && (c.kind === 'baseline' || c.size > 0));
		const summaryLine = (summary: ExportSummary | undefined): string =>
			summary ? `; in ${summary.profilesIn}, exported ${summary.exported}, rejected ${summary.rejected}, calls ${summary.apiCalls}, retries ${summary.retries}` : '';

		// What every n8n process gets, and what every result records about how it ran.
		const flags = nodeFlags();
		const n8nEnv = { N8N_LOG_LEVEL: 'info', ...(certificate ? { NODE_EXTRA_CA_CERTS: certificate.certPath } : {}), ...extraEnv() };
		const recorded = { scale: args.scale, auth: args.auth, ...(flags.length > 0 ? { nodeFlags: flags.join(' ') } : {}), ...(certificate ? { tls: true } : {}) };

		if (args.server) {
			await serverRounds({
				home,
				cases: selected,
				baseline: cases[0],
				newList,
				repeat: args.repeat,
				memoryLimitMb: args.memoryLimitMb,
				// `n8n start` is spawned by the harness: the flags go through NODE_OPTIONS.
				env: { ...n8nEnv, ...(flags.length > 0 ? { NODE_OPTIONS: flags.join(' ') } : {}) },
				run: recorded,
				results,
				log,
				summaryLine,
			});
			return;
		}

		const rounds = Array.from({ length: args.repeat }, (_, round) => round);
		for (const [round, c] of rounds.flatMap((r) => selected.map((k) => [r, k] as const))) {
			const wf = chain(`bench ${c.kind} ${c.size}`, await c.nodes());
			await home.importWorkflows([wf]);
			const loadAvg = loadavg()[0];
			log(`  running ${c.kind} ${c.size}${args.repeat > 1 ? `, round ${round + 1} of ${args.repeat}` : ''} (load ${loadAvg.toFixed(2)}) ...`);
			const stdoutFile = join(home.root, `execute-${c.kind}.out`);
			const cage = args.memoryLimitMb === undefined ? undefined : memoryCage(args.memoryLimitMb);
			const env = await home.processEnv(n8nEnv);
			const r = await timeV(install.node, [...flags, install.bin, 'execute', `--id=${wf.id}`, '--rawOutput'], env, home.root, 60 * 60_000, stdoutFile, cage?.wrap);
			const result: N8nRun = {
				...recorded,
				case: c.kind,
				size: c.size,
				commandWallMs: r.wallMs,
				nodeMs: {},
				peakRssMb: r.peakRssMb,
				cpuUserS: r.userS,
				cpuSystemS: r.systemS,
				loadAvg,
				round,
				...(cage === undefined ? {} : { memoryLimitMb: cage.limitMb, cgroupPeakMb: cage.peakMb(), oomKills: cage.oomKills() }),
			};
			await cage?.dispose();
			if (!process.env.BENCH_KEEP) rmSync(stdoutFile, { force: true });
			if ((result.oomKills ?? 0) > 0) {
				results.push(result);
				log(`  ${c.kind} ${c.size}: KILLED by the kernel's OOM killer at the ${result.memoryLimitMb} MiB limit after ${formatDuration(r.wallMs)}`);
				continue;
			}
			const run = parseRunJson(r.stdout) ?? parseRunJson(r.stderr);
			const error = (run as { data?: { resultData?: { error?: { message?: string } } } })?.data?.resultData?.error;
			const nodeMs = nodeTimes(run);
			const exporting = c.kind === 'binary' || c.kind === 'items';
			const summary = exporting ? exportSummary(run, 'Export to Mailchimp') : undefined;
			if (!crashedAfterSuccess(r, run, error, !exporting || summary !== undefined) && (r.code !== 0 || !run || error)) {
				throw new Error(`n8n execute (${c.kind}) failed (${r.code}): ${error?.message ?? ''}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-3000)}`);
			}
			result.nodeMs = nodeMs;
			if (r.signal !== undefined) result.exitSignal = r.signal;
			if (summary) {
				result.summary = summary;
				result.exportNodeMs = nodeMs['Export to Mailchimp'];
				const bound = lowerBound(summary.exported, summary.segments.map((s) => s.added));
				result.lowerBoundMs = bound.lowerBoundMs * args.scale;
				result.ratio = (result.exportNodeMs ?? NaN) / result.lowerBoundMs;
			}
			results.push(result);
			log(
				`  ${c.kind} ${c.size}: n8n execute ${formatDuration(r.wallMs)}, peak RSS ${Math.round(r.peakRssMb)} MB, CPU ${(r.userS + r.systemS).toFixed(1)} s; nodes ${Object.entries(nodeMs)
					.map(([k, v]) => `${k} ${formatDuration(v)}`)
					.join(', ')}` +
					(result.cgroupPeakMb !== undefined ? `; cgroup peak ${Math.round(result.cgroupPeakMb)} of ${result.memoryLimitMb} MiB (page cache included)` : '') +
					(r.signal !== undefined ? `; CRASHED AT EXIT (signal ${r.signal}) after a complete, successful run` : '') +
					(summary ? `${summaryLine(summary)}, bound ${formatDuration(result.lowerBoundMs!)}` : ''),
			);
		}
	} finally {
		sim.process.kill('SIGTERM');
		await home.dispose(!!process.env.BENCH_KEEP);
		if (results.length > 0) {
			writeFileSync(json, JSON.stringify(results, null, '\t') + '\n');
			log(`wrote ${json}`);
			const checks = n8nTargets(results);
			if (checks.length > 0) log(`\nIssue 14's targets (1,000,000 profiles from a file, added to the baseline):\n${targetsText(checks)}`);
			const readShare = readShareText(results);
			if (readShare !== undefined) log(readShare);
		}
	}
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(error instanceof Error ? (error.stack ?? error.message) : error);
		process.exit(1);
	});
}

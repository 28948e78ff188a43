// `npm run bench -- --sizes 10000,100000,1000000 --scale 0.02 --inputs binary,items`
//
// Starts the Mailchimp simulator in a process of its own (reference latency model, time-scaled,
// its 10-connection limit), writes the seeded CSV files, then for each size and input kind runs
// the node's real `execute` in a fresh worker process against the simulator (wall time, peak RSS,
// API calls, retries) and again against the instant responder (our CPU alone). One PUT per member
// (n8n's Mailchimp node's way) is measured on a sample and extrapolated. Prints a table and writes
// bench/results.json and bench/results.svg. Then the second-run case (secondRun.ts): the largest
// size exported twice, the second time with Only Send Changes (`--no-second-run` skips it).
// `--n8n 2` runs the workers on the Node that n8n 2.x runs on (24, installed by the e2e harness)
// and writes bench/results-node24.json; without it they run on the Node running this script.

import { spawn, type ChildProcess } from 'child_process';
import { buildSync } from 'esbuild';
import { mkdirSync, writeFileSync } from 'fs';
import { loadavg } from 'os';
import { join, resolve } from 'path';

import { ensureNode } from '../test/e2e/harness/install';
import { LINES, parseLine } from '../test/e2e/harness/lines';
import { formatDuration, renderSvg } from './chart';
import { lowerBound, PRODUCT_MS_PER_MILLION, REFERENCE } from './model';
import { csvPath, writeCsv } from './profiles';
import { benchTargets, targetsText } from './targets';
import type { BenchResult, InputKind, OneByOne } from './result';
import { type SecondRunResult, secondRunTable } from './secondRun';
import type { WorkerOutput, WorkerTask } from './worker';

const ROOT = resolve(__dirname, '..');
const BENCH = __dirname;
const OUT_DIR = join(BENCH, 'out');

export interface Args {
	sizes: number[];
	inputs: InputKind[];
	scale: number;
	seed: number;
	sample: number;
	/** Skip the zero-latency CPU runs. */
	cpu: boolean;
	/** Zero-latency runs per size and input; the median one is reported. */
	cpuRuns: number;
	/** Run the second-run case (Only Send Changes) at the largest size. */
	secondRun: boolean;
	/** Run only the second-run case. */
	secondRunOnly: boolean;
	json: string;
	svg: string;
	secondRunJson: string;
	/** The Node.js binary the workers run on, and its version. */
	node: string;
	nodeVersion: string;
}

function parseArgs(argv: string[]): Args {
	const args: Args = {
		sizes: [10_000, 100_000, 1_000_000],
		inputs: ['binary', 'items'],
		scale: 0.02,
		seed: 42,
		sample: 300,
		cpu: true,
		cpuRuns: 3,
		secondRun: true,
		secondRunOnly: false,
		json: join(BENCH, 'results.json'),
		svg: join(BENCH, 'results.svg'),
		secondRunJson: join(BENCH, 'results-second-run.json'),
		node: process.execPath,
		nodeVersion: process.version,
	};
	let json: string | undefined;
	let svg: string | undefined;
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2);
		const value = (): string => inline ?? argv[++i];
		switch (flag) {
			case '--sizes':
				args.sizes = value().split(',').map((s) => Number(s.replace(/_/g, '').replace(/k$/i, '000').replace(/m$/i, '000000')));
				break;
			case '--inputs':
				args.inputs = value().split(',') as InputKind[];
				break;
			case '--scale':
				args.scale = Number(value());
				break;
			case '--seed':
				args.seed = Number(value());
				break;
			case '--sample':
				args.sample = Number(value());
				break;
			case '--no-cpu':
				args.cpu = false;
				break;
			case '--cpu-runs':
				args.cpuRuns = Number(value());
				break;
			case '--no-second-run':
				args.secondRun = false;
				break;
			case '--second-run-only':
				args.secondRunOnly = true;
				break;
			case '--json':
				json = resolve(value());
				break;
			case '--svg':
				svg = resolve(value());
				break;
			case '--n8n': {
				const spec = LINES[parseLine(value(), '--n8n')];
				if (spec.nodeVersion !== undefined) {
					args.node = ensureNode(spec, (l) => console.log(`  [node] ${l}`)).bin;
					// ensureNode checked that the binary says this version.
					args.nodeVersion = `v${spec.nodeVersion}`;
					const suffix = `-node${spec.nodeVersion.split('.')[0]}`;
					args.json = join(BENCH, `results${suffix}.json`);
					args.svg = join(BENCH, `results${suffix}.svg`);
					args.secondRunJson = join(BENCH, `results-second-run${suffix}.json`);
				}
				break;
			}
			default:
				throw new Error(`Unknown argument ${argv[i]}`);
		}
	}
	args.json = json ?? args.json;
	args.svg = svg ?? args.svg;
	for (const size of args.sizes) if (!Number.isInteger(size) || size < 1) throw new Error(`Bad size ${size}`);
	for (const input of args.inputs) if (input !== 'binary' && input !== 'items') throw new Error(`Bad input ${input}`);
	if (!(args.scale > 0)) throw new Error('--scale must be > 0');
	if (!Number.isInteger(args.cpuRuns) || args.cpuRuns < 1) throw new Error('--cpu-runs must be a whole number of at least 1');
	return args;
}

export const API_KEY = '0123456789abcdef0123456789abcdef-us1';

export interface Simulator {
	url: string;
	process: ChildProcess;
}

/** `extraArgs`: more simulator options, e.g. `--oauth-token T`. */
export async function startSimulator(scale: number, extraArgs: string[] = []): Promise<Simulator> {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', join(ROOT, 'test/simulator/cli.ts'), '--port', '0', '--api-key', API_KEY, '--empty', '--latency', 'reference', '--scale', String(scale), ...extraArgs],
		{ cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
	);
	const url = await new Promise<string>((ok, fail) => {
		let seen = '';
		const timer = setTimeout(() => fail(new Error(`The simulator did not start: ${seen}`)), 30_000);
		child.stdout!.on('data', (chunk: Buffer) => {
			seen += chunk.toString();
			const m = seen.match(/listening on (https?:\/\/\S+)/);
			if (m) {
				clearTimeout(timer);
				ok(m[1]);
			}
		});
		child.on('exit', (code) => fail(new Error(`The simulator exited (${code}): ${seen}`)));
	});
	child.stdout!.resume();
	return { url, process: child };
}

/**
 * worker.ts and what it imports, bundled into one JavaScript file (the node itself stays the build
 * in dist/): a worker run through tsx carries tsx's loader, about 30 MB of RSS that is not the export's.
 */
function bundleWorker(): string {
	const outfile = join(OUT_DIR, 'worker.js');
	buildSync({
		entryPoints: [join(BENCH, 'worker.ts')],
		bundle: true,
		platform: 'node',
		target: 'node20',
		format: 'cjs',
		external: ['n8n-workflow', 'n8n-core', 'axios'],
		outfile,
		logLevel: 'warning',
	});
	return outfile;
}

let workerFile: string | undefined;

/** BENCH_NODE_FLAGS (e.g. `--max-semi-space-size=16`): more Node.js flags for the workers, recorded with each result. */
function workerFlags(): string[] {
	return (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== '');
}

function runWorker(node: string, task: WorkerTask, heapMb = 4096): Promise<WorkerOutput> {
	workerFile ??= bundleWorker();
	const file = workerFile;
	return new Promise((ok, fail) => {
		const child = spawn(node, [`--max-old-space-size=${heapMb}`, ...workerFlags(), file, JSON.stringify(task)], {
			cwd: ROOT,
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		let out = '';
		child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
		child.on('exit', (code) => {
			const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
			if (code !== 0 || line === undefined) fail(new Error(`Worker ${task.mode} failed (${code}): ${out.slice(-2000)}`));
			else ok(JSON.parse(line.slice('BENCH_RESULT '.length)) as WorkerOutput);
		});
	});
}

function pad(s: string, n: number, right = false): string {
	return right ? s.padEnd(n) : s.padStart(n);
}

const COLUMNS: Array<[string, number, (r: BenchResult) => string]> = [
	['size', 9, (r) => r.size.toLocaleString('en-US')],
	['input', 6, (r) => r.input],
	['wall', 9, (r) => formatDuration(r.wallMs)],
	['bound', 9, (r) => formatDuration(r.lowerBoundMs)],
	['ratio', 6, (r) => r.ratio.toFixed(3)],
	['1-by-1 (extrap.)', 16, (r) => formatDuration(r.oneByOne.extrapolatedMs)],
	['speed-up', 8, (r) => `${Math.round(r.speedup)}x`],
	['wall@1 (x1/scale)', 17, (r) => formatDuration(r.projectedWallMs)],
	['est.@1', 13, (r) => `${formatDuration(r.estimatedWallMs)}`],
	['bound@1', 13, (r) => formatDuration(r.projectedLowerBoundMs)],
	['1-by-1@1', 13, (r) => formatDuration(r.projectedOneByOneMs)],
	['speed-up@1', 10, (r) => `${Math.round(r.projectedSpeedup)}x`],
	['product@1', 11, (r) => formatDuration(r.productMs)],
	['profiles/CPU s', 14, (r) => Math.round(r.cpuProfilesPerSec).toLocaleString('en-US')],
	['CPU s/100k', 10, (r) => (r.cpuMsPer100k / 1000).toFixed(3)],
	['peak RSS', 9, (r) => `${Math.round(r.peakRssMb)} MB`],
	['calls', 6, (r) => String(r.apiCalls)],
	['retries', 7, (r) => String(r.retries)],
];

export function table(results: BenchResult[]): string {
	const head = COLUMNS.map(([h, w]) => pad(h, w)).join('  ');
	const rule = COLUMNS.map(([, w]) => '-'.repeat(w)).join('  ');
	const rows = results.map((r) => COLUMNS.map(([, w, f]) => pad(f(r), w)).join('  '));
	return [head, rule, ...rows].join('\n');
}

function toResult(
	size: number,
	input: InputKind,
	scale: number,
	sim: WorkerOutput,
	cpu: WorkerOutput | undefined,
	oneByOne: OneByOne & { perMemberMs: number },
	loadAvg: number,
): BenchResult {
	const summary = sim.summary!;
	const segmentMembers = summary.segments.map((s) => s.added);
	const bound = lowerBound(summary.exported, segmentMembers);
	const lowerBoundMs = bound.lowerBoundMs * scale;
	const extrapolatedMs = oneByOne.perMemberMs * summary.exported;
	const putOverheadMs = Math.max(0, oneByOne.perMemberMs - REFERENCE.memberPut.fixedMs * scale);
	const projectedOneByOneMs = summary.exported * (REFERENCE.memberPut.fixedMs + putOverheadMs);
	const projectedWallMs = sim.wallMs / scale;
	const estimatedWallMs = bound.lowerBoundMs + Math.max(0, sim.wallMs - lowerBoundMs);
	const cpuRun = cpu ?? sim;
	const cpuProfilesPerSec = summary.profilesIn / (cpuRun.cpuMs / 1000);
	return {
		size,
		input,
		scale,
		wallMs: sim.wallMs,
		lowerBoundMs,
		ratio: sim.wallMs / lowerBoundMs,
		perMemberMs: oneByOne.perMemberMs,
		speedup: extrapolatedMs / sim.wallMs,
		projectedWallMs,
		projectedLowerBoundMs: bound.lowerBoundMs,
		estimatedWallMs,
		estimatedRatio: estimatedWallMs / bound.lowerBoundMs,
		projectedOneByOneMs,
		projectedSpeedup: projectedOneByOneMs / projectedWallMs,
		productMs: (PRODUCT_MS_PER_MILLION * size) / 1_000_000,
		cpuProfilesPerSec,
		cpuMsPer100k: (cpuRun.cpuMs * 100_000) / summary.profilesIn,
		cpuMsSimRun: sim.cpuMs,
		peakRssMb: sim.peakRssMb,
		cpuRunPeakRssMb: cpu?.peakRssMb ?? NaN,
		apiCalls: sim.apiCalls ?? summary.apiCalls,
		retries: summary.retries,
		throttled: sim.throttled ?? 0,
		maxInFlight: sim.maxInFlightSeen ?? 0,
		upsertCalls: bound.upsertCalls,
		tagCalls: bound.tagCalls,
		profilesIn: summary.profilesIn,
		exported: summary.exported,
		rejected: summary.rejected,
		skipped: summary.skipped,
		oneByOne: { ...oneByOne, extrapolatedMs },
		loadAvg,
		at: new Date().toISOString(),
	};
}

/** The chart's title: the sizes, the simulator's scale and the Node.js the workers ran on. */
export function svgTitle(results: readonly BenchResult[], scale: number): string {
	const sizes = [...new Set(results.map((r) => r.size))].map((s) => s.toLocaleString('en-US')).join(' / ');
	return `Mailchimp Segment Export: ${sizes} profiles (simulator scale ${scale}, Node.js ${results[0]?.node ?? process.version})`;
}

/** The main table: for each size and input kind, the export against the simulator (and the CPU run). */
async function mainCases(args: Args, sim: Simulator, files: Map<number, string>, results: BenchResult[], log: (s: string) => void): Promise<void> {
	const one = await runWorker(args.node, { mode: 'oneByOne', sample: args.sample, seed: args.seed, simUrl: sim.url, apiKey: API_KEY });
	const oneByOne = { sample: args.sample, sampleMs: one.wallMs, perMemberMs: one.wallMs / args.sample, extrapolatedMs: 0 };
	log(`  one PUT per member: ${args.sample} PUTs in ${one.wallMs.toFixed(0)} ms = ${oneByOne.perMemberMs.toFixed(2)} ms each at scale ${args.scale} (model: ${(250 * args.scale).toFixed(2)} ms)`);

	for (const size of args.sizes) {
		for (const input of args.inputs) {
			const loadAvg = loadavg()[0];
			const base = { size, input, seed: args.seed, csvPath: files.get(size), apiKey: API_KEY };
			const simRun = await runWorker(args.node, { mode: 'sim', ...base, simUrl: sim.url });
			const s = simRun.summary!;
			log(
				`  ${size} ${input}: wall ${simRun.wallMs.toFixed(0)} ms, cpu ${simRun.cpuMs.toFixed(0)} ms, rss ${simRun.peakRssMb.toFixed(0)} MB; ` +
					`in ${s.profilesIn}, exported ${s.exported}, rejected ${s.rejected}, skipped ${JSON.stringify(s.skipped)}, ` +
					`calls ${simRun.apiCalls}, retries ${s.retries}, throttled ${simRun.throttled}, max in flight ${simRun.maxInFlightSeen}, segments ${s.segments.map((g) => `${g.name}:${g.added}`).join(' ')}`,
			);
			const cpuRuns: WorkerOutput[] = [];
			for (let run = 0; args.cpu && run < args.cpuRuns; run++) {
				const cpu = await runWorker(args.node, { mode: 'cpu', ...base });
				log(`  ${size} ${input}: zero latency: ${cpu.cpuMs.toFixed(0)} ms CPU (${cpu.wallMs.toFixed(0)} ms wall), ${(s.profilesIn / (cpu.cpuMs / 1000)).toFixed(0)} profiles per CPU s`);
				cpuRuns.push(cpu);
			}
			// The median run (of an even number, the slower of the two middle ones).
			const cpuRun = [...cpuRuns].sort((a, b) => a.cpuMs - b.cpuMs)[Math.floor(cpuRuns.length / 2)];
			const flags = workerFlags();
			results.push({
				...toResult(size, input, args.scale, simRun, cpuRun, oneByOne, loadAvg),
				...(cpuRuns.length > 1 ? { cpuMsRuns: cpuRuns.map((r) => Math.round(r.cpuMs)) } : {}),
				node: args.nodeVersion,
				...(flags.length > 0 ? { nodeFlags: flags.join(' ') } : {}),
			});
		}
	}
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	const log = (s: string): void => console.log(s);
	log(`bench: sizes ${args.sizes.join(', ')}; inputs ${args.inputs.join(', ')}; scale ${args.scale}; seed ${args.seed}; Node ${args.nodeVersion} ${workerFlags().join(' ')}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
	mkdirSync(OUT_DIR, { recursive: true });
	const files = new Map<number, string>();
	if (args.inputs.includes('binary') && !args.secondRunOnly) {
		for (const size of args.sizes) {
			const t = Date.now();
			const { path, bytes } = await writeCsv(csvPath(OUT_DIR, size, args.seed), size, args.seed);
			files.set(size, path);
			log(`  csv ${path} (${(bytes / 1e6).toFixed(1)} MB, ${Date.now() - t} ms)`);
		}
	}

	const sim = await startSimulator(args.scale);
	log(`  simulator ${sim.url} (pid ${sim.process.pid})`);
	const results: BenchResult[] = [];
	let second: SecondRunResult | undefined;
	try {
		if (!args.secondRunOnly) await mainCases(args, sim, files, results, log);
		if (args.secondRun) {
			const size = Math.max(...args.sizes);
			const loadAvg = loadavg()[0];
			const out = await runWorker(args.node, { mode: 'secondRun', size, seed: args.seed, scale: args.scale, simUrl: sim.url, apiKey: API_KEY });
			second = { ...out.secondRun!, loadAvg };
			log(`  second run ${size}: ${JSON.stringify(second)}`);
		}
	} finally {
		sim.process.kill('SIGTERM');
	}

	if (!args.secondRunOnly) {
		log('');
		log(table(results));
		log('');
		log(`Scale ${args.scale}: wall, bound and 1-by-1 measured against the time-scaled simulator; @1 columns are at scale 1 (wall / scale).`);
		const checks = benchTargets(results);
		if (checks.length > 0) log(`\nIssue 14's targets (1,000,000 profiles from a file):\n${targetsText(checks)}`);
	}
	if (second !== undefined) {
		log(`\nSecond run with Only Send Changes (issue 15; load ${second.loadAvg.toFixed(2)}): ${second.changes.input} profiles changed in the input, ${second.changes.mailchimp} members edited in Mailchimp`);
		log(secondRunTable(second));
		log(`  ${second.second.summary.onlySendChanges?.reason ?? ''}`);
		log(`  targets: >= 5x faster than the full export at scale 1: ${second.speedupAt1 >= 5 ? 'met' : 'NOT met'} (${second.speedupAt1.toFixed(1)}x); writes <= 1% over the changes: ${second.writesPerChange <= 1.01 ? 'met' : 'NOT met'} (${second.writesPerChange.toFixed(3)}); audience exact: ${second.audience.mismatches === 0 && second.audience.members === second.audience.expected ? 'yes' : 'NO'}`);
		writeFileSync(args.secondRunJson, JSON.stringify(second, null, '\t') + '\n');
	}
	if (!args.secondRunOnly) {
		writeFileSync(args.json, JSON.stringify(results, null, '\t') + '\n');
		writeFileSync(args.svg, renderSvg(results, svgTitle(results, args.scale)));
		log(`wrote ${args.json} and ${args.svg}`);
	}
}

if (require.main === module) {
	main().catch((error: unknown) => {
		console.error(error instanceof Error ? (error.stack ?? error.message) : error);
		process.exit(1);
	});
}

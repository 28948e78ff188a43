// The targets for 1,000,000 profiles from a file (README, Performance > Targets), next to what a
// run measured: printed by `npm run bench` and `npm run bench:n8n`, and as Markdown by
// bench/markdown.ts.

import type { N8nRun } from './n8n';
import type { BenchResult } from './result';

export interface TargetCheck {
	target: string;
	measured: string;
	met: boolean;
}

const TARGET_SIZE = 1_000_000;
const n = (v: number): string => Math.round(v).toLocaleString('en-US');

/** `npm run bench`: the 1,000,000-profile file run, when there is one. */
export function benchTargets(results: readonly BenchResult[]): TargetCheck[] {
	const r = results.find((x) => x.size === TARGET_SIZE && x.input === 'binary');
	if (r === undefined) return [];
	return [
		{ target: 'at least 200,000 profiles per CPU second', measured: n(r.cpuProfilesPerSec), met: r.cpuProfilesPerSec >= 200_000 },
		{ target: 'peak RSS under 250 MB', measured: `${n(r.peakRssMb)} MB`, met: r.peakRssMb < 250 },
		{ target: `wall time within 2x of the lower bound at scale ${r.scale}`, measured: `${r.ratio.toFixed(2)}x`, met: r.ratio <= 2 },
		{ target: "estimate at Mailchimp's pace within 1.15x of the lower bound", measured: `${r.estimatedRatio.toFixed(3)}x`, met: r.estimatedRatio <= 1.15 },
	];
}

/** The middle value (the mean of the two middle ones for an even count). */
function median(values: readonly number[]): number {
	const v = [...values].sort((a, b) => a - b);
	const m = Math.floor(v.length / 2);
	return v.length % 2 === 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/** `+12.3 s`, or with several rounds `+12.3 s (median of 3: +11.0 to +14.2)`. */
function added(values: readonly number[], format: (v: number) => string): string {
	const text = (v: number): string => `+${format(v)}`;
	if (values.length === 1) return text(values[0]);
	return `${text(median(values))} (median of ${values.length}: ${text(Math.min(...values))} to ${text(Math.max(...values))})`;
}

const cpuOf = (r: N8nRun): number => r.cpuUserS + r.cpuSystemS;
const mb = (v: number): string => `${n(v)} MB`;
const seconds = (v: number): string => `${v.toFixed(1)} s`;

/** The run of `kind` in the round of `run` (`--repeat`), if any. */
function inRound(runs: readonly N8nRun[], kind: N8nRun['case'], run: N8nRun): N8nRun | undefined {
	return runs.find((r) => r.case === kind && (r.round ?? 0) === (run.round ?? 0));
}

/**
 * `npm run bench:n8n`: what the file export adds to n8n's baseline (a Manual Trigger alone), each
 * 1,000,000-profile run against the baseline run of its round (`--repeat`); the median decides.
 */
export function n8nTargets(runs: readonly N8nRun[]): TargetCheck[] {
	const pairs = runs
		.filter((r) => r.case === 'binary' && r.size === TARGET_SIZE)
		.map((run) => ({ run, base: inRound(runs, 'baseline', run) }))
		.filter((p): p is { run: N8nRun; base: N8nRun } => p.base !== undefined);
	if (pairs.length === 0) return [];
	// A run the OOM killer ended has no peak RSS (time -v died with it) and only the CPU until then.
	const finished = pairs.filter(({ run }) => (run.oomKills ?? 0) === 0);
	const addedRss = finished.map((p) => p.run.peakRssMb - p.base.peakRssMb);
	const addedCpu = finished.map((p) => cpuOf(p.run) - cpuOf(p.base));
	const ofFinished = (values: number[], format: (v: number) => string): string =>
		finished.length === 0
			? 'not measured: no run finished'
			: `${added(values, format)}${finished.length < pairs.length ? ` in the ${finished.length} of ${pairs.length} runs that finished` : ''}`;
	const counts = pairs.map(({ run }) => ({
		counted: run.summary === undefined ? 0 : run.summary.exported + run.summary.rejected + Object.values(run.summary.skipped).reduce((a, b) => a + b, 0),
		profilesIn: run.summary?.profilesIn ?? 0,
	}));
	const allAddUp = pairs.every(({ run }, i) => run.summary !== undefined && counts[i].counted === run.summary.profilesIn);
	const limit = pairs[0].run.memoryLimitMb;
	const killed = pairs.filter(({ run }) => (run.oomKills ?? 0) > 0).length;
	const inside: TargetCheck[] =
		limit === undefined
			? []
			: [
					{
						target: `finishes inside ${limit} MiB (a memory cgroup${pairs[0].run.nodeFlags ? `, n8n run with ${pairs[0].run.nodeFlags}` : ''})`,
						measured: killed === 0 ? `yes, ${pairs.length} of ${pairs.length}` : `killed by the OOM killer in ${killed} of ${pairs.length}`,
						met: killed === 0,
					},
				];
	return [
		...inside,
		{ target: "adds at most 100 MB to n8n's peak RSS", measured: ofFinished(addedRss, mb), met: killed === 0 && median(addedRss) <= 100 },
		{ target: 'adds at most 20 s of CPU', measured: ofFinished(addedCpu, seconds), met: killed === 0 && median(addedCpu) <= 20 },
		{
			target: "the Summary's counts add up",
			measured:
				finished.length === 0
					? 'no Summary: no run finished'
					: pairs.length === 1
						? `${n(counts[0].counted)} of ${n(counts[0].profilesIn)}`
						: `${n(counts[0].counted)} of ${n(counts[0].profilesIn)} in ${allAddUp ? 'each' : 'not every one'} of ${pairs.length} runs`,
			met: allAddUp,
		},
	];
}

/**
 * With the `read` case (the file read into n8n's binary data, without the export): how much of
 * what the binary case adds is n8n's own reading of the file, and how much the export node adds
 * beyond it, each round against its own runs; undefined without such rounds, and for `--server`,
 * where each case runs in the memory the one before it left.
 */
export function readShareText(runs: readonly N8nRun[]): string | undefined {
	if (runs.some((r) => r.server === true)) return undefined;
	const finished = (r: N8nRun | undefined): r is N8nRun => r !== undefined && (r.oomKills ?? 0) === 0;
	const rounds = runs
		.filter((r) => r.case === 'binary' && r.size === TARGET_SIZE && finished(r))
		.map((run) => ({ run, base: inRound(runs, 'baseline', run), read: inRound(runs, 'read', run) }))
		.filter((p): p is { run: N8nRun; base: N8nRun; read: N8nRun } => finished(p.base) && finished(p.read) && p.read.size === TARGET_SIZE);
	if (rounds.length === 0) return undefined;
	const readRss = added(rounds.map((p) => p.read.peakRssMb - p.base.peakRssMb), mb);
	const readCpu = added(rounds.map((p) => cpuOf(p.read) - cpuOf(p.base)), seconds);
	const nodeRss = added(rounds.map((p) => p.run.peakRssMb - p.read.peakRssMb), mb);
	const nodeCpu = added(rounds.map((p) => cpuOf(p.run) - cpuOf(p.read)), seconds);
	return `  of which n8n's own reading of the file (the read case, no export): ${readRss} and ${readCpu} of CPU;
  the export node beyond it: ${nodeRss} and ${nodeCpu} of CPU`;
}

export function targetsText(checks: readonly TargetCheck[]): string {
	return checks.map((c) => `  ${c.met ? 'met   ' : 'MISSED'}  ${c.target}: ${c.measured}`).join('\n');
}

export function targetsMarkdown(checks: readonly TargetCheck[]): string {
	return ['| target (1,000,000 profiles from a file) | measured | verdict |', '|---|---:|---|', ...checks.map((c) => `| ${c.target} | ${c.measured} | ${c.met ? 'met' : '**missed**'} |`)].join('\n');
}

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

/** `npm run bench:n8n`: what the file export adds to n8n's baseline (a Manual Trigger alone). */
export function n8nTargets(runs: readonly N8nRun[]): TargetCheck[] {
	const base = runs.find((r) => r.case === 'baseline');
	const run = runs.find((r) => r.case === 'binary' && r.size === TARGET_SIZE);
	if (base === undefined || run === undefined) return [];
	const addedRss = run.peakRssMb - base.peakRssMb;
	const addedCpu = run.cpuUserS + run.cpuSystemS - (base.cpuUserS + base.cpuSystemS);
	const counted = run.summary === undefined ? 0 : run.summary.exported + run.summary.rejected + Object.values(run.summary.skipped).reduce((a, b) => a + b, 0);
	return [
		{ target: "adds at most 100 MB to n8n's peak RSS", measured: `+${n(addedRss)} MB`, met: addedRss <= 100 },
		{ target: 'adds at most 20 s of CPU', measured: `+${addedCpu.toFixed(1)} s`, met: addedCpu <= 20 },
		{ target: "the Summary's counts add up", measured: `${n(counted)} of ${n(run.summary?.profilesIn ?? 0)}`, met: run.summary !== undefined && counted === run.summary.profilesIn },
	];
}

export function targetsText(checks: readonly TargetCheck[]): string {
	return checks.map((c) => `  ${c.met ? 'met   ' : 'MISSED'}  ${c.target}: ${c.measured}`).join('\n');
}

export function targetsMarkdown(checks: readonly TargetCheck[]): string {
	return ['| target (1,000,000 profiles from a file) | measured | verdict |', '|---|---:|---|', ...checks.map((c) => `| ${c.target} | ${c.measured} | ${c.met ? 'met' : '**missed**'} |`)].join('\n');
}

// `npx tsx bench/markdown.ts [bench/results.json] [bench/results-n8n.json]`: the results as
// Markdown tables, for the README's Performance section.

import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

import { formatDuration } from './chart';
import type { N8nRun } from './n8n';
import type { BenchResult } from './result';
import { benchTargets, n8nTargets, targetsMarkdown } from './targets';

const n = (v: number): string => Math.round(v).toLocaleString('en-US');

export function resultsMarkdown(results: BenchResult[]): string {
	const rows = [
		'| profiles | input | wall (scaled) | lower bound | ratio | 1 PUT per member (extrapolated) | speed-up | wall at scale 1 (wall / scale) | estimated at scale 1 | lower bound at scale 1 | 1 PUT per member at scale 1 | product at scale 1 | profiles per CPU s | CPU s per 100k | peak RSS | API calls | retries |',
		'|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
	];
	for (const r of results) {
		rows.push(
			`| ${n(r.size)} | ${r.input} | ${formatDuration(r.wallMs)} | ${formatDuration(r.lowerBoundMs)} | ${r.ratio.toFixed(2)} | ${formatDuration(r.oneByOne.extrapolatedMs)} | ${n(r.speedup)}x | ${formatDuration(r.projectedWallMs)} | ${formatDuration(r.estimatedWallMs)} | ${formatDuration(r.projectedLowerBoundMs)} | ${formatDuration(r.projectedOneByOneMs)} | ${formatDuration(r.productMs)} | ${n(r.cpuProfilesPerSec)} | ${(r.cpuMsPer100k / 1000).toFixed(2)} | ${n(r.peakRssMb)} MB | ${n(r.apiCalls)} | ${r.retries} |`,
		);
	}
	return rows.join('\n');
}

/** Where n8n ran: its memory cgroup and Node.js flags (`--memory-limit`, BENCH_N8N_NODE_FLAGS), or ''. */
function memoryOf(r: N8nRun): string {
	const limit = r.memoryLimitMb === undefined ? [] : [`${r.memoryLimitMb} MiB`];
	return [...limit, ...(r.nodeFlags === undefined ? [] : [`\`${r.nodeFlags}\``])].join(', ');
}

export function n8nMarkdown(runs: N8nRun[]): string {
	const memory = runs.some((r) => memoryOf(r) !== '');
	const rows = [
		`| case | profiles |${memory ? ' memory |' : ''} \`n8n execute\` wall | export node | lower bound | peak RSS of n8n | CPU (user + sys) |`,
		`|---|---:|${memory ? '---|' : ''}---:|---:|---:|---:|---:|`,
	];
	for (const r of runs) {
		const killed = (r.oomKills ?? 0) > 0;
		rows.push(
			`| ${r.case}${r.round ? `, round ${r.round + 1}` : ''} | ${n(r.size)} |${memory ? ` ${memoryOf(r)} |` : ''} ${formatDuration(r.commandWallMs)} | ${r.exportNodeMs === undefined ? '' : formatDuration(r.exportNodeMs)} | ${r.lowerBoundMs === undefined ? '' : formatDuration(r.lowerBoundMs)} | ${killed ? '**killed by the OOM killer**' : `${n(r.peakRssMb)} MB`} | ${killed ? '' : `${(r.cpuUserS + r.cpuSystemS).toFixed(1)} s`} |`,
		);
	}
	return rows.join('\n');
}

if (require.main === module) {
	const [a = join(__dirname, 'results.json'), b = join(__dirname, 'results-n8n.json')] = process.argv.slice(2);
	const results = JSON.parse(readFileSync(a, 'utf8')) as BenchResult[];
	console.log(resultsMarkdown(results));
	console.log('');
	console.log(targetsMarkdown(benchTargets(results)));
	if (existsSync(b)) {
		const runs = JSON.parse(readFileSync(b, 'utf8')) as N8nRun[];
		console.log('');
		console.log(n8nMarkdown(runs));
		console.log('');
		console.log(targetsMarkdown(n8nTargets(runs)));
	}
}

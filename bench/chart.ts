// A hand-written SVG chart of the results: no plotting library needed.
//
// Left panel: wall time at scale 1 (log scale) per size and input kind: ours (projected), the
// lower bound, the one-PUT-per-member way (extrapolated), and the modelled product's 3 hours per
// million. Right panels: our profiles per CPU second against the 200,000 target, and peak RSS
// against the 250 MB target (issue 14's, for 1,000,000 profiles from a file; the other bars light blue).

import type { BenchResult } from './result';

const W = 1100;
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

function esc(s: string): string {
	return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function formatDuration(ms: number): string {
	const s = ms / 1000;
	if (s < 1) return `${Math.round(ms)} ms`;
	if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
	if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
	return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

function text(x: number, y: number, s: string, attrs = ''): string {
	return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${FONT} ${attrs}>${esc(s)}</text>`;
}

const SERIES = [
	{ key: 'ours', label: 'this node: wall / scale (black tick: bound + measured overhead)', color: '#2b7bb9' },
	{ key: 'bound', label: 'lower bound (Mailchimp, 10 connections)', color: '#9ecae1' },
	{ key: 'oneByOne', label: 'one PUT per member (n8n Mailchimp node way)', color: '#e6550d' },
	{ key: 'product', label: 'modelled product: 3 h per 1M', color: '#969696' },
] as const;

export function renderSvg(results: BenchResult[], title: string): string {
	const rowH = 14;
	const groupGap = 16;
	const left = 170;
	const plotW = 560;
	const top = 70;
	const groups = results.length;
	const groupH = SERIES.length * rowH + groupGap;
	const plotH = groups * groupH;
	const H = Math.max(top + plotH + 120, 460);
	const out: string[] = [];
	out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`);
	out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
	out.push(text(20, 28, title, 'font-size="17" font-weight="bold"'));
	out.push(text(20, 48, 'Wall time at scale 1 (log scale); measured time-scaled against the simulator, divided by the scale', 'font-size="12" fill="#555"'));

	// Log axis: 1 s .. the largest value rounded up to a power of ten.
	const values = results.flatMap((r) => [r.projectedWallMs, r.projectedLowerBoundMs, r.projectedOneByOneMs, r.productMs]);
	const minMs = 1000;
	const maxMs = Math.pow(10, Math.ceil(Math.log10(Math.max(...values, 10_000))));
	const x = (ms: number): number =>
		left + (plotW * (Math.log10(Math.max(ms, minMs)) - Math.log10(minMs))) / (Math.log10(maxMs) - Math.log10(minMs));
	const ticks: Array<[number, string]> = [
		[1000, '1 s'], [10_000, '10 s'], [60_000, '1 min'], [600_000, '10 min'], [3_600_000, '1 h'],
		[10_800_000, '3 h'], [36_000_000, '10 h'], [86_400_000, '1 day'], [864_000_000, '10 days'],
	];
	for (const [ms, label] of ticks) {
		if (ms > maxMs) continue;
		out.push(`<line x1="${x(ms).toFixed(1)}" y1="${top - 6}" x2="${x(ms).toFixed(1)}" y2="${top + plotH}" stroke="#e5e5e5"/>`);
		out.push(text(x(ms), top + plotH + 14, label, 'font-size="10" text-anchor="middle" fill="#555"'));
	}

	results.forEach((r, g) => {
		const y0 = top + g * groupH;
		out.push(text(left - 8, y0 + (SERIES.length * rowH) / 2 + 4, `${r.size.toLocaleString('en-US')} ${r.input}`, 'font-size="12" text-anchor="end"'));
		const vals: Record<(typeof SERIES)[number]['key'], number> = {
			ours: r.projectedWallMs,
			bound: r.projectedLowerBoundMs,
			oneByOne: r.projectedOneByOneMs,
			product: r.productMs,
		};
		SERIES.forEach((s, k) => {
			const y = y0 + k * rowH;
			const ms = vals[s.key];
			const w = Math.max(1, x(ms) - left);
			out.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 2}" fill="${s.color}"/>`);
			let label = formatDuration(ms);
			if (s.key === 'ours') {
				label += `  (${r.ratio.toFixed(2)}x bound; est. ${formatDuration(r.estimatedWallMs)})`;
				const ex = x(r.estimatedWallMs);
				out.push(`<line x1="${ex.toFixed(1)}" y1="${y - 1}" x2="${ex.toFixed(1)}" y2="${y + rowH - 1}" stroke="#000" stroke-width="2"/>`);
			}
			if (s.key === 'oneByOne') label += `  (${Math.round(r.projectedSpeedup)}x ours)`;
			if (s.key === 'product' && r.size !== 1_000_000) label += ' (pro rata)';
			out.push(text(left + w + 4, y + rowH - 4, label, 'font-size="10" fill="#333"'));
		});
	});

	// Legend.
	const ly = top + plotH + 34;
	SERIES.forEach((s, k) => {
		const lx = left - 150 + (k % 2) * 420;
		const yy = ly + Math.floor(k / 2) * 18;
		out.push(`<rect x="${lx}" y="${yy - 10}" width="12" height="12" fill="${s.color}"/>`);
		out.push(text(lx + 18, yy, s.label, 'font-size="11"'));
	});

	// Right panels: small bar charts with target lines.
	const px = 830;
	const pw = 150;
	const panel = (py: number, ph: number, heading: string, target: number, targetLabel: string, better: 'higher' | 'lower', get: (r: BenchResult) => number, fmt: (v: number) => string, applies: (r: BenchResult) => boolean = () => true): void => {
		out.push(text(px, py - 10, heading, 'font-size="12" font-weight="bold"'));
		const max = Math.max(target * 1.25, ...results.map(get)) * 1.05;
		const bh = Math.min(16, (ph - 10) / results.length - 3);
		const sx = (v: number): number => (pw * v) / max;
		results.forEach((r, i) => {
			const v = get(r);
			const ok = better === 'higher' ? v >= target : v < target;
			const y = py + i * (bh + 3);
			const fill = !applies(r) ? '#9ecae1' : ok ? '#31a354' : '#de2d26';
			out.push(`<rect x="${px}" y="${y.toFixed(1)}" width="${Math.max(1, sx(v)).toFixed(1)}" height="${bh.toFixed(1)}" fill="${fill}"/>`);
			const label = `${r.size >= 1e6 ? r.size / 1e6 + 'M' : r.size / 1e3 + 'k'} ${r.input}: ${fmt(v)}`;
			out.push(text(px + Math.max(1, sx(v)) + 3, y + bh - 3, label, 'font-size="9" fill="#333"'));
		});
		const tx = px + sx(target);
		const bottom = py + results.length * (bh + 3);
		out.push(`<line x1="${tx.toFixed(1)}" y1="${py - 4}" x2="${tx.toFixed(1)}" y2="${bottom.toFixed(1)}" stroke="#000" stroke-dasharray="4 2"/>`);
		out.push(text(tx, bottom + 12, targetLabel, 'font-size="9" text-anchor="middle"'));
	};
	const ph = Math.max(150, results.length * 19 + 10);
	const targeted = (r: BenchResult): boolean => r.size === 1_000_000 && r.input === 'binary';
	panel(top, ph, 'Profiles per CPU second (ours)', 200_000, 'target 200,000/s (1M binary)', 'higher', (r) => r.cpuProfilesPerSec, (v) => `${Math.round(v).toLocaleString('en-US')}/s`, targeted);
	panel(top + ph + 50, ph, 'Peak RSS of our process', 250, 'target under 250 MB (1M binary)', 'lower', (r) => r.peakRssMb, (v) => `${Math.round(v)} MB`, targeted);

	out.push('</svg>');
	return out.join('\n') + '\n';
}

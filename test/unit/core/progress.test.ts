// Progress of a long export: reports every so many rows while checking and every 20 batches
// while sending, with an estimate of the time left; the last batch always reports.

import { sleepWithAbort } from 'n8n-workflow';

import { runExport } from '../../../nodes/MailchimpSegmentExport/core';
import type { ApiRequest, ExportProgress } from '../../../nodes/MailchimpSegmentExport/core';
import { CHECK_REPORT_ROWS, ProgressMeter } from '../../../nodes/MailchimpSegmentExport/core/progress';
import { createRequestFn } from '../../simulator/client';
import { start } from '../../simulator/server';
import { options, rowsOf } from './helpers';

const upsert = (members: number): ApiRequest => ({
	method: 'POST',
	path: '/lists/abc',
	body: { members: Array.from({ length: members }, () => ({})), update_existing: true },
});

describe('ProgressMeter', () => {
	it('reports the members sent every 20 batches and at the end, with the time left at the pace so far', async () => {
		let clock = 0;
		const reports: ExportProgress[] = [];
		const meter = new ProgressMeter((p) => reports.push(p), () => clock, 0);
		clock = 2_000;
		meter.sending(10_250);
		const request = meter.wrap(async () => ({ status: 200, body: {} }));
		for (let batch = 0; batch < 21; batch++) {
			clock += 1_000;
			await request(upsert(batch === 20 ? 250 : 500));
		}
		expect(reports).toEqual([
			{ phase: 'sending', done: 10_000, total: 10_250, elapsedMs: 22_000, remainingMs: 500 },
			{ phase: 'sending', done: 10_250, total: 10_250, elapsedMs: 23_000, remainingMs: 0 },
		]);
	});

	it('counts neither failed answers nor other calls', async () => {
		const reports: ExportProgress[] = [];
		const meter = new ProgressMeter((p) => reports.push(p), () => 0, 0);
		meter.sending(500);
		await meter.wrap(async () => ({ status: 429, body: {} }))(upsert(500));
		await meter.wrap(async () => ({ status: 200, body: {} }))({ method: 'POST', path: '/lists/abc/segments/1', body: { members_to_add: ['a'] } });
		await meter.wrap(async () => ({ status: 200, body: {} }))({ method: 'GET', path: '/lists/abc' });
		expect(reports).toEqual([]);
	});

	it('reports the audience members compared every 20 pages and at the end; then changed members sent, with no total', async () => {
		let clock = 0;
		const reports: ExportProgress[] = [];
		const meter = new ProgressMeter((p) => reports.push(p), () => clock, 0);
		clock = 1_000;
		meter.comparing(20_500);
		const page = (members: number) => ({ status: 200, body: { members: Array.from({ length: members }, () => ({})), total_items: 20_500 } });
		for (let i = 0; i < 21; i++) {
			clock += 500;
			await meter.wrap(async () => page(i === 20 ? 500 : 1_000))({ method: 'GET', path: '/lists/abc/members', qs: { offset: i * 1_000 } });
		}
		meter.sending(undefined);
		const request = meter.wrap(async () => ({ status: 200, body: {} }));
		for (let batch = 0; batch < 20; batch++) await request(upsert(500));
		expect(reports).toEqual([
			{ phase: 'comparing', done: 20_000, total: 20_500, elapsedMs: 11_000, remainingMs: 250 },
			{ phase: 'comparing', done: 20_500, total: 20_500, elapsedMs: 11_500, remainingMs: 0 },
			{ phase: 'sending', done: 10_000, elapsedMs: 11_500 },
		]);
	});

	it('reports the rows checked every 100,000 rows', () => {
		const reports: ExportProgress[] = [];
		const meter = new ProgressMeter((p) => reports.push(p), () => 5_000, 0);
		for (let rows = 1024; rows <= 2 * CHECK_REPORT_ROWS + 1024; rows += 1024) meter.checked(rows);
		expect(reports.map((r) => [r.phase, r.done])).toEqual([
			['checking', 100_352],
			['checking', 200_704],
		]);
	});
});

describe('runExport: progress', () => {
	it('tells the caller how far the export has got', async () => {
		const sim = await start({ port: 0 });
		try {
			const listId = sim.state.addList({ name: 'Progress' });
			const reports: ExportProgress[] = [];
			const people = Array.from({ length: 10_001 }, (_, i) => ({ email: `p${i}@example.com`, segment: 'All' }));
			const { summary } = await runExport(rowsOf(people), options({ listId, mapping: { email: 'email', attributes: [] } }), {
				request: createRequestFn({ url: sim.url, apiKey: sim.apiKey }),
				sleep: sleepWithAbort,
				progress: (p) => reports.push(p),
			});
			expect(summary.exported).toBe(10_001);
			const sending = reports.filter((r) => r.phase === 'sending');
			// Every 20 answered batches: 20 of 500, or 19 and the last batch (1 member) when its answer came first.
			expect([[10_000, 10_001], [9_501, 10_001]]).toContainEqual(sending.map((r) => r.done));
			expect(sending.every((r) => r.total === 10_001)).toBe(true);
			expect(sending[1].remainingMs).toBe(0);

			reports.length = 0;
			const again = await runExport(rowsOf(people), options({ listId, mapping: { email: 'email', attributes: [] }, onlySendChanges: true }), {
				request: createRequestFn({ url: sim.url, apiKey: sim.apiKey }),
				sleep: sleepWithAbort,
				progress: (p) => reports.push(p),
			});
			expect(again.summary.unchanged).toBe(10_001);
			expect(reports.filter((r) => r.phase === 'comparing').map((r) => [r.done, r.total])).toEqual([[10_001, 10_001]]);
			expect(reports.filter((r) => r.phase === 'sending')).toEqual([]);
		} finally {
			await sim.stop();
		}
	});
});

import { ExportCancelledError } from '../../../nodes/MailchimpSegmentExport/core';
import { RequestFailedError } from '../../../nodes/MailchimpSegmentExport/core/errors';
import { MAX_RETRY_AFTER_MS, backoffMs, retryAfterMs } from '../../../nodes/MailchimpSegmentExport/core/retry';
import { Runner } from '../../../nodes/MailchimpSegmentExport/core/runner';
import type { ApiResponse, RequestFn } from '../../../nodes/MailchimpSegmentExport/core/types';

const retry = { maxTries: 4, baseDelayMs: 1000, maxDelayMs: 30000 };

function scripted(answers: Array<ApiResponse | Error>): { request: RequestFn; calls: () => number } {
	let n = 0;
	return {
		request: async () => {
			const a = answers[Math.min(n++, answers.length - 1)];
			if (a instanceof Error) throw a;
			return a;
		},
		calls: () => n,
	};
}

describe('Runner', () => {
	it('retries 429, throttling 403, 5xx and network errors with growing, jittered waits', async () => {
		const waits: number[] = [];
		const { request, calls } = scripted([
			{ status: 429, body: {} },
			{ status: 403, body: { title: 'Forbidden', detail: 'You have exceeded the limit of 10 simultaneous connections.' } },
			new Error('ECONNRESET'),
			{ status: 200, body: { ok: true } },
		]);
		const runner = new Runner(request, { maxConcurrency: 2, retry, sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
		await expect(runner.call({ method: 'GET', path: '/x' })).resolves.toEqual({ status: 200, body: { ok: true } });
		expect(calls()).toBe(4);
		expect(runner.apiCalls).toBe(4);
		expect(runner.retries).toBe(3);
		expect(waits).toEqual([500, 1000, 2000]);
	});

	it('gives up after maxTries, and does not retry a 400 or a real permission 403', async () => {
		const five = scripted([{ status: 503, body: { title: 'Service Unavailable' } }]);
		const r1 = new Runner(five.request, { maxConcurrency: 1, retry, sleep: async () => {} });
		await expect(r1.call({ method: 'GET', path: '/x' })).rejects.toBeInstanceOf(RequestFailedError);
		expect(five.calls()).toBe(4);
		const bad = scripted([{ status: 400, body: { title: 'Invalid Resource' } }]);
		const r2 = new Runner(bad.request, { maxConcurrency: 1, retry, sleep: async () => {} });
		await expect(r2.call({ method: 'GET', path: '/x' })).resolves.toMatchObject({ status: 400 });
		const perm = scripted([{ status: 403, body: { title: 'Forbidden', detail: "You don't have permission to access this resource." } }]);
		const r3 = new Runner(perm.request, { maxConcurrency: 1, retry, sleep: async () => {} });
		await expect(r3.call({ method: 'GET', path: '/x' })).resolves.toMatchObject({ status: 403 });
		expect(perm.calls()).toBe(1);
	});

	it('caps the wait and never puts a key in a message', async () => {
		expect(backoffMs(retry, 20, () => 0.999)).toBeLessThanOrEqual(30000);
		const leak = scripted([new Error('failed for key 0123456789abcdef0123456789abcdef-us6')]);
		const r = new Runner(leak.request, { maxConcurrency: 1, retry: { ...retry, maxTries: 1 }, sleep: async () => {} });
		await expect(r.call({ method: 'GET', path: '/x' })).rejects.toThrow(/\[redacted\]/);
	});

	it('keeps at most maxConcurrency requests in flight', async () => {
		let open = 0;
		let peak = 0;
		const runner = new Runner(
			async () => {
				open++;
				peak = Math.max(peak, open);
				await new Promise((r) => setTimeout(r, 2));
				open--;
				return { status: 200, body: {} };
			},
			{ maxConcurrency: 3, retry, sleep: async () => {} },
		);
		const calls = Array.from({ length: 20 }, () => runner.call({ method: 'GET', path: '/x' }));
		// Back-pressure: a producer waiting for fewer than 20 pending calls is let go before they all end.
		let drained = false;
		const below = runner.whenBelow(20).then(() => (drained = true));
		expect(drained).toBe(false);
		await below;
		await Promise.all(calls);
		expect(peak).toBe(3);
		// Every call has ended: nothing is pending, a producer is not held back.
		await expect(Promise.race([runner.whenBelow(1).then(() => 'free'), Promise.resolve().then(() => 'held')])).resolves.toBe('free');
	});

	it('stops on cancellation: no new request, waits end', async () => {
		const controller = new AbortController();
		const { request, calls } = scripted([{ status: 429, body: {} }]);
		const sleep = (_ms: number, signal?: AbortSignal) =>
			new Promise<void>((_resolve, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted'))));
		const runner = new Runner(request, { maxConcurrency: 1, retry, sleep, signal: controller.signal });
		const pending = runner.call({ method: 'GET', path: '/x' });
		await new Promise((r) => setTimeout(r, 5));
		controller.abort();
		await expect(pending).rejects.toBeInstanceOf(ExportCancelledError);
		expect(calls()).toBe(1);
		await expect(runner.call({ method: 'GET', path: '/y' })).rejects.toBeInstanceOf(ExportCancelledError);
		expect(calls()).toBe(1);
	});
});

describe('retryAfterMs', () => {
	const now = Date.UTC(2026, 0, 1, 12, 0, 0);
	it('reads seconds or an HTTP date, caps it, and ignores anything else', () => {
		expect(retryAfterMs({ status: 429, body: {}, headers: { 'retry-after': '3' } }, now)).toBe(3000);
		expect(retryAfterMs({ status: 429, body: {}, headers: { 'retry-after': ['1.5'] } }, now)).toBe(1500);
		expect(retryAfterMs({ status: 503, body: {}, headers: { 'retry-after': new Date(now + 10_000).toUTCString() } }, now)).toBe(10_000);
		expect(retryAfterMs({ status: 429, body: {}, headers: { 'retry-after': '86400' } }, now)).toBe(MAX_RETRY_AFTER_MS);
		expect(retryAfterMs({ status: 429, body: {}, headers: { 'retry-after': 'soon' } }, now)).toBeUndefined();
		expect(retryAfterMs({ status: 429, body: {} }, now)).toBeUndefined();
	});
});

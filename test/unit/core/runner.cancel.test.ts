// The execution's cancel signal carries a few listeners however many calls are in flight or
// waiting out a backoff (Node warns in n8n's log past 10), and cancelling still aborts each of them.
import { ExportCancelledError } from '../../../nodes/MailchimpSegmentExport/core';
import { CancelFanout } from '../../../nodes/MailchimpSegmentExport/core/cancel';
import { Runner } from '../../../nodes/MailchimpSegmentExport/core/runner';
import type { RequestFn, SleepFn } from '../../../nodes/MailchimpSegmentExport/core/types';

const retry = { maxTries: 4, baseDelayMs: 1000, maxDelayMs: 30000 };

/** An abort signal that counts the abort listeners on it now. */
function countedSignal(): { controller: AbortController; listeners: () => number } {
	const controller = new AbortController();
	let count = 0;
	const add = controller.signal.addEventListener.bind(controller.signal);
	const remove = controller.signal.removeEventListener.bind(controller.signal);
	controller.signal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
		if (args[0] === 'abort') count++;
		add(...args);
	}) as AbortSignal['addEventListener'];
	controller.signal.removeEventListener = ((...args: Parameters<AbortSignal['removeEventListener']>) => {
		if (args[0] === 'abort') count--;
		remove(...args);
	}) as AbortSignal['removeEventListener'];
	return { controller, listeners: () => count };
}

/** A call that hangs until its own signal aborts, as n8n's HTTP helper does with abortSignal. */
const hangsUntilAborted: RequestFn = async (_request, signal) =>
	await new Promise((_resolve, reject) => {
		signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
	});

/** A wait that ends only when its signal aborts. */
const waitsUntilAborted: SleepFn = async (_ms, signal) =>
	await new Promise((_resolve, reject) => {
		signal?.addEventListener('abort', () => reject(new Error('cancelled')), { once: true });
	});

const tick = async () => await new Promise((resolve) => setImmediate(resolve));

describe('Runner and the cancel signal', () => {
	it('10 calls in flight add no listener each to the execution signal, and cancelling aborts every one', async () => {
		const { controller, listeners } = countedSignal();
		const seen: Array<AbortSignal | undefined> = [];
		const request: RequestFn = async (call, signal) => {
			seen.push(signal);
			return await hangsUntilAborted(call, signal);
		};
		const runner = new Runner(request, { maxConcurrency: 10, retry, sleep: waitsUntilAborted, signal: controller.signal });
		const calls = Array.from({ length: 25 }, async () => await runner.call({ method: 'GET', path: '/x' }).catch((e: unknown) => e));
		await tick();
		expect(seen).toHaveLength(10);
		expect(seen.every((s) => s !== undefined && s !== controller.signal)).toBe(true);
		expect(listeners()).toBeLessThanOrEqual(2);
		controller.abort();
		const outcomes = await Promise.all(calls);
		expect(outcomes.every((o) => o instanceof ExportCancelledError)).toBe(true);
		expect(seen.every((s) => s?.aborted === true)).toBe(true);
	});

	it('calls waiting out a backoff add no listener each either, and cancelling ends their waits', async () => {
		const { controller, listeners } = countedSignal();
		let sleeping = 0;
		const sleep: SleepFn = async (ms, signal) => {
			sleeping++;
			return await waitsUntilAborted(ms, signal);
		};
		const runner = new Runner(async () => ({ status: 503, body: {} }), { maxConcurrency: 10, retry, sleep, signal: controller.signal });
		const calls = Array.from({ length: 30 }, async () => await runner.call({ method: 'GET', path: '/x' }).catch((e: unknown) => e));
		for (let i = 0; i < 10 && sleeping < 30; i++) await tick();
		expect(sleeping).toBe(30);
		expect(listeners()).toBeLessThanOrEqual(2);
		controller.abort();
		const outcomes = await Promise.all(calls);
		expect(outcomes.every((o) => o instanceof ExportCancelledError)).toBe(true);
	});

	it('a use that starts after the cancel gets an aborted signal, not a live one', async () => {
		const controller = new AbortController();
		const fanout = new CancelFanout(controller.signal);
		controller.abort();
		await expect(fanout.with(async (signal) => signal?.aborted)).resolves.toBe(true);
		await expect(new CancelFanout(undefined).with(async (signal) => signal)).resolves.toBeUndefined();
	});
});

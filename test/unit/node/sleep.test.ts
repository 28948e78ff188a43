// The node waits between retries with n8n-workflow's own helper, picked per line: 1.x's
// sleepWithAbort, 2.34+'s sleep(ms, signal). Each must wait when left alone and reject at once
// when the execution is cancelled, or a cancelled export would go on (or the first retry throw).

import * as workflow1 from 'n8n-workflow';
import * as workflow2 from 'n8n-workflow-2';

import { abortableSleep } from '../../../nodes/MailchimpSegmentExport/execute/sleep';

const lines = [
	['n8n-workflow 1.x', workflow1],
	['n8n-workflow 2.x', workflow2],
] as const;

describe.each(lines)('the retry wait with %s', (_line, helpers) => {
	const sleep = abortableSleep(helpers);

	it('waits the time asked for when nothing cancels it', async () => {
		const started = Date.now();
		await sleep(60, new AbortController().signal);
		expect(Date.now() - started).toBeGreaterThanOrEqual(50);
	});

	it('rejects soon after the cancel signal fires, long before the wait is over', async () => {
		const cancel = new AbortController();
		const started = Date.now();
		const waiting = sleep(10_000, cancel.signal);
		setTimeout(() => cancel.abort(), 20);
		await expect(waiting).rejects.toBeDefined();
		expect(Date.now() - started).toBeLessThan(1_000);
	});

	it('rejects at once when the execution was cancelled before the wait', async () => {
		const cancel = new AbortController();
		cancel.abort();
		await expect(sleep(10_000, cancel.signal)).rejects.toBeDefined();
	});
});

it('prefers sleepWithAbort, because 1.x sleep ignores the signal', () => {
	const sleep = async (): Promise<void> => {};
	const sleepWithAbort = async (): Promise<void> => {};
	expect(abortableSleep({ sleep, sleepWithAbort })).toBe(sleepWithAbort);
	expect(abortableSleep({ sleep })).toBe(sleep);
});

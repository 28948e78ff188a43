// forEachRow over an async source that hands out rows at hand without a promise (ReadyRows).
import { forEachRow } from '../../../nodes/MailchimpSegmentExport/core/rows';
import type { ProfileRow } from '../../../nodes/MailchimpSegmentExport/core/types';

/** 7 rows: 3 at hand, then one through next() (the next "chunk"), 3 more at hand; `failAt` throws from next(). */
function chunked(failAt?: number) {
	const log: string[] = [];
	let i = 0;
	const row = (): ProfileRow => ({ index: i, itemIndex: 0, data: { n: i++ } });
	const iterator = {
		[Symbol.asyncIterator]: () => iterator,
		nextReady: (): ProfileRow | undefined => (i < 7 && i % 4 !== 3 ? (log.push(`ready ${i}`), row()) : undefined),
		next: async (): Promise<IteratorResult<ProfileRow>> => {
			log.push(`next ${i}`);
			if (i === failAt) throw new Error('unreadable');
			return i < 7 ? { done: false, value: row() } : { done: true, value: undefined };
		},
		return: async (): Promise<IteratorResult<ProfileRow>> => {
			log.push('return');
			return { done: true, value: undefined };
		},
	};
	return { source: () => iterator, log };
}

describe('forEachRow with rows at hand', () => {
	it('takes the rows at hand, awaits next() only between chunks, and does not close a finished iterator', async () => {
		const { source, log } = chunked();
		const seen: number[] = [];
		await forEachRow(source, (r) => void seen.push(r.index));
		expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
		expect(log).toEqual(['ready 0', 'ready 1', 'ready 2', 'next 3', 'ready 4', 'ready 5', 'ready 6', 'next 7']);
	});

	it('closes the iterator when a row fails, sync or async', async () => {
		for (const fail of [(): void => { throw new Error('cancelled'); }, async (): Promise<void> => { throw new Error('cancelled'); }]) {
			const { source, log } = chunked();
			await expect(forEachRow(source, (r) => (r.index === 4 ? fail() : undefined))).rejects.toThrow('cancelled');
			expect(log.at(-1)).toBe('return');
		}
	});

	it('passes an error of next() on', async () => {
		const { source, log } = chunked(3);
		await expect(forEachRow(source, () => undefined)).rejects.toThrow('unreadable');
		expect(log).not.toContain('return');
	});
});

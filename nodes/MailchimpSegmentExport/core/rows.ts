// Reading a profile source: both passes go over it row by row, sync or async.

import type { ProfileRow, ProfileSource, ReadyRows } from './types';

/** Iterates a source, sync or async, calling `each` per row (awaiting it only when it returns a promise). */
export async function forEachRow(source: ProfileSource, each: (row: ProfileRow) => void | Promise<void>): Promise<void> {
	const rows = source();
	if (rows !== null && typeof rows === 'object' && Symbol.iterator in rows) {
		for (const row of rows as Iterable<ProfileRow>) {
			const pending = each(row);
			if (pending !== undefined) await pending;
		}
		return;
	}
	// As `for await`, but taking the rows at hand without a promise (ReadyRows), one await per
	// chunk of the file. An error from next() has closed the iterator; an error of `each` closes it.
	const iterator = (rows as AsyncIterable<ProfileRow>)[Symbol.asyncIterator]();
	const ready = typeof (iterator as Partial<ReadyRows<ProfileRow>>).nextReady === 'function' ? (iterator as unknown as ReadyRows<ProfileRow>) : undefined;
	for (;;) {
		let row = ready?.nextReady();
		if (row === undefined) {
			const step = await iterator.next();
			if (step.done === true) return;
			row = step.value;
		}
		let handled = false;
		try {
			const pending = each(row);
			if (pending !== undefined) await pending;
			handled = true;
		} finally {
			if (!handled) await closeQuietly(iterator);
		}
	}
}

async function closeQuietly(iterator: AsyncIterator<ProfileRow>): Promise<void> {
	try {
		await iterator.return?.();
	} catch {
		// The first error is what matters.
	}
}

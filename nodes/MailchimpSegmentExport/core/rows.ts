// Reading a profile source: both passes go over it row by row, sync or async.

import type { ProfileRow, ProfileSource } from './types';

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
	for await (const row of rows as AsyncIterable<ProfileRow>) {
		const pending = each(row);
		if (pending !== undefined) await pending;
	}
}

import type { InputFileError } from '../../../nodes/MailchimpSegmentExport/input';

export type Chunk = Buffer | Uint8Array | string;

export async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
	const out: T[] = [];
	for await (const item of source) out.push(item);
	return out;
}

/** Runs a reader to the end; returns its records, or the error it threw (and the records before it). */
export async function settle<T>(
	source: AsyncIterable<T>,
): Promise<{ records: T[]; error?: InputFileError & { reason: string } }> {
	const records: T[] = [];
	try {
		for await (const item of source) records.push(item);
	} catch (error) {
		return { records, error: error as InputFileError };
	}
	return { records };
}

export function bytes(input: string | Buffer): Buffer {
	return typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
}

/** `buf` cut at the given (sorted) byte offsets. */
export function cut(buf: Buffer, at: number[]): Buffer[] {
	const out: Buffer[] = [];
	let from = 0;
	for (const i of at) {
		out.push(buf.subarray(from, i));
		from = i;
	}
	out.push(buf.subarray(from));
	return out;
}

/** Every way to cut `buf` into two chunks, then into one-byte chunks, then every 3-way cut. */
export function* allSplits(buf: Buffer, threeWay = true): Generator<Buffer[]> {
	for (let i = 0; i <= buf.length; i++) yield cut(buf, [i]);
	yield [...buf].map((b) => Buffer.from([b]));
	if (threeWay) {
		for (let i = 1; i < buf.length; i++) {
			for (let j = i + 1; j < buf.length; j++) yield cut(buf, [i, j]);
		}
	}
}

/** An async stream of `count` chunks produced lazily (nothing is held beyond one chunk). */
export async function* lazyChunks(
	count: number,
	make: (index: number) => Buffer,
	pulled?: { count: number },
): AsyncGenerator<Buffer> {
	for (let i = 0; i < count; i++) {
		if (pulled) pulled.count++;
		yield make(i);
	}
}

import { Readable } from 'node:stream';

import {
	InputFileError,
	readNdjsonRows,
	type NdjsonReadOptions,
	type NdjsonRecord,
} from '../../../nodes/MailchimpSegmentExport/input';
import { allSplits, bytes, collect, lazyChunks, settle, type Chunk } from './helpers';

async function read(input: string | Buffer | Chunk[], options?: NdjsonReadOptions): Promise<NdjsonRecord[]> {
	const chunks = Array.isArray(input) ? input : [bytes(input)];
	return collect(readNdjsonRows(chunks, options));
}

describe('readNdjsonRows', () => {
	it('yields one record per line with row and line numbers', async () => {
		expect(await read('{"email":"a@x.io","n":1}\n{"email":"b@x.io","tags":["x"],"o":{"k":null}}\n')).toEqual([
			{ row: 0, line: 1, data: { email: 'a@x.io', n: 1 } },
			{ row: 1, line: 2, data: { email: 'b@x.io', tags: ['x'], o: { k: null } } },
		]);
	});

	it('handles CRLF, a BOM, a missing final line feed, and skips blank lines without numbering them', async () => {
		expect(await read('\ufeff\r\n{"a":1}\r\n  \r\n\t\n{"a":2}\r\n\n{"a":3}')).toEqual([
			{ row: 0, line: 2, data: { a: 1 } },
			{ row: 1, line: 5, data: { a: 2 } },
			{ row: 2, line: 7, data: { a: 3 } },
		]);
	});

	it('yields nothing for an empty file or blank lines only', async () => {
		expect(await read('')).toEqual([]);
		expect(await read('\ufeff')).toEqual([]);
		expect(await read('\n\r\n  \n')).toEqual([]);
	});

	it('rejects a line that is not valid JSON, and goes on', async () => {
		const records = await read('{"a":1}\n{a:2}\n{"a":3}\n');
		expect(records[0]).toEqual({ row: 0, line: 1, data: { a: 1 } });
		expect(records[1]).toEqual({ row: 1, line: 2, error: expect.stringMatching(/^Row 1 \(line 2\) is not valid JSON: .+\.$/) });
		expect(records[2]).toEqual({ row: 2, line: 3, data: { a: 3 } });
	});

	it('clips a long JSON error message', async () => {
		const [record] = await read(`{"a": "${'x'.repeat(1000)}" oops}\n`);
		expect(record.error?.length).toBeLessThan(260);
	});

	it('says the file may be truncated when its last line is cut off', async () => {
		const records = await read('{"a":1}\n{"a":"trunc');
		expect(records[1]).toEqual({
			row: 1,
			line: 2,
			error: expect.stringMatching(/is not valid JSON: .*The file may be truncated \(its last line has no line feed\)\.$/),
		});
		// An invalid line that has its line feed is just invalid.
		expect((await read('{"a":1}\n{"a":"trunc\n'))[1].error).not.toMatch(/truncated/);
	});

	it.each([
		['[1,2]', 'an array'],
		['"text"', 'a string'],
		['42', 'a number'],
		['true', 'a boolean'],
		['null', 'null'],
	])('rejects %s: it is %s, not an object', async (line, kind) => {
		expect(await read(`${line}\n`)).toEqual([{ row: 0, line: 1, error: `Row 0 (line 1) is ${kind}, not a JSON object.` }]);
	});

	it('keeps __proto__ and constructor keys as own data without polluting Object.prototype', async () => {
		const [record] = await read('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"email":"x@y.z"}\n');
		const data = record.data as Record<string, unknown>;
		expect(Object.keys(data)).toEqual(['__proto__', 'constructor', 'email']);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect((data as { polluted?: unknown }).polluted).toBeUndefined();
	});

	it('reads from a Node Readable and from string chunks', async () => {
		expect(await collect(readNdjsonRows(Readable.from([Buffer.from('{"a":"é"}\n')])))).toEqual([
			{ row: 0, line: 1, data: { a: 'é' } },
		]);
		expect(await read(['{"a":', '"x"}\n{"b"', ':2}'])).toEqual([
			{ row: 0, line: 1, data: { a: 'x' } },
			{ row: 1, line: 2, data: { b: 2 } },
		]);
	});

	it('gives the same records for every split of a tricky file', async () => {
		const buf = bytes('\ufeff{"n":"Zoë 😀€"}\r\n\r\n[1]\n{"s":"a\\nb"}\r\n{bad\n{"x":"Łódź"}');
		const expected = await read([buf]);
		expect(expected).toHaveLength(5);
		for (const chunks of allSplits(buf)) {
			expect(await read(chunks)).toEqual(expected);
		}
	});
});

describe('readNdjsonRows: invalid UTF-8', () => {
	it('throws INVALID_UTF8 naming the line, at every chunk split', async () => {
		const file = Buffer.concat([bytes('{"a":1}\r\n\n{"a":"'), Buffer.from([0xe9]), bytes('"}\n{"a":2}\n')]);
		for (const chunks of allSplits(file, false)) {
			const { error } = await settle(readNdjsonRows(chunks));
			expect(error).toBeInstanceOf(InputFileError);
			expect(error).toMatchObject({ reason: 'INVALID_UTF8', line: 3 });
			expect(error?.message).toBe(
				'The file is not valid UTF-8: invalid bytes on line 3. It looks like Windows-1252 (Excel\'s "CSV (Comma delimited)" on Windows): choose Windows-1252 under File Encoding, or save the file as UTF-8 (in Excel: "CSV UTF-8").',
			);
		}
	});

	it('throws for a file that ends inside a multi-byte character', async () => {
		const { error } = await settle(readNdjsonRows([bytes('{"a":1}\n{"a":"'), Buffer.from([0xf0, 0x9f])]));
		expect(error).toMatchObject({ reason: 'INVALID_UTF8', line: 2 });
	});
});

describe('readNdjsonRows: line cap', () => {
	it('rejects a line over maxLineBytes (in UTF-8 bytes) and goes on with the next line', async () => {
		const long = `{"a":"${'é'.repeat(60)}"}`; // 68 characters, 128 bytes
		const records = await read(`{"a":1}\n${long}\n{"a":2}\n`, { maxLineBytes: 100 });
		expect(records).toEqual([
			{ row: 0, line: 1, data: { a: 1 } },
			{ row: 1, line: 2, error: 'Row 1 (line 2) is larger than 100 bytes, the limit: it was skipped.' },
			{ row: 2, line: 3, data: { a: 2 } },
		]);
	});

	it('rejects an over-long line spread over many chunks, then reads the next lines', async () => {
		const parts: Chunk[] = ['{"a":1}\n{"a":"', ...Array.from({ length: 50 }, () => 'x'.repeat(10)), '"}\r\n{"a":2}\n'];
		for (const chunks of [parts, [parts.join('')]]) {
			expect(await read(chunks, { maxLineBytes: 100 })).toEqual([
				{ row: 0, line: 1, data: { a: 1 } },
				{ row: 1, line: 2, error: 'Row 1 (line 2) is larger than 100 bytes, the limit: it was skipped.' },
				{ row: 2, line: 3, data: { a: 2 } },
			]);
		}
	});

	it('rejects a 100 MB line quickly and without holding it, then reads the next line', async () => {
		const MB = 1024 * 1024;
		const chunk = Buffer.alloc(MB, 'a');
		const stream = lazyChunks(102, (i) =>
			i === 0 ? bytes('{"email":"first@x.io"}\n{"email":"') : i === 101 ? bytes('"}\n{"email":"last@x.io"}\n') : chunk,
		);
		const started = Date.now();
		const before = process.memoryUsage().heapUsed;
		let peak = 0;
		const records: NdjsonRecord[] = [];
		for await (const record of readNdjsonRows(stream)) {
			records.push(record);
			peak = Math.max(peak, process.memoryUsage().heapUsed - before);
		}
		expect(records).toEqual([
			{ row: 0, line: 1, data: { email: 'first@x.io' } },
			{ row: 1, line: 2, error: 'Row 1 (line 2) is larger than 4 MiB, the limit: it was skipped.' },
			{ row: 2, line: 3, data: { email: 'last@x.io' } },
		]);
		expect(peak).toBeLessThan(64 * MB);
		expect(Date.now() - started).toBeLessThan(10_000);
	});

	it('refuses a cap that is not a positive number', async () => {
		expect(() => readNdjsonRows([], { maxLineBytes: -1 })).toThrow(RangeError);
	});
});

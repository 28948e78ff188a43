import { Readable } from 'node:stream';

import {
	InputFileError,
	describeMissingColumn,
	readCsvRows,
	type CsvReadOptions,
	type CsvRecord,
} from '../../../nodes/MailchimpSegmentExport/input';
import { allSplits, bytes, collect, cut, lazyChunks, settle, type Chunk } from './helpers';

async function read(input: string | Buffer | Chunk[], options?: CsvReadOptions): Promise<CsvRecord[]> {
	const chunks = Array.isArray(input) ? input : [bytes(input)];
	return collect(readCsvRows(chunks, options));
}

/** Records as plain values (rows have a prototype-less prototype), for toEqual. */
function plain(records: CsvRecord[]): Array<Record<string, unknown>> {
	return records.map((r) =>
		r.error === undefined ? { row: r.row, line: r.line, data: { ...r.data } } : { row: r.row, line: r.line, error: r.error },
	);
}

async function header(input: string | Buffer, options?: CsvReadOptions): Promise<readonly string[] | undefined> {
	let found: readonly string[] | undefined;
	await read(input, { ...options, onHeader: (h) => (found = h) });
	return found;
}

describe('readCsvRows: basic rows', () => {
	it('yields one record per data row, keyed by the trimmed header, with row and line numbers', async () => {
		const records = await read(' email , first name,ltv\na@x.io,Ann,1.5\nb@x.io,Bob,\n');
		expect(plain(records)).toEqual([
			{ row: 0, line: 2, data: { email: 'a@x.io', 'first name': 'Ann', ltv: '1.5' } },
			{ row: 1, line: 3, data: { email: 'b@x.io', 'first name': 'Bob', ltv: '' } },
		]);
		expect(await header(' email , first name,ltv\n')).toEqual(['email', 'first name', 'ltv']);
	});

	it('keeps field values as they are (no trimming of values)', async () => {
		expect(plain(await read('a,b\n  x , y\n'))[0].data).toEqual({ a: '  x ', b: ' y' });
	});

	it('reads a last row without a final line break', async () => {
		expect(plain(await read('a,b\n1,2\n3,4'))).toEqual([
			{ row: 0, line: 2, data: { a: '1', b: '2' } },
			{ row: 1, line: 3, data: { a: '3', b: '4' } },
		]);
	});

	it('accepts CRLF, LF and a lone CR as line ends, mixed', async () => {
		const records = plain(await read('a,b\r\n1,2\n3,4\r5,6\r\n7,8\r'));
		expect(records.map((r) => r.data)).toEqual([
			{ a: '1', b: '2' },
			{ a: '3', b: '4' },
			{ a: '5', b: '6' },
			{ a: '7', b: '8' },
		]);
		expect(records.map((r) => r.line)).toEqual([2, 3, 4, 5]);
	});

	it('removes a UTF-8 BOM', async () => {
		expect(await header('\ufeffemail,name\r\n')).toEqual(['email', 'name']);
		expect(plain(await read('\ufeffemail\r\nx@y.z\r\n'))[0].data).toEqual({ email: 'x@y.z' });
	});

	it('keeps a BOM-like character that is not at the start of the file', async () => {
		expect(plain(await read('a,b\n\ufeffx,y\n'))[0].data).toEqual({ a: '\ufeffx', b: 'y' });
	});

	it('skips blank lines (before the header, between and after rows) without numbering them', async () => {
		const records = plain(await read('\n\r\nemail\n\nx@y.z\r\n\r\n\ny@y.z\n\n'));
		expect(records).toEqual([
			{ row: 0, line: 5, data: { email: 'x@y.z' } },
			{ row: 1, line: 8, data: { email: 'y@y.z' } },
		]);
	});

	it('keeps unicode text (multi-byte characters, astral plane)', async () => {
		expect(plain(await read('name,city\nZoë 😀,Łódź\n'))[0].data).toEqual({ name: 'Zoë 😀', city: 'Łódź' });
	});

	it('reads from a Node Readable and from string chunks', async () => {
		const file = 'a,b\n1,"x\ny"\n';
		const fromReadable = await collect(readCsvRows(Readable.from([Buffer.from(file)])));
		const fromStrings = await collect(readCsvRows(['a,b\n1,"x', '\ny"\n']));
		expect(plain(fromReadable)).toEqual(plain(fromStrings));
		expect(plain(fromStrings)[0].data).toEqual({ a: '1', b: 'x\ny' });
	});
});

describe('readCsvRows: quoted fields (RFC 4180)', () => {
	it('reads doubled quotes, delimiters and line breaks inside quotes', async () => {
		const records = plain(
			await read('id,note,tag\n1,"say ""hi"", bye","a\r\nb"\n2,"",""""\n3,"x\ny\nz",end\n4,a,b\n'),
		);
		expect(records).toEqual([
			{ row: 0, line: 2, data: { id: '1', note: 'say "hi", bye', tag: 'a\r\nb' } },
			{ row: 1, line: 4, data: { id: '2', note: '', tag: '"' } },
			{ row: 2, line: 5, data: { id: '3', note: 'x\ny\nz', tag: 'end' } },
			{ row: 3, line: 8, data: { id: '4', note: 'a', tag: 'b' } },
		]);
	});

	it('reads quoted header names', async () => {
		expect(await header('"e,mail","a ""b"""\n')).toEqual(['e,mail', 'a "b"']);
	});

	it('counts a lone CR inside quotes as a line for the line numbers', async () => {
		const records = plain(await read('a\n"x\ry"\nz\n'));
		expect(records).toEqual([
			{ row: 0, line: 2, data: { a: 'x\ry' } },
			{ row: 1, line: 4, data: { a: 'z' } },
		]);
	});

	it('keeps a quote inside an unquoted field as a literal character', async () => {
		expect(plain(await read('a,b\nab"c,5" tall\n'))[0].data).toEqual({ a: 'ab"c', b: '5" tall' });
	});

	it('reads a quoted empty value in a one-column file as a row (an empty line would be skipped)', async () => {
		expect(plain(await read('a\n""\n\nx\n'))).toEqual([
			{ row: 0, line: 2, data: { a: '' } },
			{ row: 1, line: 4, data: { a: 'x' } },
		]);
	});

	it('rejects a row with text after a closing quote, and goes on', async () => {
		const records = plain(await read('a,b\n"x"y,2\n3,4\n'));
		expect(records[0]).toEqual({
			row: 0,
			line: 2,
			error: expect.stringMatching(/^Row 0 \(line 2\): field 1 has text after its closing quote/),
		});
		expect(records[1]).toEqual({ row: 1, line: 3, data: { a: '3', b: '4' } });
	});

	it('refuses a header with text after a closing quote', async () => {
		const { error } = await settle(readCsvRows([bytes('"a"b,c\n1,2\n')]));
		expect(error).toBeInstanceOf(InputFileError);
		expect(error).toMatchObject({ reason: 'BAD_HEADER', line: 1 });
	});
});

describe('readCsvRows: field counts', () => {
	it('yields a per-row error for a row with too few or too many fields, and goes on', async () => {
		const records = plain(await read('a,b,c\n1,2,3\n1,2\n1,2,3,4,5\n"x,y",2\n7,8,9\n'));
		expect(records).toEqual([
			{ row: 0, line: 2, data: { a: '1', b: '2', c: '3' } },
			{ row: 1, line: 3, error: 'Row 1 (line 3) has 2 fields but the header has 3.' },
			{ row: 2, line: 4, error: 'Row 2 (line 4) has 5 fields but the header has 3.' },
			{ row: 3, line: 5, error: 'Row 3 (line 5) has 2 fields but the header has 3.' },
			{ row: 4, line: 6, data: { a: '7', b: '8', c: '9' } },
		]);
	});

	it('counts a one-field row against a wider header', async () => {
		expect(plain(await read('a,b\nonly\n'))).toEqual([
			{ row: 0, line: 2, error: 'Row 0 (line 2) has 1 field but the header has 2.' },
		]);
	});
});

describe('readCsvRows: empty files and headers', () => {
	it.each([
		['an empty file', ''],
		['a BOM only', '\ufeff'],
		['blank lines only', '\n\r\n\r\n'],
		['a header only', 'email,name'],
		['a header and a line break', 'email,name\r\n'],
		['a header and blank lines', 'email,name\n\n\n'],
	])('yields no rows for %s', async (_name, file) => {
		expect(await read(file)).toEqual([]);
	});

	it('reports the header of a header-only file', async () => {
		expect(await header('email,name\n')).toEqual(['email', 'name']);
		expect(await header('')).toBeUndefined();
	});

	it.each([
		['a whitespace-only first line', '   \nx@y.z\n', /header \(line 1\) is empty/],
		['a first line of delimiters only', ',,\n1,2,3\n', /header \(line 1\) is empty/],
		['an unnamed column', 'email,,name\n', /Column 2 of the CSV header \(line 1\) has no name/],
		['a duplicate column', 'email,name, email\n', /two columns named "email" \(columns 1 and 3\)/],
		['a duplicate column after blank lines', '\n\nemail,email\n', /header \(line 3\) has two columns named "email"/],
	])('refuses %s', async (_name, file, message) => {
		const { error, records } = await settle(readCsvRows([bytes(file)]));
		expect(records).toEqual([]);
		expect(error).toBeInstanceOf(InputFileError);
		expect(error?.reason).toBe('BAD_HEADER');
		expect(error?.message).toMatch(message);
	});
});

describe('readCsvRows: truncated files', () => {
	it('throws when the file ends inside a quoted field, naming the line the field starts on', async () => {
		const file = 'a,b\n1,2\n3,"open\nstill open\n';
		const { records, error } = await settle(readCsvRows([bytes(file)]));
		expect(error).toBeInstanceOf(InputFileError);
		expect(error).toMatchObject({ reason: 'TRUNCATED_QUOTE', line: 3 });
		expect(error?.message).toBe(
			'The CSV file ends inside a quoted field that starts on line 3: the file may be truncated, or a quote is not closed.',
		);
		// Rows before the error have been yielded; the caller refuses the whole file.
		expect(plain(records)).toEqual([{ row: 0, line: 2, data: { a: '1', b: '2' } }]);
	});

	it('throws for a quote opened in the header', async () => {
		const { error } = await settle(readCsvRows([bytes('"email\n')]));
		expect(error).toMatchObject({ reason: 'TRUNCATED_QUOTE', line: 1 });
	});

	it('reads a closing quote that is the last byte of the file', async () => {
		expect(plain(await read('a\n"x"'))).toEqual([{ row: 0, line: 2, data: { a: 'x' } }]);
		expect(plain(await read('a\n"x"""'))).toEqual([{ row: 0, line: 2, data: { a: 'x"' } }]);
	});

	it('reads a trailing delimiter at the end of the file as an empty last field', async () => {
		expect(plain(await read('a,b\n1,'))).toEqual([{ row: 0, line: 2, data: { a: '1', b: '' } }]);
	});
});

describe('readCsvRows: delimiters', () => {
	it('reads semicolon and tab separated files', async () => {
		expect(plain(await read('a;b\n1;"x;y"\n', { delimiter: ';' }))[0].data).toEqual({ a: '1', b: 'x;y' });
		expect(plain(await read('a\tb\n1\t2,3\n', { delimiter: '\t' }))[0].data).toEqual({ a: '1', b: '2,3' });
	});

	it('refuses a delimiter that is not one character, a quote or a line break, at the call', () => {
		for (const delimiter of ['', ';;', '"', '\n', '\r']) {
			expect(() => readCsvRows([], { delimiter })).toThrow(RangeError);
		}
	});

	it('reads a semicolon file with the default delimiter as one column, which describeMissingColumn explains', async () => {
		const columns = await header('email;first_name;ltv\nx@y.z;Ann;3\n');
		expect(columns).toEqual(['email;first_name;ltv']);
		expect(describeMissingColumn(columns ?? [], 'email')).toBe(
			'The CSV file has no column "email". Columns found (1): "email;first_name;ltv". ' +
				'The header was read as a single column containing semicolons: the file is probably delimited by semicolons; set the CSV delimiter to ";".',
		);
	});
});

describe('describeMissingColumn', () => {
	it('suggests a tab delimiter', () => {
		expect(describeMissingColumn(['email\tname'], 'email')).toMatch(
			/delimited by tabs; set the CSV delimiter to Tab \("\\t"\)\.$/,
		);
	});

	it('suggests commas when another delimiter was set', () => {
		expect(describeMissingColumn(['email,name'], 'email')).toMatch(/set the CSV delimiter to ","\.$/);
	});

	it('points out a case difference', () => {
		expect(describeMissingColumn(['Email', 'Name'], 'email')).toBe(
			'The CSV file has no column "email". Columns found (2): "Email", "Name". Column names are case-sensitive: did you mean "Email"?',
		);
	});

	it('points out a file without a header row', () => {
		expect(describeMissingColumn(['ann@example.com', 'Ann'], 'email')).toMatch(
			/The first line looks like data \(it holds an email address\): the file needs a header row/,
		);
	});

	it('lists at most 20 columns and clips long names', () => {
		const many = Array.from({ length: 25 }, (_, i) => `c${i}`);
		expect(describeMissingColumn(many, 'email')).toMatch(/"c19" and 5 more\.$/);
		expect(describeMissingColumn(['x'.repeat(100)], 'email')).toContain(`"${'x'.repeat(57)}..."`);
	});

	it('handles a missing header', () => {
		expect(describeMissingColumn([], ' email ')).toBe('The CSV file has no column "email": the file has no header row.');
	});
});

describe('readCsvRows: prototype pollution', () => {
	it('stores __proto__, constructor and other Object.prototype names as plain own columns', async () => {
		const file = '__proto__,constructor,toString,hasOwnProperty,prototype\n{"polluted":1},c,t,h,p\n';
		const [record] = await read(file);
		expect(record.error).toBeUndefined();
		const data = record.data as Record<string, string>;
		expect(Object.keys(data)).toEqual(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype']);
		expect(Object.getOwnPropertyDescriptor(data, '__proto__')?.value).toBe('{"polluted":1}');
		expect(data.constructor).toBe('c');
		expect(data.toString).toBe('t');
		expect(JSON.parse(JSON.stringify(data))).toEqual({
			['__proto__']: '{"polluted":1}',
			constructor: 'c',
			toString: 't',
			hasOwnProperty: 'h',
			prototype: 'p',
		});
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(Object.prototype.toString).toBe(Object.prototype.toString);
	});

	it('gives rows no inherited members: a missing column reads as undefined', async () => {
		const [record] = await read('email\nx@y.z\n');
		const data = record.data as Record<string, unknown>;
		expect(data.toString).toBeUndefined();
		expect(data.constructor).toBeUndefined();
		expect(data.__proto__).toBeUndefined();
		expect('hasOwnProperty' in data).toBe(false);
		expect(Object.prototype.hasOwnProperty.call(data, 'email')).toBe(true);
		// The shared prototype cannot be changed through a row.
		expect(Object.isFrozen(Object.getPrototypeOf(data))).toBe(true);
		expect(Object.getPrototypeOf(Object.getPrototypeOf(data))).toBeNull();
	});
});

describe('readCsvRows: invalid UTF-8', () => {
	it.each([
		['a stray continuation byte', Buffer.from([0x80])],
		['a Latin-1 é', Buffer.from([0xe9, 0x74, 0xe9])],
		['an overlong encoding', Buffer.from([0xc0, 0x80])],
		['a UTF-16 surrogate', Buffer.from([0xed, 0xa0, 0x80])],
		['a code point above U+10FFFF', Buffer.from([0xf4, 0x90, 0x80, 0x80])],
		['a cut-off character', Buffer.from([0xe2, 0x82, 0x41])],
	])('throws INVALID_UTF8 naming the line for %s, at every chunk split', async (_name, bad) => {
		const file = Buffer.concat([bytes('email,name\r\n"a@b.c","x\ny"\nc@d.e,'), bad, bytes('\nf@g.h,z\n')]);
		for (const chunks of allSplits(file, false)) {
			const { error } = await settle(readCsvRows(chunks));
			expect(error).toBeInstanceOf(InputFileError);
			expect(error).toMatchObject({ reason: 'INVALID_UTF8', line: 4 });
			expect(error?.message).toBe(
				'The file is not valid UTF-8: invalid bytes on line 4. It looks like Windows-1252 (Excel\'s "CSV (Comma delimited)" on Windows): choose Windows-1252 under File Encoding, or save the file as UTF-8 (in Excel: "CSV UTF-8").',
			);
		}
	});

	it('throws for a file that ends inside a multi-byte character', async () => {
		const file = Buffer.concat([bytes('a\nx\n€'.slice(0, -1)), Buffer.from([0xe2, 0x82])]);
		const { error } = await settle(readCsvRows(cut(file, [file.length - 1])));
		expect(error).toMatchObject({ reason: 'INVALID_UTF8', line: 3 });
	});

	it.each([
		['with a BOM', Buffer.from('\ufeffemail\nx@y.z\n', 'utf16le')],
		['without a BOM', Buffer.from('email\nx@y.z\n', 'utf16le')],
	])('refuses a UTF-16LE file %s, naming UTF-16LE', async (_name, file) => {
		const { error } = await settle(readCsvRows([file]));
		expect(error).toMatchObject({ reason: 'WRONG_ENCODING', line: 1 });
		expect(error?.message).toBe(
			'The file is not UTF-8: it looks like UTF-16LE (Excel\'s "Unicode Text"). Choose UTF-16LE under File Encoding.',
		);
	});

	it('accepts every valid UTF-8 boundary case', async () => {
		const text = 'a\n\u007f\u0080\u07ff\u0800\ud7ff\ue000\uffff\u{10000}\u{10ffff}\n';
		expect(plain(await read(text))[0].data).toEqual({ a: text.slice(2, -1) });
	});
});

describe('readCsvRows: size caps', () => {
	it('refuses a field over maxFieldBytes, in UTF-8 bytes', async () => {
		const ok = await settle(readCsvRows([bytes(`a,b\n${'x'.repeat(100)},1\n`)], { maxFieldBytes: 100 }));
		expect(ok.error).toBeUndefined();
		const over = await settle(readCsvRows([bytes(`a,b\n1,2\n${'x'.repeat(101)},1\n`)], { maxFieldBytes: 100 }));
		expect(over.error).toMatchObject({ reason: 'FIELD_TOO_LARGE', line: 3 });
		expect(over.error?.message).toBe('Field 1 of the CSV row starting on line 3 is larger than 100 bytes, the limit.');
		// 51 two-byte characters: 51 UTF-16 units, 102 bytes.
		const wide = await settle(readCsvRows([bytes(`a,b\n1,"${'é'.repeat(51)}"\n`)], { maxFieldBytes: 100 }));
		expect(wide.error).toMatchObject({ reason: 'FIELD_TOO_LARGE', line: 2 });
	});

	it('refuses a row over maxRowBytes, header included', async () => {
		const row = await settle(readCsvRows([bytes(`a,b\n1,2\n${'x'.repeat(60)},${'y'.repeat(60)}\n`)], { maxRowBytes: 100 }));
		expect(row.error).toMatchObject({ reason: 'ROW_TOO_LARGE', line: 3 });
		expect(row.records).toHaveLength(1);
		const head = await settle(readCsvRows([bytes(`${'h'.repeat(101)}\n`)], { maxRowBytes: 100 }));
		expect(head.error).toMatchObject({ reason: 'ROW_TOO_LARGE', line: 1 });
	});

	it('refuses a 100 MB line quickly, without reading (or holding) the whole of it', async () => {
		const MB = 1024 * 1024;
		const chunk = Buffer.alloc(MB, 'a');
		const pulled = { count: 0 };
		const stream = lazyChunks(100, (i) => (i === 0 ? Buffer.concat([bytes('email,name\nx@y.z,'), chunk]) : chunk), pulled);
		const started = Date.now();
		const { records, error } = await settle(readCsvRows(stream));
		expect(error).toBeInstanceOf(InputFileError);
		expect(error).toMatchObject({ reason: 'ROW_TOO_LARGE', line: 2 });
		expect(error?.message).toBe(
			'The CSV row starting on line 2 is larger than 4 MiB, the limit. Check the delimiter and the line ends.',
		);
		expect(records).toEqual([]);
		expect(pulled.count).toBeLessThanOrEqual(6);
		expect(Date.now() - started).toBeLessThan(5000);
	});

	it('refuses a 100 MB quoted field (a quote never closed) quickly, hinting at the quote', async () => {
		const MB = 1024 * 1024;
		const chunk = Buffer.alloc(MB, 'a\n');
		const pulled = { count: 0 };
		const stream = lazyChunks(100, (i) => (i === 0 ? Buffer.concat([bytes('email,name\nx@y.z,"'), chunk]) : chunk), pulled);
		const { error } = await settle(readCsvRows(stream));
		expect(error).toMatchObject({ reason: 'ROW_TOO_LARGE', line: 2 });
		expect(error?.message).toMatch(/A quoted field may be missing its closing quote\.$/);
		expect(pulled.count).toBeLessThanOrEqual(6);
	});

	it('reads rows right up to the caps across many small chunks', async () => {
		const big = 'x'.repeat(5000);
		const file = bytes(`a,b\n"${big}",${big}\n1,2\n`);
		const chunks = cut(file, Array.from({ length: Math.floor(file.length / 7) }, (_, i) => (i + 1) * 7));
		const records = await read(chunks, { maxFieldBytes: 5000, maxRowBytes: 10004 });
		expect(plain(records)).toEqual([
			{ row: 0, line: 2, data: { a: big, b: big } },
			{ row: 1, line: 3, data: { a: '1', b: '2' } },
		]);
	});

	it('refuses caps that are not positive numbers', () => {
		expect(() => readCsvRows([], { maxFieldBytes: 0 })).toThrow(RangeError);
		expect(() => readCsvRows([], { maxRowBytes: Number.NaN })).toThrow(RangeError);
	});
});

describe('readCsvRows: chunk boundaries', () => {
	const files: Array<[string, string | Buffer]> = [
		['quotes, CRLF, BOM, unicode', '\ufeffe,"n ""q"""\r\n"a,b","x\r\ny"\r\nZoë,😀€\r\n\r\n"",""""\r\n'],
		['lone CRs and blank lines', 'a,b\r\r1,2\r"3\r",4\r\n\n5,6'],
		['errors mixed with rows', 'a,b\n1\n"x"y,2\n3,4,5\n6,7'],
		['a one-column file', 'email\n""\nx\n"y"\n'],
	];

	it.each(files)('gives the same records for every split of a file with %s', async (_name, file) => {
		const buf = bytes(file);
		const expected = plain(await read([buf]));
		expect(expected.length).toBeGreaterThan(0);
		for (const chunks of allSplits(buf)) {
			expect(plain(await read(chunks))).toEqual(expected);
		}
	});

	it('gives the same error for every split of a truncated file', async () => {
		const buf = bytes('a,b\r\n1,"é\r\n2\r\n');
		for (const chunks of allSplits(buf)) {
			const { error } = await settle(readCsvRows(chunks));
			expect(error).toMatchObject({ reason: 'TRUNCATED_QUOTE', line: 2 });
		}
	});

	it('accepts empty chunks and Uint8Array chunks', async () => {
		const buf = bytes('a,b\n1,2\n');
		const chunks: Chunk[] = [new Uint8Array(0), new Uint8Array(buf.subarray(0, 5)), Buffer.alloc(0), buf.subarray(5)];
		expect(plain(await read(chunks))).toEqual([{ row: 0, line: 2, data: { a: '1', b: '2' } }]);
	});
});

describe('readCsvRows: streaming', () => {
	it('reads rows lazily: the first row comes before the stream ends', async () => {
		let ended = false;
		async function* stream(): AsyncGenerator<Buffer> {
			yield bytes('email\nx@y.z\n');
			yield bytes('a'.repeat(64 * 1024));
			yield bytes('\n');
			ended = true;
		}
		const rows = readCsvRows(stream());
		const first = await rows.next();
		expect(first.value).toMatchObject({ row: 0, line: 2 });
		expect(ended).toBe(false);
		await rows.return();
	});

	it('closes the stream when the consumer stops early', async () => {
		const readable = Readable.from(
			(function* () {
				yield Buffer.from('email\n');
				for (let i = 0; i < 1000; i++) yield Buffer.from(`u${i}@x.io\n`);
			})(),
		);
		for await (const record of readCsvRows(readable)) {
			expect(record.row).toBe(0);
			break;
		}
		expect(readable.destroyed).toBe(true);
	});

	it('serves concurrent next() calls in order, like an async generator', async () => {
		async function* slow(): AsyncGenerator<Buffer> {
			yield bytes('a\n1\n');
			await new Promise((resolve) => setImmediate(resolve));
			yield bytes('2\n3');
		}
		const rows = readCsvRows(slow());
		const results = await Promise.all([rows.next(), rows.next(), rows.next(), rows.next(), rows.next()]);
		expect(results.map((r) => (r.done ? 'done' : r.value.data?.a))).toEqual(['1', '2', '3', 'done', 'done']);
	});

	it('ends after an error, and closes the stream', async () => {
		const readable = Readable.from([bytes('a\n1\n"open')]);
		const rows = readCsvRows(readable);
		expect((await rows.next()).value).toMatchObject({ row: 0 });
		await expect(rows.next()).rejects.toMatchObject({ reason: 'TRUNCATED_QUOTE' });
		expect(await rows.next()).toEqual({ done: true, value: undefined });
		expect(readable.destroyed).toBe(true);
	});

	it('passes on an error of the stream itself', async () => {
		async function* broken(): AsyncGenerator<Buffer> {
			yield bytes('a\n1\n');
			throw new Error('binary data store failed');
		}
		const { records, error } = await settle(readCsvRows(broken()));
		expect(records).toHaveLength(1);
		expect(error).toEqual(new Error('binary data store failed'));
	});

	it('stops reading after return()', async () => {
		const rows = readCsvRows([bytes('a\n1\n2\n')]);
		await rows.next();
		expect(await rows.return()).toEqual({ done: true, value: undefined });
		expect(await rows.next()).toEqual({ done: true, value: undefined });
	});

	it('reads 100,000 rows in 256 KiB chunks with the right numbers', async () => {
		const lines = ['email,n'];
		for (let i = 0; i < 100_000; i++) lines.push(i % 1000 === 0 ? `"u${i}@x.io","${i}\n"` : `u${i}@x.io,${i}`);
		const buf = bytes(lines.join('\r\n'));
		const chunks = cut(buf, Array.from({ length: Math.floor(buf.length / 262_144) }, (_, i) => (i + 1) * 262_144));
		let count = 0;
		let line = 2;
		const wrong: unknown[] = [];
		for await (const record of readCsvRows(chunks)) {
			const data = record.data ?? {};
			if (record.row !== count || record.line !== line || data.email !== `u${count}@x.io`) wrong.push(record);
			line += count % 1000 === 0 ? 2 : 1;
			count++;
		}
		expect(wrong.slice(0, 3)).toEqual([]);
		expect(count).toBe(100_000);
	});
});

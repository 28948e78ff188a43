// File Encoding: spreadsheets' Windows-1252 and UTF-16 files read as they are, strictly, and a
// wrong choice refused with the likely encoding named.

import { readCsvRows, readNdjsonRows } from '../../../nodes/MailchimpSegmentExport/input';
import type { CsvRecord } from '../../../nodes/MailchimpSegmentExport/input';
import { guessEncoding } from '../../../nodes/MailchimpSegmentExport/input/encoding';
import { allSplits, collect, settle } from './helpers';

const TEXT = 'email,name\nzoe@example.com,Zoë Dupré – “VIP” €\n';

/** `text` in Windows-1252 (the characters used here only). */
function cp1252(text: string): Buffer {
	const high: Record<string, number> = { '€': 0x80, '–': 0x96, '“': 0x93, '”': 0x94 };
	return Buffer.from([...text].map((c) => high[c] ?? c.charCodeAt(0)));
}

function utf16be(text: string): Buffer {
	const le = Buffer.from(text, 'utf16le');
	return Buffer.from(le.map((_, i) => le[i ^ 1]));
}

const names = (records: CsvRecord[]) => records.map((r) => r.data?.name);

describe('File Encoding', () => {
	it.each([
		['windows-1252', cp1252(TEXT)],
		['utf-16le', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')])],
		['utf-16le', Buffer.from(TEXT, 'utf16le')],
		['utf-16be', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(TEXT)])],
		['utf-8', Buffer.from(`\ufeff${TEXT}`, 'utf8')],
	] as const)('reads a %s file at every chunk split', async (encoding, file) => {
		for (const chunks of allSplits(file, false)) {
			expect(names(await collect(readCsvRows(chunks, { encoding })))).toEqual(['Zoë Dupré – “VIP” €']);
		}
	});

	it('reads ISO-8859-1 as ISO-8859-1 (0x80-0x9F are control characters there)', async () => {
		const file = Buffer.from([...Buffer.from('name\n'), 0xe9, 0x80, 0x0a]);
		const [record] = await collect(readCsvRows([file], { encoding: 'iso-8859-1' }));
		expect(record.data).toEqual({ name: 'é\u0080' });
	});

	it('reads NDJSON in the chosen encoding', async () => {
		const file = cp1252('{"email":"zoe@example.com","name":"Zoë €"}\n');
		const [record] = await collect(readNdjsonRows([file], { encoding: 'windows-1252' }));
		expect(record.data).toEqual({ email: 'zoe@example.com', name: 'Zoë €' });
	});

	it('refuses a byte Windows-1252 does not define, naming the line', async () => {
		const file = Buffer.concat([Buffer.from('email,name\na@b.c,x\nd@e.f,'), Buffer.from([0x81]), Buffer.from('\n')]);
		const { error } = await settle(readCsvRows([file], { encoding: 'windows-1252' }));
		expect(error).toMatchObject({ reason: 'INVALID_ENCODING', line: 3 });
		expect(error?.message).toMatch(/^The file is not valid Windows-1252: invalid bytes on line 3\. It looks like UTF-8/);
	});

	it('refuses an unpaired UTF-16 surrogate, naming the line', async () => {
		const file = Buffer.concat([Buffer.from('email\na@b.c\n', 'utf16le'), Buffer.from([0x00, 0xd8, 0x41, 0x00, 0x0a, 0x00])]);
		const { error } = await settle(readCsvRows([file], { encoding: 'utf-16le' }));
		expect(error).toMatchObject({ reason: 'INVALID_ENCODING', line: 3 });
	});

	it('refuses a UTF-16 file that ends in the middle of a character', async () => {
		const file = Buffer.concat([Buffer.from('email\na@b.c\n', 'utf16le'), Buffer.from([0x41])]);
		const { error } = await settle(readCsvRows([file], { encoding: 'utf-16le' }));
		expect(error).toMatchObject({ reason: 'INVALID_ENCODING' });
	});

	it.each([
		['windows-1252', Buffer.from(TEXT, 'utf8'), 'The file is not Windows-1252: it looks like UTF-8. Choose UTF-8 under File Encoding.'],
		['utf-16le', Buffer.from(TEXT, 'utf8'), 'The file is not UTF-16LE: it looks like UTF-8. Choose UTF-8 under File Encoding.'],
		['utf-16le', cp1252(TEXT), 'The file is not UTF-16LE: it looks like Windows-1252 (Excel\'s "CSV (Comma delimited)" on Windows). Choose Windows-1252 under File Encoding.'],
		['utf-16be', Buffer.from(TEXT, 'utf16le'), 'The file is not UTF-16BE: it looks like UTF-16LE (Excel\'s "Unicode Text"). Choose UTF-16LE under File Encoding.'],
		['iso-8859-1', Buffer.from(TEXT, 'utf16le'), 'The file is not ISO-8859-1: it looks like UTF-16LE (Excel\'s "Unicode Text"). Choose UTF-16LE under File Encoding.'],
	] as const)('a %s choice for a file in another encoding is refused before any row, naming it', async (encoding, file, message) => {
		const { records, error } = await settle(readCsvRows([file], { encoding }));
		expect(records).toEqual([]);
		expect(error).toMatchObject({ reason: 'WRONG_ENCODING', line: 1, message });
	});

	it('an ASCII file reads in every single-byte choice and in UTF-8', async () => {
		for (const encoding of ['utf-8', 'windows-1252', 'iso-8859-1'] as const) {
			const records = await collect(readCsvRows([Buffer.from('email\na@b.c\n')], { encoding }));
			expect(records.map((r) => r.data)).toEqual([{ email: 'a@b.c' }]);
		}
	});

	it('guesses from the first bytes', () => {
		expect(guessEncoding(Buffer.from('email\n'))).toBe('ascii');
		expect(guessEncoding(Buffer.from('é\n', 'utf8'))).toBe('utf-8');
		expect(guessEncoding(Buffer.from('é€'.slice(0, 1) + '\u20ac', 'utf8').subarray(0, 4))).toBe('utf-8');
		expect(guessEncoding(cp1252('é\n'))).toBe('windows-1252');
		expect(guessEncoding(Buffer.from('email', 'utf16le'))).toBe('utf-16le');
		expect(guessEncoding(utf16be('email'))).toBe('utf-16be');
	});
});

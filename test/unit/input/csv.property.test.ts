import fc from 'fast-check';

import { readCsvRows, type CsvRecord } from '../../../nodes/MailchimpSegmentExport/input';
import { collect, cut } from './helpers';

// Round trip: random tables (quotes, delimiters, CR/LF, unicode), written RFC 4180 style,
// cut into random chunks (inside multi-byte characters and between CR and LF too), read back.

const tricky = fc.constantFrom('a', 'Z', ' ', '"', ',', ';', '\t', '\n', '\r', '\r\n', 'é', '€', '😀', '\ufeff', '');
const cell = fc.oneof(
	{ weight: 3, arbitrary: fc.array(tricky, { maxLength: 8 }).map((parts) => parts.join('')) },
	{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);
const name = fc
	.string({ unit: fc.oneof(tricky, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 6 })
	.map((s) => s.trim())
	.filter((s) => s.length > 0);

const table = fc.uniqueArray(name, { minLength: 1, maxLength: 5 }).chain((header) =>
	fc.record({
		header: fc.constant(header),
		rows: fc.array(fc.array(cell, { minLength: header.length, maxLength: header.length }), { maxLength: 8 }),
		delimiter: fc.constantFrom(',', ';', '\t'),
		eol: fc.constantFrom('\n', '\r\n', '\r'),
		quoteAll: fc.boolean(),
		bom: fc.boolean(),
		finalEol: fc.boolean(),
	}),
);

function field(value: string, delimiter: string, quoteAll: boolean, alone: boolean): string {
	const needs =
		quoteAll ||
		value.includes('"') ||
		value.includes(delimiter) ||
		value.includes('\n') ||
		value.includes('\r') ||
		(alone && value === ''); // an empty line would be skipped as blank
	return needs ? `"${value.replace(/"/g, '""')}"` : value;
}

function serialize(t: {
	header: string[];
	rows: string[][];
	delimiter: string;
	eol: string;
	quoteAll: boolean;
	bom: boolean;
	finalEol: boolean;
}): string {
	const line = (cells: string[]) => cells.map((c) => field(c, t.delimiter, t.quoteAll, cells.length === 1)).join(t.delimiter);
	const text = [line(t.header), ...t.rows.map(line)].join(t.eol);
	return (t.bom ? '\ufeff' : '') + text + (t.finalEol ? t.eol : '');
}

function values(records: CsvRecord[], header: string[]): unknown[] {
	return records.map((r) => (r.error !== undefined ? r.error : header.map((h) => r.data[h])));
}

describe('readCsvRows: round-trip property', () => {
	it('reads back any table written RFC 4180 style, whatever the chunking', async () => {
		await fc.assert(
			fc.asyncProperty(table, fc.array(fc.nat(), { maxLength: 6 }), async (t, cutsRaw) => {
				const file = Buffer.from(serialize(t), 'utf8');
				const cuts = [...new Set(cutsRaw.map((c) => c % (file.length + 1)))].sort((a, b) => a - b);
				let header: readonly string[] = [];
				const records = await collect(
					readCsvRows(cut(file, cuts), { delimiter: t.delimiter, onHeader: (h) => (header = h) }),
				);
				expect(header).toEqual(t.header);
				expect(values(records, t.header)).toEqual(t.rows);
				expect(records.map((r) => r.row)).toEqual(t.rows.map((_, i) => i));
			}),
			{ seed: 4180, numRuns: 300 },
		);
	});
});

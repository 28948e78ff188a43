// The CSV reader: the tokenizer (RFC 4180 records out of decoded text, line numbers, size caps)
// and the rows it makes, keyed by the header. The header's rules are in csvHeader.ts; what the
// user reads about missing columns in csvDiagnostics.ts.

import { reasons } from '../core/rejections';
import { overBytes, positiveCap } from './caps';
import { checkHeader } from './csvHeader';
import { readQuotedRecord } from './csvQuoted';
import type { FileEncoding } from './encoding';
import { InputFileError } from './errors';
import { toTextError } from './lines';
import type { PullParser } from './records';
import { RecordStream } from './records';
import type { ByteChunks, InputRecord } from './types';
import { MIB, formatBytes } from './types';

/**
 * A CSV data row keyed by the (trimmed) header names. Its prototype chain holds no
 * Object.prototype (see ROW_PROTOTYPE): a column named `__proto__`, `constructor` or `toString`
 * is just a column, and a lookup of a missing column is `undefined`, never an inherited member.
 * Use `Object.prototype.hasOwnProperty.call(row, key)` or `Object.keys`, not `row.hasOwnProperty`.
 */
export type CsvRow = Record<string, string>;

/** One CSV data row, or a per-row reject (wrong number of fields, text after a closing quote). */
export type CsvRecord = InputRecord<CsvRow>;

export interface CsvReadOptions {
	/** One character, not `"`, CR or LF. Default `,`. */
	delimiter?: string;
	/** Largest field, in UTF-8 bytes. Default 1 MiB. Over it: InputFileError `FIELD_TOO_LARGE`. */
	maxFieldBytes?: number;
	/**
	 * Largest row (header included), in UTF-8 bytes. Default 4 MiB. Over it: InputFileError
	 * `ROW_TOO_LARGE`, raised as soon as the pending row passes the cap (at most about this much
	 * text is ever buffered, plus one chunk).
	 */
	maxRowBytes?: number;
	/** Called once with the trimmed header names, before the first data row. Not called for an empty file. */
	onHeader?: (header: readonly string[]) => void;
	/** The file's text encoding. Default UTF-8. */
	encoding?: FileEncoding;
}

export const CSV_DEFAULT_MAX_FIELD_BYTES = 1 * MIB;
export const CSV_DEFAULT_MAX_ROW_BYTES = 4 * MIB;

/**
 * The prototype of every CSV row: an empty, frozen object with no prototype. Rows inherit
 * nothing (no `toString`, `constructor`, `__proto__` accessor), so any header name, `__proto__`
 * included, is stored as an own property and cannot reach Object.prototype; and unlike
 * `Object.create(null)`, objects made from it stay in V8's fast mode.
 */
const ROW_PROTOTYPE: object = Object.freeze(Object.create(null));

const LF = 10;
const QUOTE = 34;

/**
 * Streams the data rows of an RFC 4180 CSV file whose first non-blank row is the header.
 *
 * - UTF-8 (or `encoding`), strictly: invalid bytes throw InputFileError `INVALID_UTF8` (`INVALID_ENCODING`)
 *   naming the line, first bytes in another encoding `WRONG_ENCODING`; a BOM is removed.
 * - Line ends: CRLF, LF, or a lone CR. Blank lines are skipped (they do not get a row number).
 * - Quoted fields may hold the delimiter, doubled quotes (`""`) and line breaks (kept as they are in
 *   the file). A quote inside an unquoted field is kept as a literal character.
 * - A row with more or fewer fields than the header, or with text after a closing quote, is
 *   yielded as `{ row, line, error }` (a per-row reject); other rows as `{ row, line, data }`.
 * - Whole-file errors (InputFileError): a quote still open at the end of the file (truncated file),
 *   a field or row over the caps, an empty/unnamed/duplicate header name, invalid UTF-8. Rows before
 *   the error have been yielded already: the caller must treat the error as refusing the whole
 *   file (the export does, by reading the file once to validate before sending anything).
 * - An empty file, or a file with only a header, yields nothing.
 *
 * Memory is bounded by `maxRowBytes` plus one chunk, whatever the file size. Options are
 * checked at once: an invalid delimiter or cap throws a RangeError from this call.
 */
export function readCsvRows(
	stream: ByteChunks,
	options: CsvReadOptions = {},
): AsyncGenerator<CsvRecord, void, undefined> {
	return new RecordStream(stream, new CsvParser(options), options.encoding);
}

/**
 * `name` as the string V8 keeps for it as a property name. The header's names are cut out of the
 * file's text: storing a row's properties under those copies costs a lookup in V8's string table
 * each time, under these it costs none (the row objects are made about twice as fast).
 */
function asPropertyName(name: string): string {
	const holder: Record<string, number> = Object.create(null);
	holder[name] = 0;
	return Object.keys(holder)[0];
}

class CsvParser implements PullParser<CsvRecord> {
	private readonly delim: string;
	private readonly delimCode: number;
	private readonly maxField: number;
	private readonly maxRow: number;
	private readonly onHeader?: (header: readonly string[]) => void;

	private header: string[] | null = null;
	private width = 0;
	/** The fields of the row splitLine read last. */
	private readonly fields: string[] = [];
	private row = 0;

	private buf = '';
	private pos = 0;
	/** Physical line number (1-based) at `pos`. */
	private line = 1;
	private eof = false;
	/** Do not retry an incomplete row before this much text is pending (keeps re-scans linear). */
	private minPending = 0;

	// Cached search results: `xAt` is the first match at or after pos when `xAt >= pos`;
	// positions before `xScan` are known to hold no match after the last `xAt`. The quote and
	// delimiter searches start at `xFrom`: splitLine may read a row again from its start (when
	// the full reader needs more text), so those hold for a search from `xFrom` on only.
	private nlAt = -1;
	private nlScan = 0;
	private crAt = -1;
	private crScan = 0;
	private qAt = -1;
	private qScan = 0;
	private qFrom = 0;
	private dAt = -1;
	private dScan = 0;
	private dFrom = 0;

	constructor(options: CsvReadOptions) {
		const delimiter = options.delimiter ?? ',';
		if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
			throw new RangeError(
				`The CSV delimiter must be one character other than a quote or a line break (got ${JSON.stringify(delimiter)}).`,
			);
		}
		this.delim = delimiter;
		this.delimCode = delimiter.charCodeAt(0);
		this.maxField = positiveCap(options.maxFieldBytes, CSV_DEFAULT_MAX_FIELD_BYTES, 'maxFieldBytes');
		this.maxRow = positiveCap(options.maxRowBytes, CSV_DEFAULT_MAX_ROW_BYTES, 'maxRowBytes');
		this.onHeader = options.onHeader;
	}

	push(text: string): void {
		const p = this.pos;
		if (p >= this.buf.length) {
			this.buf = text;
			this.nlAt = this.crAt = this.qAt = this.dAt = -1;
			this.nlScan = this.crScan = this.qScan = this.dScan = 0;
			this.qFrom = this.dFrom = 0;
		} else {
			this.buf = (p === 0 ? this.buf : this.buf.slice(p)) + text;
			this.nlAt -= p;
			this.crAt -= p;
			this.qAt -= p;
			this.dAt -= p;
			this.nlScan = this.nlScan > p ? this.nlScan - p : 0;
			this.crScan = this.crScan > p ? this.crScan - p : 0;
			this.qScan = this.qScan > p ? this.qScan - p : 0;
			this.dScan = this.dScan > p ? this.dScan - p : 0;
			this.qFrom -= p;
			this.dFrom -= p;
		}
		this.pos = 0;
	}

	ready(): boolean {
		return this.buf.length - this.pos >= this.minPending;
	}

	finish(): void {
		this.eof = true;
	}

	/** The next record, or null when more input is needed (or, after finish(), at the end). */
	next(): CsvRecord | null {
		for (;;) {
			const buf = this.buf;
			const pos = this.pos;
			const n = buf.length;
			if (pos >= n) {
				this.minPending = 0;
				return null;
			}

			// Find the end of the physical line (ignoring quotes for now).
			const nl = this.findNl();
			const cr = this.findCr();
			let eol: number;
			let next: number;
			if (cr !== -1 && (nl === -1 || cr < nl)) {
				eol = cr;
				if (cr + 1 < n) next = buf.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
				else if (this.eof) next = n;
				else return this.incomplete();
			} else if (nl !== -1) {
				eol = nl;
				next = nl + 1;
			} else if (this.eof) {
				eol = n;
				next = n;
			} else {
				return this.incomplete();
			}

			const startLine = this.line;
			if (eol === pos) {
				// A blank line.
				this.pos = next;
				this.line++;
				continue;
			}
			if (this.header !== null && (eol - pos) * 3 <= this.maxField && (eol - pos) * 3 <= this.maxRow && this.splitLine(buf, pos, eol)) {
				this.pos = next;
				this.line++;
				return { row: this.row++, line: startLine, data: this.rowOf(this.fields) };
			}

			const parsed = readQuotedRecord(buf, pos, startLine, this.delimCode, this.eof);
			if (parsed === null) return this.incomplete();
			const fields = parsed.fields;
			const malformed = parsed.malformed;
			this.pos = parsed.end;
			this.line += parsed.breaks;

			const length = this.pos - pos;
			if (length * 3 > this.maxField || length * 3 > this.maxRow) {
				this.checkSizes(fields, buf, pos, this.pos, startLine);
			}

			if (this.header === null) {
				this.setHeader(fields, startLine, malformed);
				continue;
			}

			const row = this.row++;
			if (malformed !== undefined) {
				return { row, line: startLine, error: reasons.unreadableRow(row, startLine, `: ${malformed}`) };
			}
			if (fields.length !== this.width) return this.countError(row, startLine, fields.length);
			return { row, line: startLine, data: this.rowOf(fields) };
		}
	}

	/**
	 * The common row, read into `this.fields` without the full reader: one line (no line break in
	 * a quoted field), quoted fields without doubled quotes, as many fields as the header. False
	 * for anything else, which readQuotedRecord reads (the same fields, and the errors).
	 */
	private splitLine(buf: string, pos: number, eol: number): boolean {
		const fields = this.fields;
		const last = this.width - 1;
		let from = pos;
		for (let i = 0; ; i++) {
			let end: number;
			let value: string;
			if (buf.charCodeAt(from) === QUOTE) {
				const close = this.findQuote(from + 1);
				if (close === -1 || close >= eol) return false;
				end = close + 1;
				if (end < eol && buf.charCodeAt(end) !== this.delimCode) return false;
				value = buf.slice(from + 1, close);
			} else {
				const d = this.findDelim(from);
				end = d === -1 || d > eol ? eol : d;
				value = buf.slice(from, end);
			}
			fields[i] = value;
			if (i === last) return end === eol;
			if (end === eol) return false;
			from = end + 1;
		}
	}

	/**
	 * The row object of `fields` (as many as the header). The first columns are stored at
	 * separate sites, each always seeing the same column name: V8 then adds the properties
	 * along one cached path of hidden classes, several times faster than one store in a loop.
	 */
	private rowOf(fields: readonly string[]): CsvRow {
		const keys = this.header as string[];
		const width = this.width;
		const data: CsvRow = Object.create(ROW_PROTOTYPE);
		data[keys[0]] = fields[0];
		if (width === 1) return data;
		data[keys[1]] = fields[1];
		if (width === 2) return data;
		data[keys[2]] = fields[2];
		if (width === 3) return data;
		data[keys[3]] = fields[3];
		if (width === 4) return data;
		data[keys[4]] = fields[4];
		if (width === 5) return data;
		data[keys[5]] = fields[5];
		if (width === 6) return data;
		data[keys[6]] = fields[6];
		if (width === 7) return data;
		data[keys[7]] = fields[7];
		if (width === 8) return data;
		data[keys[8]] = fields[8];
		if (width === 9) return data;
		data[keys[9]] = fields[9];
		if (width === 10) return data;
		data[keys[10]] = fields[10];
		if (width === 11) return data;
		data[keys[11]] = fields[11];
		if (width === 12) return data;
		for (let i = 12; i < width; i++) data[keys[i]] = fields[i];
		return data;
	}

	private countError(row: number, line: number, count: number): CsvRecord {
		return {
			row,
			line,
			error: reasons.unreadableRow(row, line, ` has ${count} field${count === 1 ? '' : 's'} but the header has ${this.width}.`),
		};
	}

	toTextError(error: unknown): unknown {
		return toTextError(error, this.line, this.buf.slice(this.pos), true);
	}

	private incomplete(): null {
		const pending = this.buf.length - this.pos;
		if (pending > this.maxRow) {
			throw new InputFileError(
				`The CSV row starting on line ${this.line} is larger than ${formatBytes(this.maxRow)}, the limit. ` +
					(this.buf.indexOf('"', this.pos) !== -1
						? 'A quoted field may be missing its closing quote.'
						: 'Check the delimiter and the line ends.'),
				'ROW_TOO_LARGE',
				this.line,
			);
		}
		this.minPending = Math.min(pending * 2, this.maxRow + 1);
		return null;
	}

	private checkSizes(fields: string[], buf: string, start: number, end: number, line: number): void {
		const maxField = this.maxField;
		for (let i = 0; i < fields.length; i++) {
			const f = fields[i];
			if (overBytes(f, maxField)) {
				throw new InputFileError(
					`Field ${i + 1} of the CSV row starting on line ${line} is larger than ${formatBytes(maxField)}, the limit.`,
					'FIELD_TOO_LARGE',
					line,
				);
			}
		}
		if (overBytes(buf.slice(start, end), this.maxRow)) {
			throw new InputFileError(
				`The CSV row starting on line ${line} is larger than ${formatBytes(this.maxRow)}, the limit.`,
				'ROW_TOO_LARGE',
				line,
			);
		}
	}

	private setHeader(fields: string[], line: number, malformed: string | undefined): void {
		const names = checkHeader(fields, line, malformed).map(asPropertyName);
		this.header = names;
		this.width = names.length;
		if (this.onHeader) this.onHeader(Object.freeze(names.slice()));
	}

	private findNl(): number {
		if (this.nlAt >= this.pos) return this.nlAt;
		const i = this.buf.indexOf('\n', this.nlScan > this.pos ? this.nlScan : this.pos);
		this.nlAt = i;
		this.nlScan = i === -1 ? this.buf.length : i + 1;
		return i;
	}

	private findCr(): number {
		if (this.crAt >= this.pos) return this.crAt;
		const i = this.buf.indexOf('\r', this.crScan > this.pos ? this.crScan : this.pos);
		this.crAt = i;
		this.crScan = i === -1 ? this.buf.length : i + 1;
		return i;
	}

	/** First delimiter at or after `from`. */
	private findDelim(from: number): number {
		const known = from >= this.dFrom;
		if (known && this.dAt >= from) return this.dAt;
		const i = this.buf.indexOf(this.delim, known && this.dScan > from ? this.dScan : from);
		this.dFrom = from;
		this.dAt = i;
		this.dScan = i === -1 ? this.buf.length : i + 1;
		return i;
	}

	/** First quote at or after `from`. */
	private findQuote(from: number): number {
		const known = from >= this.qFrom;
		if (known && this.qAt >= from) return this.qAt;
		const i = this.buf.indexOf('"', known && this.qScan > from ? this.qScan : from);
		this.qFrom = from;
		this.qAt = i;
		this.qScan = i === -1 ? this.buf.length : i + 1;
		return i;
	}
}

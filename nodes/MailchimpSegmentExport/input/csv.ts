import { reasons } from '../core/rejections';
import { InputFileError } from './errors';
import type { ByteChunks, InputRecord } from './types';
import { MIB, formatBytes } from './types';
import type { PullParser } from './records';
import { RecordStream } from './records';
import { type FileEncoding, invalidTextFileError } from './encoding';
import { InvalidTextError } from './utf8';

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
const CR = 13;
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

interface QuotedParse {
	fields: string[];
	/** Index just after the record's line break (or the end of the buffer at EOF). */
	end: number;
	/** Physical line breaks consumed, the terminating one included. */
	breaks: number;
	malformed?: string;
}

class CsvParser implements PullParser<CsvRecord> {
	private readonly delim: string;
	private readonly delimCode: number;
	private readonly maxField: number;
	private readonly maxRow: number;
	private readonly onHeader?: (header: readonly string[]) => void;

	private header: string[] | null = null;
	private width = 0;
	private row = 0;

	private buf = '';
	private pos = 0;
	/** Physical line number (1-based) at `pos`. */
	private line = 1;
	private eof = false;
	/** Do not retry an incomplete row before this much text is pending (keeps re-scans linear). */
	private minPending = 0;

	// Cached search results: `xAt` is the first match at or after pos when `xAt >= pos`;
	// positions before `xScan` are known to hold no match after the last `xAt`.
	private nlAt = -1;
	private nlScan = 0;
	private crAt = -1;
	private crScan = 0;
	private qAt = -1;
	private qScan = 0;
	private dAt = -1;
	private dScan = 0;

	constructor(options: CsvReadOptions) {
		const delimiter = options.delimiter ?? ',';
		if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
			throw new RangeError(
				`The CSV delimiter must be one character other than a quote or a line break (got ${JSON.stringify(delimiter)}).`,
			);
		}
		this.delim = delimiter;
		this.delimCode = delimiter.charCodeAt(0);
		this.maxField = positive(options.maxFieldBytes, CSV_DEFAULT_MAX_FIELD_BYTES, 'maxFieldBytes');
		this.maxRow = positive(options.maxRowBytes, CSV_DEFAULT_MAX_ROW_BYTES, 'maxRowBytes');
		this.onHeader = options.onHeader;
	}

	push(text: string): void {
		const p = this.pos;
		if (p >= this.buf.length) {
			this.buf = text;
			this.nlAt = this.crAt = this.qAt = this.dAt = -1;
			this.nlScan = this.crScan = this.qScan = this.dScan = 0;
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
			let fields: string[];
			let malformed: string | undefined;
			const q = this.findQuote();
			if (q === -1 || q >= eol) {
				// Fast path: no quote on this line.
				if (eol === pos) {
					this.pos = next;
					this.line++;
					continue;
				}
				this.pos = next;
				this.line++;
				if (this.header !== null && (eol - pos) * 3 <= this.maxField && (eol - pos) * 3 <= this.maxRow) {
					return this.fastRecord(buf, pos, eol, startLine);
				}
				fields = buf.slice(pos, eol).split(this.delim);
			} else {
				const parsed = this.parseQuoted();
				if (parsed === null) return this.incomplete();
				fields = parsed.fields;
				malformed = parsed.malformed;
				this.pos = parsed.end;
				this.line += parsed.breaks;
			}

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
			const keys = this.header;
			const width = this.width;
			if (fields.length !== width) return this.countError(row, startLine, fields.length);
			const data: CsvRow = Object.create(ROW_PROTOTYPE);
			for (let i = 0; i < width; i++) data[keys[i]] = fields[i];
			return { row, line: startLine, data };
		}
	}

	/** A data row on one line without quotes, short enough to need no size check. */
	private fastRecord(buf: string, start: number, eol: number, line: number): CsvRecord {
		const row = this.row++;
		const keys = this.header as string[];
		const last = this.width - 1;
		const data: CsvRow = Object.create(ROW_PROTOTYPE);
		let from = start;
		for (let i = 0; i < last; i++) {
			const d = this.findDelim(from);
			if (d === -1 || d >= eol) return this.countError(row, line, i + 1);
			data[keys[i]] = buf.slice(from, d);
			from = d + 1;
		}
		const d = this.findDelim(from);
		if (d !== -1 && d < eol) {
			let count = this.width + 1;
			for (let j = buf.indexOf(this.delim, d + 1); j !== -1 && j < eol; j = buf.indexOf(this.delim, j + 1)) count++;
			return this.countError(row, line, count);
		}
		data[keys[last]] = buf.slice(from, eol);
		return { row, line, data };
	}

	private countError(row: number, line: number, count: number): CsvRecord {
		return {
			row,
			line,
			error: reasons.unreadableRow(row, line, ` has ${count} field${count === 1 ? '' : 's'} but the header has ${this.width}.`),
		};
	}

	/** Turns an InvalidTextError from the decoder into an InputFileError naming the line. */
	toTextError(error: unknown): unknown {
		if (!(error instanceof InvalidTextError)) return error;
		return invalidTextFileError(error, this.line + countLineBreaks(this.buf.slice(this.pos) + error.validPrefix));
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
			if (f.length * 3 > maxField && (f.length > maxField || Buffer.byteLength(f, 'utf8') > maxField)) {
				throw new InputFileError(
					`Field ${i + 1} of the CSV row starting on line ${line} is larger than ${formatBytes(maxField)}, the limit.`,
					'FIELD_TOO_LARGE',
					line,
				);
			}
		}
		if (end - start > this.maxRow || Buffer.byteLength(buf.slice(start, end), 'utf8') > this.maxRow) {
			throw new InputFileError(
				`The CSV row starting on line ${line} is larger than ${formatBytes(this.maxRow)}, the limit.`,
				'ROW_TOO_LARGE',
				line,
			);
		}
	}

	private setHeader(fields: string[], line: number, malformed: string | undefined): void {
		if (malformed !== undefined) {
			throw new InputFileError(`The CSV header (line ${line}) is malformed: ${malformed}`, 'BAD_HEADER', line);
		}
		const names = fields.map((f) => f.trim());
		if (names.every((name) => name === '')) {
			throw new InputFileError(
				`The CSV header (line ${line}) is empty: the first line of the file must name the columns.`,
				'BAD_HEADER',
				line,
			);
		}
		const seen = new Map<string, number>();
		for (let i = 0; i < names.length; i++) {
			const name = names[i];
			if (name === '') {
				throw new InputFileError(
					`Column ${i + 1} of the CSV header (line ${line}) has no name. Columns found: ${listColumns(names)}.`,
					'BAD_HEADER',
					line,
				);
			}
			const first = seen.get(name);
			if (first !== undefined) {
				throw new InputFileError(
					`The CSV header (line ${line}) has two columns named ${JSON.stringify(name)} (columns ${first + 1} and ${i + 1}).`,
					'BAD_HEADER',
					line,
				);
			}
			seen.set(name, i);
		}
		this.header = names;
		this.width = names.length;
		if (this.onHeader) this.onHeader(Object.freeze(names.slice()));
	}

	/**
	 * Parses the record at `pos` character by character (only rows with a quote come here).
	 * Returns null when the buffer ends before the record does.
	 */
	private parseQuoted(): QuotedParse | null {
		const buf = this.buf;
		const n = buf.length;
		const eof = this.eof;
		const delimCode = this.delimCode;
		const fields: string[] = [];
		let breaks = 0;
		let malformed: string | undefined;
		let i = this.pos;
		for (;;) {
			// A field starts at i.
			if (i < n && buf.charCodeAt(i) === QUOTE) {
				const fieldLine = this.line + breaks;
				let value = '';
				let from = i + 1;
				for (;;) {
					const j = buf.indexOf('"', from);
					if (j === -1) {
						if (!eof) return null;
						throw new InputFileError(
							`The CSV file ends inside a quoted field that starts on line ${fieldLine}: the file may be truncated, or a quote is not closed.`,
							'TRUNCATED_QUOTE',
							fieldLine,
						);
					}
					if (j + 1 >= n && !eof) return null; // cannot tell `"` from `""` yet
					if (j + 1 < n && buf.charCodeAt(j + 1) === QUOTE) {
						value += buf.slice(from, j + 1);
						from = j + 2;
						continue;
					}
					value += buf.slice(from, j);
					i = j + 1;
					break;
				}
				breaks += countLineBreaks(value);
				if (i < n) {
					const c = buf.charCodeAt(i);
					if (c !== delimCode && c !== LF && c !== CR) {
						// RFC 4180 violation (`"a"b`): keep the text, reject the row.
						let k = i;
						while (k < n) {
							const d = buf.charCodeAt(k);
							if (d === delimCode || d === LF || d === CR) break;
							k++;
						}
						if (k === n && !eof) return null;
						malformed ??= `field ${fields.length + 1} has text after its closing quote (a field with quotes must be quoted as a whole, with inner quotes doubled: "a ""b"" c").`;
						value += buf.slice(i, k);
						i = k;
					}
				}
				fields.push(value);
			} else {
				let k = i;
				while (k < n) {
					const c = buf.charCodeAt(k);
					if (c === delimCode || c === LF || c === CR) break;
					k++;
				}
				if (k === n && !eof) return null;
				fields.push(buf.slice(i, k));
				i = k;
			}
			// After a field: a delimiter, a line break, or the end of the file.
			if (i >= n) return { fields, end: n, breaks: breaks + 1, malformed };
			const c = buf.charCodeAt(i);
			if (c === delimCode) {
				i++;
				continue;
			}
			if (c === LF) return { fields, end: i + 1, breaks: breaks + 1, malformed };
			// CR
			if (i + 1 < n) {
				return { fields, end: buf.charCodeAt(i + 1) === LF ? i + 2 : i + 1, breaks: breaks + 1, malformed };
			}
			if (!eof) return null;
			return { fields, end: n, breaks: breaks + 1, malformed };
		}
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

	/** First delimiter at or after `from`; `from` never decreases between pushes. */
	private findDelim(from: number): number {
		if (this.dAt >= from) return this.dAt;
		const i = this.buf.indexOf(this.delim, this.dScan > from ? this.dScan : from);
		this.dAt = i;
		this.dScan = i === -1 ? this.buf.length : i + 1;
		return i;
	}

	private findQuote(): number {
		if (this.qAt >= this.pos) return this.qAt;
		const i = this.buf.indexOf('"', this.qScan > this.pos ? this.qScan : this.pos);
		this.qAt = i;
		this.qScan = i === -1 ? this.buf.length : i + 1;
		return i;
	}
}

/** Line breaks in `text`: LF, CRLF and a lone CR each count once. */
export function countLineBreaks(text: string): number {
	let count = 0;
	for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
	for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) {
		if (text.charCodeAt(i + 1) !== LF) count++;
	}
	return count;
}

function positive(value: number | undefined, fallback: number, name: string): number {
	if (value === undefined) return fallback;
	if (!Number.isFinite(value) || value < 1) throw new RangeError(`${name} must be a positive number.`);
	return Math.floor(value);
}

function listColumns(header: readonly string[]): string {
	const shown = header.slice(0, 20).map((h) => JSON.stringify(h.length > 60 ? `${h.slice(0, 57)}...` : h));
	return header.length > 20 ? `${shown.join(', ')} and ${header.length - 20} more` : shown.join(', ');
}

const DELIMITER_NAMES: Array<[string, string, string]> = [
	[';', 'semicolons', '";"'],
	['\t', 'tabs', 'Tab ("\\t")'],
	['|', 'vertical bars', '"|"'],
	[',', 'commas', '","'],
];

const LOOKS_LIKE_EMAIL = /^[^\s@",;]+@[^\s@",;]+\.[^\s@",;]+$/;

/**
 * A message for a CSV header without the expected column: lists the columns found, and suggests
 * the likely cause (another delimiter, a case difference, a file without a header row).
 */
export function describeMissingColumn(header: readonly string[], column: string): string {
	const wanted = column.trim();
	if (header.length === 0) {
		return `The CSV file has no column ${JSON.stringify(wanted)}: the file has no header row.`;
	}
	const parts = [
		`The CSV file has no column ${JSON.stringify(wanted)}. Columns found (${header.length}): ${listColumns(header)}.`,
	];
	const lower = wanted.toLowerCase();
	const sameButCase = header.find((h) => h.trim().toLowerCase() === lower);
	if (sameButCase !== undefined) {
		parts.push(`Column names are case-sensitive: did you mean ${JSON.stringify(sameButCase)}?`);
	}
	if (header.length === 1) {
		for (const [char, name, label] of DELIMITER_NAMES) {
			if (header[0].includes(char)) {
				parts.push(
					`The header was read as a single column containing ${name}: the file is probably delimited by ${name}; set the CSV delimiter to ${label}.`,
				);
				break;
			}
		}
	}
	if (header.some((h) => LOOKS_LIKE_EMAIL.test(h.trim()))) {
		parts.push(
			'The first line looks like data (it holds an email address): the file needs a header row naming the columns.',
		);
	}
	return parts.join(' ');
}

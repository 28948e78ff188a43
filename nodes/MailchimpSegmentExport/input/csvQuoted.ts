// The CSV tokenizer's slow path: a record with a quote in it, read character by character
// (quoted fields may hold the delimiter, doubled quotes and line breaks).

import { InputFileError } from './errors';
import { countLineBreaks } from './lines';

const LF = 10;
const CR = 13;
const QUOTE = 34;

/** A record read by readQuotedRecord. */
export interface QuotedRecord {
	fields: string[];
	/** Index just after the record's line break (or the end of the buffer at EOF). */
	end: number;
	/** Physical line breaks consumed, the terminating one included. */
	breaks: number;
	malformed?: string;
}

/**
 * Parses the record at `pos` of `buf` character by character (only rows with a quote come
 * here); `line` is the line it starts on, `eof` whether `buf` holds the rest of the file.
 * Returns null when the buffer ends before the record does.
 */
export function readQuotedRecord(buf: string, pos: number, line: number, delimCode: number, eof: boolean): QuotedRecord | null {
	const n = buf.length;
	const fields: string[] = [];
	let breaks = 0;
	let malformed: string | undefined;
	let i = pos;
	for (;;) {
		// A field starts at i.
		if (i < n && buf.charCodeAt(i) === QUOTE) {
			const fieldLine = line + breaks;
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
					const k = fieldEnd(buf, i, n, delimCode);
					if (k === n && !eof) return null;
					malformed ??= `field ${fields.length + 1} has text after its closing quote (a field with quotes must be quoted as a whole, with inner quotes doubled: "a ""b"" c").`;
					value += buf.slice(i, k);
					i = k;
				}
			}
			fields.push(value);
		} else {
			const k = fieldEnd(buf, i, n, delimCode);
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

/** Where unquoted text starting at `i` ends: at the next delimiter or line break, or at `n`. */
function fieldEnd(buf: string, i: number, n: number, delimCode: number): number {
	let k = i;
	while (k < n) {
		const c = buf.charCodeAt(k);
		if (c === delimCode || c === LF || c === CR) break;
		k++;
	}
	return k;
}

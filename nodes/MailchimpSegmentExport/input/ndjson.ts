import { reasons } from '../core/rejections';
import { overBytes, positiveCap } from './caps';
import type { FileEncoding } from './encoding';
import { toTextError } from './lines';
import type { PullParser } from './records';
import { RecordStream } from './records';
import type { ByteChunks, InputRecord } from './types';
import { MIB, formatBytes } from './types';

/** One NDJSON line parsed as a JSON object, or a per-row reject. */
export type NdjsonRecord = InputRecord<Record<string, unknown>>;

export interface NdjsonReadOptions {
	/**
	 * Longest line, in UTF-8 bytes. Default 4 MiB. A longer line is a per-row reject: the reader
	 * stops keeping its text as soon as it passes the cap, discards the rest up to the next line
	 * feed, and goes on with the next line (memory stays bounded by the cap plus one chunk).
	 */
	maxLineBytes?: number;
	/** The file's text encoding. Default UTF-8. */
	encoding?: FileEncoding;
}

export const NDJSON_DEFAULT_MAX_LINE_BYTES = 4 * MIB;

const MAX_MESSAGE_DETAIL = 160;

/**
 * Streams the rows of an NDJSON file (one JSON object per line).
 *
 * - UTF-8 (or `encoding`), strictly: invalid bytes throw InputFileError `INVALID_UTF8` (`INVALID_ENCODING`)
 *   naming the line, first bytes in another encoding `WRONG_ENCODING`; a BOM is removed.
 * - Lines end with LF; a CR before it is JSON whitespace and ignored. Blank (whitespace-only)
 *   lines are skipped and get no row number.
 * - Per-row rejects (`{ row, line, error }`): a line that is not valid JSON (on the last line of a
 *   file without a final line feed the message says the file may be truncated), a line that is
 *   valid JSON but not an object (array, string, number, null), a line over `maxLineBytes`.
 * - An empty file yields nothing.
 *
 * An invalid `maxLineBytes` throws a RangeError from this call.
 */
export function readNdjsonRows(
	stream: ByteChunks,
	options: NdjsonReadOptions = {},
): AsyncGenerator<NdjsonRecord, void, undefined> {
	return new RecordStream(stream, new NdjsonParser(options), options.encoding);
}

class NdjsonParser implements PullParser<NdjsonRecord> {
	private readonly maxLine: number;
	private buf = '';
	private pos = 0;
	/** Positions from `pos` up to `scan` hold no line feed. */
	private scan = 0;
	/** Physical line number (1-based) at `pos`. */
	private line = 1;
	private row = 0;
	/** Discarding the rest of an over-long line, up to its line feed. */
	private skipping = false;
	private eof = false;

	constructor(options: NdjsonReadOptions) {
		this.maxLine = positiveCap(options.maxLineBytes, NDJSON_DEFAULT_MAX_LINE_BYTES, 'maxLineBytes');
	}

	push(text: string): void {
		if (this.skipping) {
			const nl = text.indexOf('\n');
			if (nl === -1) return;
			this.skipping = false;
			this.line++;
			text = text.slice(nl + 1);
		}
		const p = this.pos;
		if (p >= this.buf.length) {
			this.buf = text;
			this.scan = 0;
		} else {
			this.buf = this.buf.slice(p) + text;
			this.scan = this.scan > p ? this.scan - p : 0;
		}
		this.pos = 0;
	}

	ready(): boolean {
		return true;
	}

	finish(): void {
		this.eof = true;
	}

	next(): NdjsonRecord | null {
		for (;;) {
			const buf = this.buf;
			const pos = this.pos;
			if (pos >= buf.length) return null;
			const nl = buf.indexOf('\n', this.scan > pos ? this.scan : pos);
			if (nl === -1) {
				this.scan = buf.length;
				if (this.eof) {
					this.pos = buf.length;
					const record = parseLine(buf, pos, buf.length, this.row, this.line, this.maxLine, true);
					if (record !== null) this.row++;
					return record;
				}
				if (buf.length - pos > this.maxLine) {
					const record = tooLong(this.row++, this.line, this.maxLine);
					this.skipping = true;
					this.buf = '';
					this.pos = this.scan = 0;
					return record;
				}
				return null;
			}
			const line = this.line;
			this.pos = this.scan = nl + 1;
			this.line++;
			const record = parseLine(buf, pos, nl, this.row, line, this.maxLine, false);
			if (record !== null) {
				this.row++;
				return record;
			}
		}
	}

	toTextError(error: unknown): unknown {
		// A lone CR is JSON whitespace here, not a line end.
		return toTextError(error, this.line, this.buf.slice(this.pos), false);
	}
}

function tooLong(row: number, line: number, maxLine: number): NdjsonRecord {
	return { row, line, error: reasons.unreadableRow(row, line, ` is larger than ${formatBytes(maxLine)}, the limit: it was skipped.`) };
}

function parseLine(
	buf: string,
	start: number,
	end: number,
	row: number,
	line: number,
	maxLine: number,
	last: boolean,
): NdjsonRecord | null {
	const length = end - start;
	if (length === 0) return null;
	const text = buf.slice(start, end);
	const first = text.charCodeAt(0);
	// Blank line: only JSON whitespace (a line starting with `{` skips the check).
	if (first !== 123 && text.trim() === '') return null;
	if (overBytes(text, maxLine)) {
		return tooLong(row, line, maxLine);
	}
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		const detail = error instanceof Error ? error.message : String(error);
		return {
			row,
			line,
			error:
				reasons.unreadableRow(row, line, ` is not valid JSON: ${sentence(clip(detail))}`) +
				(last ? ' The file may be truncated (its last line has no line feed).' : ''),
		};
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
		return { row, line, error: reasons.unreadableRow(row, line, ` is ${kind}, not a JSON object.`) };
	}
	return { row, line, data: value as Record<string, unknown> };
}

function clip(text: string): string {
	return text.length > MAX_MESSAGE_DETAIL ? `${text.slice(0, MAX_MESSAGE_DETAIL - 3)}...` : text;
}

function sentence(text: string): string {
	return /[.!?]$/.test(text) ? text : `${text}.`;
}

import { Buffer } from 'node:buffer';

import { InputFileError } from './errors';
import type { ByteChunks, InputRecord } from './types';
import { MIB, formatBytes } from './types';
import { InvalidUtf8Error, Utf8StreamDecoder } from './utf8';

/** One NDJSON line parsed as a JSON object, or a per-row reject. */
export type NdjsonRecord = InputRecord<Record<string, unknown>>;

export interface NdjsonReadOptions {
	/**
	 * Longest line, in UTF-8 bytes. Default 4 MiB. A longer line is a per-row reject: the reader
	 * stops keeping its text as soon as it passes the cap, discards the rest up to the next line
	 * feed, and goes on with the next line (memory stays bounded by the cap plus one chunk).
	 */
	maxLineBytes?: number;
}

export const NDJSON_DEFAULT_MAX_LINE_BYTES = 4 * MIB;

const MAX_MESSAGE_DETAIL = 160;

/**
 * Streams the rows of an NDJSON file (one JSON object per line).
 *
 * - UTF-8, strictly: invalid bytes throw InputFileError `INVALID_UTF8` naming the line; a BOM is removed.
 * - Lines end with LF; a CR before it is JSON whitespace and ignored. Blank (whitespace-only)
 *   lines are skipped and get no row number.
 * - Per-row rejects (`{ row, line, error }`): a line that is not valid JSON (on the last line of a
 *   file without a final line feed the message says the file may be truncated), a line that is
 *   valid JSON but not an object (array, string, number, null), a line over `maxLineBytes`.
 * - An empty file yields nothing.
 */
export async function* readNdjsonRows(
	stream: ByteChunks,
	options: NdjsonReadOptions = {},
): AsyncGenerator<NdjsonRecord, void, undefined> {
	const maxLine = options.maxLineBytes ?? NDJSON_DEFAULT_MAX_LINE_BYTES;
	if (!Number.isFinite(maxLine) || maxLine < 1) throw new RangeError('maxLineBytes must be a positive number.');
	const decoder = new Utf8StreamDecoder();

	let buf = '';
	let pos = 0;
	/** Positions before `scan` hold no line feed (after `pos`). */
	let scan = 0;
	/** Physical line number (1-based) at `pos`. */
	let line = 1;
	let row = 0;
	/** Discarding the rest of an over-long line. */
	let skipping = false;

	const toUtf8Error = (error: unknown): unknown => {
		if (!(error instanceof InvalidUtf8Error)) return error;
		const at = line + countLineFeeds(buf.slice(pos) + error.validPrefix);
		return new InputFileError(
			`The file is not valid UTF-8: invalid bytes on line ${at}. ${error.hint}`,
			'INVALID_UTF8',
			at,
		);
	};

	const tooLong = (): NdjsonRecord => ({
		row: row++,
		line,
		error: `Row ${row - 1} (line ${line}) is larger than ${formatBytes(maxLine)}, the limit: it was skipped.`,
	});

	for await (const chunk of stream) {
		let text: string;
		try {
			text = decoder.write(chunk);
		} catch (error) {
			throw toUtf8Error(error);
		}
		if (text.length === 0) continue;

		if (skipping) {
			const nl = text.indexOf('\n');
			if (nl === -1) continue;
			skipping = false;
			line++;
			text = text.slice(nl + 1);
		}
		if (pos >= buf.length) {
			buf = text;
			scan = 0;
		} else {
			buf = buf.slice(pos) + text;
			scan = scan > pos ? scan - pos : 0;
		}
		pos = 0;

		for (;;) {
			const nl = buf.indexOf('\n', scan > pos ? scan : pos);
			if (nl === -1) {
				scan = buf.length;
				if (buf.length - pos > maxLine) {
					yield tooLong();
					skipping = true;
					buf = '';
					pos = scan = 0;
				}
				break;
			}
			const startLine = line;
			const start = pos;
			pos = scan = nl + 1;
			line++;
			const record = parseLine(buf, start, nl, row, startLine, maxLine, false);
			if (record !== null) {
				row++;
				yield record;
			}
		}
	}
	try {
		decoder.end();
	} catch (error) {
		throw toUtf8Error(error);
	}
	if (!skipping && pos < buf.length) {
		const record = parseLine(buf, pos, buf.length, row, line, maxLine, true);
		if (record !== null) yield record;
	}
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
	if (length * 3 > maxLine && (length > maxLine || Buffer.byteLength(text, 'utf8') > maxLine)) {
		return {
			row,
			line,
			error: `Row ${row} (line ${line}) is larger than ${formatBytes(maxLine)}, the limit: it was skipped.`,
		};
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
				`Row ${row} (line ${line}) is not valid JSON: ${sentence(clip(detail))}` +
				(last ? ' The file may be truncated (its last line has no line feed).' : ''),
		};
	}
	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
		return { row, line, error: `Row ${row} (line ${line}) is ${kind}, not a JSON object.` };
	}
	return { row, line, data: value as Record<string, unknown> };
}

function clip(text: string): string {
	return text.length > MAX_MESSAGE_DETAIL ? `${text.slice(0, MAX_MESSAGE_DETAIL - 3)}...` : text;
}

function sentence(text: string): string {
	return /[.!?]$/.test(text) ? text : `${text}.`;
}

function countLineFeeds(text: string): number {
	let count = 0;
	for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
	return count;
}

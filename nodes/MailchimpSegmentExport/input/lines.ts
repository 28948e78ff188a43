// Where a reader is in its file: the one line-break counter of the CSV and NDJSON readers, and
// the decoder's invalid-byte error turned into one that names the line.

import { invalidTextFileError } from './encoding';
import { InvalidTextError } from './utf8';

const LF = 10;

/**
 * Line breaks in `text`: each LF, and with `loneCr` each CR not followed by LF (CSV counts LF,
 * CRLF and a lone CR once each; in NDJSON a lone CR is JSON whitespace, not a line end).
 */
export function countLineBreaks(text: string, loneCr = true): number {
	let count = 0;
	for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
	if (!loneCr) return count;
	for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) {
		if (text.charCodeAt(i + 1) !== LF) count++;
	}
	return count;
}

/**
 * Turns the decoder's InvalidTextError into an InputFileError naming the line of the invalid
 * byte; other errors unchanged. `line` is the reader's line at the start of `pending`, the text
 * it holds and has not read yet.
 */
export function toTextError(error: unknown, line: number, pending: string, loneCr: boolean): unknown {
	if (!(error instanceof InvalidTextError)) return error;
	return invalidTextFileError(error, line + countLineBreaks(pending + error.validPrefix, loneCr));
}

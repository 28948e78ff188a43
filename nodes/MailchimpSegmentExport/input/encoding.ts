// The text encodings a file may be read in, and the decoders for them. Spreadsheets write
// UTF-8 ("CSV UTF-8"), Windows-1252 (Excel's "CSV (Comma delimited)" on Windows) or UTF-16
// ("Unicode Text"). Every decoder is strict: a byte sequence the encoding does not define stops
// the file, and the first bytes are checked against the chosen encoding, so that a wrong choice
// is an error naming the likely encoding rather than a file of garbled names.

import { InputFileError } from './errors';
import { InvalidTextError, Utf8StreamDecoder, firstInvalidOffset } from './utf8';

export type FileEncoding = 'utf-8' | 'windows-1252' | 'iso-8859-1' | 'utf-16le' | 'utf-16be';

/** Each encoding as the File Encoding parameter names it. */
export const ENCODING_NAMES: Readonly<Record<FileEncoding, string>> = {
	'utf-8': 'UTF-8',
	'windows-1252': 'Windows-1252',
	'iso-8859-1': 'ISO-8859-1',
	'utf-16le': 'UTF-16LE',
	'utf-16be': 'UTF-16BE',
};

export function isFileEncoding(value: unknown): value is FileEncoding {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ENCODING_NAMES, value);
}

/** The first bytes of a file looked at to check the chosen encoding. */
export const SNIFF_BYTES = 1024;
/** The check waits for this many bytes (or the end of the file) when the first chunks are smaller. */
const MIN_SNIFF_BYTES = 64;

type Chunk = Buffer | Uint8Array | string;

/** Turns a stream of byte chunks into text. */
export interface TextStreamDecoder {
	/** Decodes one chunk; '' while it only holds part of a character (or of the first bytes). */
	write(chunk: Chunk): string;
	/** Call at the end of the stream: returns what was held back; throws if it ends inside a character. */
	end(): string;
}

/** What the first bytes of a file look like: `ascii` fits every encoding but UTF-16. */
export type Guess = 'ascii' | 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';

/** Whether `b[from..]` is the start of a UTF-8 character cut off by the end of the sample. */
function cutOffCharacter(b: Uint8Array, from: number): boolean {
	const lead = b[from];
	const need = lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : 0;
	if (need === 0 || b.length - from - 1 >= need) return false;
	for (let i = from + 1; i < b.length; i++) if (b[i] < 0x80 || b[i] > 0xbf) return false;
	return true;
}

/** The likely encoding of a file from its first bytes (BOM, NUL pattern, UTF-8 validity). */
export function guessEncoding(sample: Uint8Array): Guess {
	const [a, b, c] = sample;
	if (a === 0xef && b === 0xbb && c === 0xbf) return 'utf-8';
	if (a === 0xff && b === 0xfe) return 'utf-16le';
	if (a === 0xfe && b === 0xff) return 'utf-16be';
	let evenNul = 0;
	let oddNul = 0;
	for (let i = 0; i < sample.length; i++) {
		if (sample[i] !== 0) continue;
		if (i % 2 === 0) evenNul++;
		else oddNul++;
	}
	// Latin text in UTF-16: every other byte is NUL (and the bytes between them are not).
	const pairs = sample.length / 2;
	if (oddNul >= pairs / 3 && evenNul * 4 < oddNul) return 'utf-16le';
	if (evenNul >= pairs / 3 && oddNul * 4 < evenNul) return 'utf-16be';
	const bad = firstInvalidOffset(sample);
	const valid = bad === sample.length || cutOffCharacter(sample, bad);
	if (!valid) return 'windows-1252';
	for (let i = 0; i < bad; i++) if (sample[i] >= 0x80) return 'utf-8';
	return 'ascii';
}

/**
 * Whether the first bytes allow the chosen encoding. UTF-16 text has a BOM (Excel writes one) or
 * NUL bytes (a CSV's delimiters and line ends are ASCII), so a sample with neither is not UTF-16.
 * Invalid UTF-8 under a UTF-8 choice is left to the decoder, which names the line.
 */
function fits(chosen: FileEncoding, guess: Guess): boolean {
	if (guess === chosen) return true;
	if (chosen === 'utf-8') return guess === 'ascii' || guess === 'windows-1252';
	if (chosen === 'windows-1252' || chosen === 'iso-8859-1') return guess === 'ascii' || guess === 'windows-1252';
	return false;
}

/** Where each encoding comes from, for messages. */
const ORIGIN: Readonly<Record<Exclude<Guess, 'ascii'>, string>> = {
	'utf-8': 'UTF-8',
	'windows-1252': 'Windows-1252 (Excel\'s "CSV (Comma delimited)" on Windows)',
	'utf-16le': 'UTF-16LE (Excel\'s "Unicode Text")',
	'utf-16be': 'UTF-16BE',
};

/**
 * What to do about bytes the chosen encoding does not define. A file that is not UTF-8 nor
 * UTF-16 (those are caught by their first bytes) is most likely Windows-1252.
 */
export function encodingHint(chosen: FileEncoding): string {
	const likely: Exclude<Guess, 'ascii'> = chosen === 'windows-1252' || chosen === 'iso-8859-1' ? 'utf-8' : 'windows-1252';
	return `It looks like ${ORIGIN[likely]}: choose ${ENCODING_NAMES[likely]} under File Encoding${likely === 'utf-8' ? '' : ', or save the file as UTF-8 (in Excel: "CSV UTF-8")'}.`;
}

function wrongEncoding(chosen: FileEncoding, guess: Guess): InputFileError {
	const likely = guess === 'ascii' ? 'utf-8' : guess;
	return new InputFileError(
		`The file is not ${ENCODING_NAMES[chosen]}: it looks like ${ORIGIN[likely]}. Choose ${ENCODING_NAMES[likely]} under File Encoding.`,
		'WRONG_ENCODING',
		1,
	);
}

// Windows-1252 bytes 0x80-0x9F; '' where the code page defines no character.
const CP1252_HIGH = [
	'€', '', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '', 'Ž', '',
	'', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '', 'ž', 'Ÿ',
];

/**
 * Single-byte decoding, done here rather than by TextDecoder: Node 20 decodes the
 * 'windows-1252' label as ISO-8859-1 (0x80 gives U+0080 instead of €).
 */
function singleByte(encoding: 'windows-1252' | 'iso-8859-1'): TextStreamDecoder {
	const decode = (bytes: Buffer): string => {
		const text = bytes.toString('latin1');
		if (encoding === 'iso-8859-1' || !/[\u0080-\u009f]/.test(text)) return text;
		return text.replace(/[\u0080-\u009f]/g, (char: string, offset: number) => {
			const mapped = CP1252_HIGH[char.charCodeAt(0) - 0x80];
			if (mapped === '') throw new InvalidTextError(text.slice(0, offset), '', ENCODING_NAMES[encoding]);
			return mapped;
		});
	};
	return { write: (chunk) => (typeof chunk === 'string' ? chunk : decode(bytesOf(chunk))), end: () => '' };
}

/** UTF-16 through the runtime's TextDecoder: BOM removed, invalid sequences throw. */
function utf16(encoding: 'utf-16le' | 'utf-16be'): TextStreamDecoder {
	const decoder = new TextDecoder(encoding, { fatal: true });
	const fail = (bytes: Uint8Array): never => {
		// The text before the first invalid sequence, for the line number.
		const lenient = new TextDecoder(encoding).decode(bytes);
		const bad = lenient.indexOf('\ufffd');
		throw new InvalidTextError(bad === -1 ? lenient : lenient.slice(0, bad), '', ENCODING_NAMES[encoding]);
	};
	return {
		write(chunk) {
			if (typeof chunk === 'string') return chunk;
			try {
				return decoder.decode(chunk, { stream: true });
			} catch {
				return fail(chunk);
			}
		},
		end() {
			try {
				return decoder.decode();
			} catch {
				return fail(new Uint8Array(0));
			}
		},
	};
}

function bytesOf(chunk: Buffer | Uint8Array): Buffer {
	return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function innerDecoder(encoding: FileEncoding): TextStreamDecoder {
	if (encoding === 'utf-8') return new Utf8StreamDecoder();
	if (encoding === 'utf-16le' || encoding === 'utf-16be') return utf16(encoding);
	return singleByte(encoding);
}

/**
 * A strict decoder for `encoding`. The first bytes (the first chunk: the node reads files 64 KiB at a
 * time) are checked against the choice: when they say the file is in another encoding, it is
 * refused (InputFileError `WRONG_ENCODING`, naming the likely encoding). A byte sequence
 * the encoding does not define later on throws InvalidTextError with a hint naming the likely
 * encoding. String chunks (an already-decoded stream) pass through unchanged.
 */
export function createDecoder(encoding: FileEncoding = 'utf-8'): TextStreamDecoder {
	const inner = innerDecoder(encoding);
	let sample: Buffer | null = Buffer.alloc(0);
	const check = (final: boolean): void => {
		if (sample === null || (!final && sample.length < MIN_SNIFF_BYTES)) return;
		const guess = guessEncoding(sample);
		const bytes = sample;
		sample = null;
		if (bytes.length > 0 && !fits(encoding, guess)) throw wrongEncoding(encoding, guess);
	};
	const withHint = (decode: () => string): string => {
		let failure: unknown;
		try {
			return decode();
		} catch (error) {
			failure = error;
		}
		// A file shorter than the check's sample: its first bytes say more than the bad byte.
		check(true);
		throw failure instanceof InvalidTextError && failure.hint === ''
			? new InvalidTextError(failure.validPrefix, encodingHint(encoding), failure.encoding)
			: failure;
	};
	return {
		write(chunk) {
			if (sample !== null) {
				if (typeof chunk === 'string') sample = null;
				else {
					sample = Buffer.concat([sample, bytesOf(chunk).subarray(0, SNIFF_BYTES - sample.length)]);
					check(false);
				}
			}
			return withHint(() => inner.write(chunk));
		},
		end() {
			check(true);
			return withHint(() => inner.end());
		},
	};
}

/** The readers' error for an InvalidTextError found on `line`. */
export function invalidTextFileError(error: InvalidTextError, line: number): InputFileError {
	return new InputFileError(
		`The file is not valid ${error.encoding}: invalid bytes on line ${line}.${error.hint === '' ? '' : ` ${error.hint}`}`,
		error.encoding === 'UTF-8' ? 'INVALID_UTF8' : 'INVALID_ENCODING',
		line,
	);
}

/**
 * Thrown by the decoders (see encoding.ts) for bytes the file's encoding does not define; the
 * readers turn it into an InputFileError naming the line.
 */
export class InvalidTextError extends Error {
	/** The decoded text of the current chunk before the first invalid byte. */
	readonly validPrefix: string;
	/** What to do about it, e.g. which encoding the file is likely in; or ''. */
	readonly hint: string;
	/** The encoding the file was read in, as the File Encoding parameter names it. */
	readonly encoding: string;

	constructor(validPrefix: string, hint: string, encoding = 'UTF-8') {
		super(`invalid ${encoding}`);
		this.name = 'InvalidTextError';
		this.validPrefix = validPrefix;
		this.hint = hint;
		this.encoding = encoding;
	}
}

/**
 * Strict, streaming UTF-8 decoder. Chunks may split a multi-byte character anywhere; the
 * incomplete tail (at most 3 bytes) is carried to the next chunk. Any invalid sequence (stray
 * continuation byte, overlong form, surrogate, code point above U+10FFFF, a character cut off by
 * the end of the file) throws {@link InvalidTextError}. A leading UTF-8 BOM is removed.
 * String chunks (an already-decoded stream) are passed through unchanged.
 */
export class Utf8StreamDecoder {
	private carry: Buffer | null = null;
	private started = false;

	/** Decodes one chunk; returns '' when the chunk only holds part of a character. */
	write(chunk: Buffer | Uint8Array | string): string {
		if (typeof chunk === 'string') {
			if (this.carry !== null) throw new InvalidTextError('', '');
			return this.stripBom(chunk);
		}
		let bytes = Buffer.isBuffer(chunk)
			? chunk
			: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
		if (this.carry !== null) {
			bytes = Buffer.concat([this.carry, bytes]);
			this.carry = null;
		}
		const end = completeLength(bytes);
		if (end < bytes.length) this.carry = Buffer.from(bytes.subarray(end));
		if (end === 0) return '';
		const whole = end === bytes.length ? bytes : bytes.subarray(0, end);
		const text = decodeStrict(whole);
		if (text === undefined) {
			const bad = firstInvalidOffset(whole);
			throw new InvalidTextError(this.stripBom(whole.toString('utf8', 0, bad)), '');
		}
		return this.stripBom(text);
	}

	/** Call at the end of the stream: throws if the file ends inside a multi-byte character. */
	end(): string {
		if (this.carry !== null) {
			this.carry = null;
			throw new InvalidTextError('', '');
		}
		return '';
	}

	private stripBom(text: string): string {
		if (this.started || text.length === 0) return text;
		this.started = true;
		return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
	}
}

// Buffer's isUtf8 would need an import of node:buffer, which n8n Cloud's rules refuse.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text of `b`, or undefined when it is not valid UTF-8. */
function decodeStrict(b: Uint8Array): string | undefined {
	try {
		return strictDecoder.decode(b);
	} catch {
		return undefined;
	}
}

/** Length of the prefix of `b` that does not end inside an (as yet) incomplete UTF-8 sequence. */
function completeLength(b: Buffer): number {
	const n = b.length;
	const stop = Math.max(0, n - 4);
	for (let i = n - 1; i >= stop; i--) {
		const c = b[i];
		if (c < 0x80) return n;
		if (c < 0xc0) continue; // continuation byte: look further back for the lead byte
		const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		return i + need > n ? i : n;
	}
	return n;
}

/** Offset of the first byte that starts an invalid sequence (error path only). */
export function firstInvalidOffset(b: Uint8Array): number {
	const n = b.length;
	let i = 0;
	while (i < n) {
		const c = b[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		let need: number;
		let lo = 0x80;
		let hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf) need = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c === 0xe0) lo = 0xa0;
			else if (c === 0xed) hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c === 0xf0) lo = 0x90;
			else if (c === 0xf4) hi = 0x8f;
		} else return i;
		for (let j = 1; j <= need; j++) {
			if (i + j >= n) return i;
			const x = b[i + j];
			if (x < lo || x > hi) return i;
			lo = 0x80;
			hi = 0xbf;
		}
		i += need + 1;
	}
	return n;
}

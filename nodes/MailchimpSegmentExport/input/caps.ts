// The readers' size caps: one check of a text against a cap in UTF-8 bytes, and one check of a
// cap given as an option.

/** Whether `text` is over `maxBytes` in UTF-8; counts the bytes only when it could be (a UTF-16 unit is at most 3 bytes). */
export function overBytes(text: string, maxBytes: number): boolean {
	return text.length * 3 > maxBytes && (text.length > maxBytes || Buffer.byteLength(text, 'utf8') > maxBytes);
}

/** A cap option: `fallback` when not given, else a positive number (RangeError naming `name` otherwise), floored. */
export function positiveCap(value: number | undefined, fallback: number, name: string): number {
	if (value === undefined) return fallback;
	if (!Number.isFinite(value) || value < 1) throw new RangeError(`${name} must be a positive number.`);
	return Math.floor(value);
}

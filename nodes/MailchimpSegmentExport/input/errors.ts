/** Why a whole input file was refused (as opposed to one row being rejected). */
export type InputFileErrorReason =
	| 'INVALID_UTF8'
	| 'INVALID_ENCODING'
	| 'WRONG_ENCODING'
	| 'TRUNCATED_QUOTE'
	| 'FIELD_TOO_LARGE'
	| 'ROW_TOO_LARGE'
	| 'BAD_HEADER';

/**
 * The input file cannot be read safely as a whole: invalid UTF-8 (or bytes the chosen encoding
 * does not define), first bytes that say the file is in another encoding than the chosen one, a quote left open at the end of
 * the file, a field or row over the size cap, an unusable header. Rows yielded before the error
 * were valid, but the file as a whole must be refused (the export validates the whole file in a
 * first pass before it sends anything, so this error stops the export before any write).
 */
export class InputFileError extends Error {
	readonly reason: InputFileErrorReason;
	/** 1-based physical line the problem is on (or starts on), when known. */
	readonly line?: number;

	constructor(message: string, reason: InputFileErrorReason, line?: number) {
		super(message);
		this.name = 'InputFileError';
		this.reason = reason;
		if (line !== undefined) this.line = line;
	}
}

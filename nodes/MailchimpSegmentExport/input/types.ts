/** A stream of file bytes: a Node Readable (from `getBinaryStream`) or any (async) iterable of chunks. */
export type ByteChunks =
	| AsyncIterable<Buffer | Uint8Array | string>
	| Iterable<Buffer | Uint8Array | string>;

/** One data row read from a file: its parsed data, or why it cannot be used (a per-row reject). */
export type InputRecord<T> =
	| {
			/** 0-based data row number in the file (header and blank lines not counted). */
			row: number;
			/** 1-based physical line where the row starts (for messages). */
			line: number;
			data: T;
			error?: undefined;
	  }
	| {
			row: number;
			line: number;
			/** Why this row is rejected, e.g. `Row 12 (line 14) has 3 fields but the header has 5.` */
			error: string;
			data?: undefined;
	  };

export const KIB = 1024;
export const MIB = 1024 * 1024;

export function formatBytes(n: number): string {
	if (n >= MIB && n % MIB === 0) return `${n / MIB} MiB`;
	if (n >= KIB && n % KIB === 0) return `${n / KIB} KiB`;
	return `${n} bytes`;
}

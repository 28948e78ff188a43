// Builds the core's ProfileSource from the node's input: one profile per input item, or the
// rows of the CSV/NDJSON files the input items carry, read as streams so that a file of a
// million profiles never becomes a million n8n items. The core reads the source twice (to
// validate, then to send), so every call opens the files again.

import type { IBinaryData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ExportOptions, ProfileRow, ProfileSource, ReadyRows } from '../core/types';
import { describeMissingColumn, readCsvRows, readNdjsonRows } from '../input';
import type { FileEncoding } from '../input';
import type { ByteChunks, InputRecord } from '../input/types';
import { toNodeError } from './errors';
import type { FileFormat } from './parameters';

/**
 * Bytes per chunk when reading a binary file from n8n's binary data store. Small enough that a
 * chunk's text is an ordinary object for V8 (a string over 128 KiB is a large object) and that a
 * chunk and its Buffer are mostly collected young: with 256 KiB chunks the dead ones piled up to
 * about 60 MB between full collections (bench, 1M rows: peak RSS about 275 MB, with 64 KiB about
 * 200 MB), for about 0.8 s more CPU (19.9 s instead of 19.1 s, medians of 8 to 12 runs on a
 * shared machine); 16 KiB chunks cost clearly more.
 */
export const BINARY_CHUNK_SIZE = 64 * 1024;

/** One profile per input item: `index` and `itemIndex` are the item's position. */
export function itemsSource(items: INodeExecutionData[]): ProfileSource {
	return function* () {
		for (let i = 0; i < items.length; i++) {
			yield { index: i, itemIndex: i, data: items[i].json };
		}
	};
}

/** An input item that carries a file, and the file. */
export interface CarriedFile {
	itemIndex: number;
	binary: IBinaryData;
}

/**
 * The files in binary property `property` of the input items, in item order. Items without
 * that property contribute nothing; when no item has it, the export cannot start.
 */
export function findFiles(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	property: string,
): CarriedFile[] {
	const files: CarriedFile[] = [];
	for (let i = 0; i < items.length; i++) {
		if (items[i].binary?.[property] === undefined) continue;
		files.push({ itemIndex: i, binary: ctx.helpers.assertBinaryData(i, property) });
	}
	if (files.length === 0) {
		const found = [...new Set(items.flatMap((item) => Object.keys(item.binary ?? {})))];
		throw new NodeOperationError(ctx.getNode(), `No input item has a binary field named "${property}"`, {
			description:
				found.length > 0
					? `The input items carry the binary fields ${found.map((name) => `"${name}"`).join(', ')}. Set Input Binary Field to the one holding the CSV or NDJSON file.`
					: 'Add a node before this one that reads the file (e.g. Read/Write Files from Disk or HTTP Request), or set Input Source to Input Items.',
		});
	}
	return files;
}

async function openFile(ctx: IExecuteFunctions, file: CarriedFile): Promise<ByteChunks> {
	if (file.binary.id) return await ctx.helpers.getBinaryStream(file.binary.id, BINARY_CHUNK_SIZE);
	return [Buffer.from(file.binary.data, 'base64')];
}

/**
 * The line in its file of each file row (1-based, header counted, as a text editor or a
 * spreadsheet numbers it), kept compactly: only the rows where `line - row` changes (after a
 * blank line or a quoted field over several lines) are stored.
 */
export class RowLines {
	private readonly files = new Map<number, { rows: number[]; offsets: number[]; last: number }>();

	record(itemIndex: number, row: number, line: number): void {
		let file = this.files.get(itemIndex);
		if (file === undefined) {
			file = { rows: [], offsets: [], last: -1 };
			this.files.set(itemIndex, file);
		}
		// The core reads the files twice: the second read finds the lines known already.
		if (row <= file.last) return;
		file.last = row;
		const offset = line - row;
		if (file.offsets[file.offsets.length - 1] !== offset) {
			file.rows.push(row);
			file.offsets.push(offset);
		}
	}

	/** The line of row `row` of the file carried by item `itemIndex`, or undefined when not read. */
	lineOf(itemIndex: number, row: number): number | undefined {
		const file = this.files.get(itemIndex);
		if (file === undefined || row > file.last || file.rows.length === 0 || row < file.rows[0]) return undefined;
		let lo = 0;
		let hi = file.rows.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (file.rows[mid] <= row) lo = mid;
			else hi = mid - 1;
		}
		return row + file.offsets[lo];
	}
}

/** What reading the files showed, for the output: each row's line, each CSV file's columns. */
export class FilesSeen {
	readonly lines = new RowLines();
	/** The header of each CSV file, by the input item that carried it. */
	readonly columns = new Map<number, readonly string[]>();
}

/** How a carried file's bytes become records. */
type ReadFile = (file: CarriedFile, bytes: ByteChunks) => AsyncIterator<InputRecord<unknown>>;

const DONE: IteratorResult<never, undefined> = Object.freeze({ done: true, value: undefined });

/**
 * The rows of the carried files in order, as an iterator written by hand rather than an async
 * generator: a generator over the reader's records costs several promise steps per row, read
 * twice for each of up to millions of rows; here a row costs one `then`.
 */
class FileRows implements AsyncIterableIterator<ProfileRow>, ReadyRows<ProfileRow> {
	private nextFile = 0;
	private file: CarriedFile | undefined = undefined;
	private rows: AsyncIterator<InputRecord<unknown>> | undefined = undefined;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly files: CarriedFile[],
		private readonly read: ReadFile,
		private readonly seen: FilesSeen,
	) {}

	[Symbol.asyncIterator](): this {
		return this;
	}

	next(): Promise<IteratorResult<ProfileRow, undefined>> {
		if (this.rows === undefined) return this.openNext();
		return this.rows.next().then(this.toRow, this.toError);
	}

	/** The next row when the file's reader has it at hand (see ReadyRows), else undefined. */
	nextReady(): ProfileRow | undefined {
		const record = (this.rows as Partial<ReadyRows<InputRecord<unknown>>> | undefined)?.nextReady?.();
		return record === undefined ? undefined : this.rowOf(record);
	}

	async return(): Promise<IteratorResult<ProfileRow, undefined>> {
		const rows = this.rows;
		this.close();
		await rows?.return?.();
		return DONE;
	}

	private async openNext(): Promise<IteratorResult<ProfileRow, undefined>> {
		if (this.nextFile >= this.files.length) return DONE;
		const file = this.files[this.nextFile++];
		this.rows = this.read(file, await openFile(this.ctx, file));
		this.file = file;
		return await this.next();
	}

	private close(): void {
		this.rows = undefined;
		this.nextFile = this.files.length;
	}

	private readonly toRow = (
		result: IteratorResult<InputRecord<unknown>>,
	): IteratorResult<ProfileRow, undefined> | Promise<IteratorResult<ProfileRow, undefined>> => {
		if (result.done === true) {
			this.rows = undefined;
			return this.openNext();
		}
		return { done: false, value: this.rowOf(result.value) };
	};

	private rowOf(record: InputRecord<unknown>): ProfileRow {
		const itemIndex = this.file!.itemIndex;
		this.seen.lines.record(itemIndex, record.row, record.line);
		return record.error === undefined
			? { index: record.row, itemIndex, data: record.data }
			: { index: record.row, itemIndex, data: undefined, error: record.error };
	}

	/** InputFileError (the whole file is refused) or a failing binary data store. */
	private readonly toError = (error: unknown): never => {
		this.close();
		throw toNodeError(this.ctx.getNode(), error, { itemIndex: this.file!.itemIndex });
	};
}

/**
 * The rows of every carried file, one after the other. `index` is the row number in its file
 * and `itemIndex` the item that carried it; lines and headers go into `seen`. A row the parser
 * refuses is passed on with its `error`, for the core to report as a rejected row. A file that
 * cannot be read at all stops the export with an error naming the item.
 */
export function binarySource(
	ctx: IExecuteFunctions,
	files: CarriedFile[],
	format: { fileFormat: FileFormat; csvDelimiter?: string; encoding?: FileEncoding },
	columns: string[] = [],
	seen: FilesSeen = new FilesSeen(),
): ProfileSource {
	const read: ReadFile = (file, bytes) =>
		format.fileFormat === 'ndjson'
			? readNdjsonRows(bytes, { encoding: format.encoding })
			: readCsvRows(bytes, {
					delimiter: format.csvDelimiter,
					encoding: format.encoding,
					onHeader: (header) => {
						seen.columns.set(file.itemIndex, header);
						checkColumns(ctx, header, columns, file.itemIndex);
					},
				});
	return () => new FileRows(ctx, files, read, seen);
}

/**
 * The CSV columns the mapping reads: a column that is not in the file is a mistake in the
 * mapping (every row would be rejected or skipped for it), so the export stops before
 * anything is sent, with the columns the file has.
 */
export function mappedColumns(options: ExportOptions): string[] {
	const { mapping, segmentSource, consentField } = options;
	const columns = [
		mapping.email,
		mapping.firstName,
		mapping.lastName,
		...mapping.attributes.map((attribute) => attribute.sourceField),
		segmentSource.kind === 'field' ? segmentSource.field : undefined,
		consentField,
	];
	return [...new Set(columns.filter((column): column is string => !!column && column.trim() !== ''))];
}

function checkColumns(
	ctx: IExecuteFunctions,
	header: readonly string[],
	columns: string[],
	itemIndex: number,
): void {
	const missing = columns.filter((column) => !header.includes(column.trim()));
	if (missing.length === 0) return;
	throw new NodeOperationError(
		ctx.getNode(),
		`The CSV file of input item ${itemIndex + 1} has no column ${missing.map((column) => `"${column}"`).join(', ')}`,
		{ description: describeMissingColumn(header, missing[0]), itemIndex },
	);
}

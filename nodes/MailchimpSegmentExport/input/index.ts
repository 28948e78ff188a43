// Streaming readers for the node's binary input (CSV, NDJSON). Framework-free: no n8n imports.
export { InputFileError } from './errors';
export type { InputFileErrorReason } from './errors';
export type { ByteChunks, InputRecord } from './types';
export { ENCODING_NAMES, isFileEncoding } from './encoding';
export type { FileEncoding } from './encoding';
export { readCsvRows, CSV_DEFAULT_MAX_FIELD_BYTES, CSV_DEFAULT_MAX_ROW_BYTES } from './csv';
export { describeMissingColumn } from './csvDiagnostics';
export { countLineBreaks } from './lines';
export type { CsvReadOptions, CsvRecord, CsvRow } from './csv';
export { readNdjsonRows, NDJSON_DEFAULT_MAX_LINE_BYTES } from './ndjson';
export type { NdjsonReadOptions, NdjsonRecord } from './ndjson';

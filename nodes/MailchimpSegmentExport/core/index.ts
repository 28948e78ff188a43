// The export core's public surface. Nothing here imports n8n.

export * from './types';
export { REJECT_CODES, MAILCHIMP_CODES, type RejectCode } from './rejections';
export type { DryRunChecks } from './checks';
export { ExportCancelledError, ExportError } from './errors';
export { runExport } from './runExport';
export type { ExportProgress, ProgressFn } from './progress';
export { listAudiences, getMergeFields, getList, listStaticSegments } from './client';
export { DEFAULT_RETRY, MAX_CONCURRENCY, MAX_PROFILES, OptionError } from './options';

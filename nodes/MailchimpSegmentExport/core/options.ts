// The export's options: their limits and defaults (the one place the node's panel, the parameter
// reader, the client and the runner take them from) and the check run before anything is read
// or sent.

import { z } from 'zod';

import { ExportError } from './errors';
import type { ExportOptions, RetryPolicy, StatusIfNew } from './types';

export interface NumberLimit {
	min: number;
	max: number;
	default: number;
}

// The defaults are constants of their own as well: n8n's lint wants a parameter's default to be
// a plain name or value, not a property.
export const DEFAULT_MAX_PROFILES = 1_000_000;
export const DEFAULT_MAX_CONCURRENCY = 10;

/** Profiles in one export; more is an error before anything is written. */
export const MAX_PROFILES: NumberLimit = { min: 1, max: 100_000_000, default: DEFAULT_MAX_PROFILES };

/** Requests in flight at once: Mailchimp allows 10 simultaneous connections per account. */
export const MAX_CONCURRENCY: NumberLimit = { min: 1, max: 10, default: DEFAULT_MAX_CONCURRENCY };

/** A Mailchimp audience (list) id: letters and digits (Mailchimp's are 10 hex digits), `_` or `-`. */
export const LIST_ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
export const LIST_ID_RE = new RegExp(LIST_ID_PATTERN);

/** Segments (tags) in one export, and the length of a segment's name. */
export const MAX_SEGMENTS = 1000;
export const MAX_SEGMENT_NAME_LENGTH = 100;
/** Segment names in one row's list; a longer list rejects the row. */
export const MAX_SEGMENTS_PER_ROW = 10_000;

/** What a new member's status may be set to. */
export const STATUSES_IF_NEW = ['subscribed', 'pending', 'transactional', 'audienceDefault'] as const satisfies readonly StatusIfNew[];

/** Tries per request and the backoff between them, when the options do not say. */
export const DEFAULT_RETRY: RetryPolicy = { maxTries: 6, baseDelayMs: 1000, maxDelayMs: 30000 };

const path = z.string().trim().min(1).max(512);
const optionalPath = z.string().max(512).optional();

/** A whole number within `limit`; every way of missing it reads the same. */
function wholeNumber({ min, max, default: fallback }: NumberLimit) {
	const problem = `must be a whole number from ${min} to ${max}`;
	return z.number({ invalid_type_error: problem }).int(problem).min(min, problem).max(max, problem).default(fallback);
}

const optionsSchema = z.object({
	listId: z.string().trim().regex(LIST_ID_RE, 'letters and digits only'),
	mapping: z.object({
		email: path,
		firstName: optionalPath,
		lastName: optionalPath,
		attributes: z.array(z.object({ mergeField: z.string().trim().min(1).max(50), sourceField: path })).max(100).default([]),
	}),
	segmentSource: z.discriminatedUnion('kind', [
		z.object({ kind: z.literal('field'), field: path }),
		z.object({ kind: z.literal('fixed'), name: z.string().trim().min(1).max(MAX_SEGMENT_NAME_LENGTH) }),
	]),
	selectedSegments: z.array(z.string().max(MAX_SEGMENT_NAME_LENGTH)).max(MAX_SEGMENTS).default([]),
	statusIfNew: z.enum(STATUSES_IF_NEW, { errorMap: () => ({ message: `must be one of: ${STATUSES_IF_NEW.join(', ')}` }) }),
	consentField: optionalPath,
	removeMembersWhoLeft: z.boolean().default(false),
	onlySendChanges: z.boolean().default(false),
	skipMergeValidation: z.boolean().default(false),
	dryRun: z.boolean().default(false),
	maxProfiles: wholeNumber(MAX_PROFILES),
	maxConcurrency: wholeNumber(MAX_CONCURRENCY),
	retry: z
		.object({
			maxTries: z.number().int().min(1).max(20),
			baseDelayMs: z.number().min(0).max(60_000),
			maxDelayMs: z.number().min(0).max(300_000),
		})
		.partial()
		.optional(),
});

/** An option the check refused: `option` is its path in ExportOptions ("maxProfiles", "mapping.email"). */
export class OptionError extends ExportError {
	readonly option: string;
	/** What is wrong with it, as a predicate ("must be a whole number from 1 to 10"). */
	readonly problem: string;
	readonly value: unknown;

	constructor(option: string, problem: string, value: unknown) {
		super(`Invalid export option ${option}: ${problem}`, `Fix the option "${option}" of the node.`);
		this.name = 'OptionError';
		this.option = option;
		this.problem = problem;
		this.value = value;
	}
}

export interface CheckedOptions extends ExportOptions {
	retryPolicy: RetryPolicy;
}

function valueAt(options: ExportOptions, path: Array<string | number>): unknown {
	let value: unknown = options;
	for (const key of path) value = (value as Record<string | number, unknown> | undefined)?.[key];
	return value;
}

/** Checks the options; throws OptionError naming the first problem. */
export function checkOptions(options: ExportOptions): CheckedOptions {
	const parsed = optionsSchema.safeParse(options);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new OptionError(issue.path.join('.'), issue.message, valueAt(options, issue.path));
	}
	const o = parsed.data;
	const retryPolicy: RetryPolicy = { ...DEFAULT_RETRY, ...o.retry };
	if (retryPolicy.maxDelayMs < retryPolicy.baseDelayMs) retryPolicy.maxDelayMs = retryPolicy.baseDelayMs;
	return { ...(o as ExportOptions), retryPolicy };
}

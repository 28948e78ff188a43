// The export's options, checked with zod before anything is read or sent.

import { z } from 'zod';

import { ExportError } from './errors';
import { LIST_ID_RE, MAX_CONCURRENCY, MAX_PROFILES } from './limits';
import { DEFAULT_RETRY } from './runner';
import type { ExportOptions, RetryPolicy } from './types';


const path = z.string().trim().min(1).max(512);
const optionalPath = z.string().max(512).optional();

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
		z.object({ kind: z.literal('fixed'), name: z.string().trim().min(1).max(100) }),
	]),
	selectedSegments: z.array(z.string().max(100)).max(1000).default([]),
	statusIfNew: z.enum(['subscribed', 'pending', 'transactional', 'audienceDefault']),
	consentField: optionalPath,
	removeMembersWhoLeft: z.boolean().default(false),
	onlySendChanges: z.boolean().default(false),
	skipMergeValidation: z.boolean().default(false),
	dryRun: z.boolean().default(false),
	maxProfiles: z.number().int().min(MAX_PROFILES.min).max(MAX_PROFILES.max).default(MAX_PROFILES.default),
	maxConcurrency: z.number().int().min(MAX_CONCURRENCY.min).max(MAX_CONCURRENCY.max).default(MAX_CONCURRENCY.default),
	retry: z
		.object({
			maxTries: z.number().int().min(1).max(20),
			baseDelayMs: z.number().min(0).max(60_000),
			maxDelayMs: z.number().min(0).max(300_000),
		})
		.partial()
		.optional(),
});

export interface CheckedOptions extends ExportOptions {
	retryPolicy: RetryPolicy;
}

/** Checks the options; throws ExportError naming the first problem. */
export function checkOptions(options: ExportOptions): CheckedOptions {
	const parsed = optionsSchema.safeParse(options);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const where = issue.path.join('.');
		throw new ExportError(`Invalid export option ${where}: ${issue.message}`, `Fix the option "${where}" of the node.`);
	}
	const o = parsed.data;
	const retryPolicy: RetryPolicy = { ...DEFAULT_RETRY, ...o.retry };
	if (retryPolicy.maxDelayMs < retryPolicy.baseDelayMs) retryPolicy.maxDelayMs = retryPolicy.baseDelayMs;
	return { ...(o as ExportOptions), retryPolicy };
}

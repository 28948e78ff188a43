// When a Mailchimp request is tried again, and after how long. In the manner of p-retry, one
// decision per failed try; unlike a plain error, the decision sees the failed answer itself: its
// status, its problem document (a 403 may be throttling) and its headers (Retry-After).
// Retried: 429, throttling 403, 5xx and network errors, with exponential backoff and full jitter,
// or the Retry-After asked when longer. A throttling refusal ("too many connections right now")
// has a larger budget of tries than a real failure, so an export sharing the account waits for
// its turn instead of giving up.

import { problemText, redact } from './redact';
import type { ApiResponse, RetryPolicy } from './types';

/** The longest Retry-After honoured: a longer one is waited this long. */
export const MAX_RETRY_AFTER_MS = 300_000;

/** Tries a request refused for throttling may take in all, as a multiple of `maxTries`. */
export const THROTTLED_TRIES_FACTOR = 3;

const THROTTLE_WORDS = /simultaneous|too many|limit|throttl|rate|slow down|try again/i;

/**
 * A 403 is a real permission problem when Mailchimp explains it (a problem document whose
 * detail is not about limits); a bare 403, or one about limits, is throttling under load.
 */
export function isThrottling403(body: unknown): boolean {
	if (body === null || typeof body !== 'object') return true;
	const { title, detail } = body as { title?: unknown; detail?: unknown };
	const text = `${typeof title === 'string' ? title : ''} ${typeof detail === 'string' ? detail : ''}`;
	if (THROTTLE_WORDS.test(text)) return true;
	return typeof detail !== 'string' || detail.trim() === '';
}

/**
 * The wait a `Retry-After` header asks for (seconds, or an HTTP date), capped; undefined when
 * there is none. Mailchimp documents none, but a proxy or a future API may send one.
 */
export function retryAfterMs(response: ApiResponse, now: number): number | undefined {
	const raw = response.headers?.['retry-after'];
	const value = (Array.isArray(raw) ? raw[0] : raw) as unknown;
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	const ms = /^\d+(?:\.\d+)?$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
	if (!Number.isFinite(ms)) return undefined;
	return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.ceil(ms)));
}

/** Mailchimp refused for too many connections at once: a 429, or a 403 that is throttling. */
export function isThrottling(response: ApiResponse): boolean {
	return response.status === 429 || (response.status === 403 && isThrottling403(response.body));
}

/** A try that failed in a way worth trying again. */
export interface FailedTry {
	/** What went wrong, in words, redacted. */
	failure: string;
	status?: number;
	/** The wait the answer asked for (Retry-After). */
	asked?: number;
	/** Refused for throttling: counts against the larger budget. */
	throttled: boolean;
}

/** The failure in an answer, or undefined when the answer is final (2xx, or a 4xx that is not retried). */
export function failedAnswer(response: ApiResponse, now: number): FailedTry | undefined {
	const throttled = isThrottling(response);
	if (response.status < 500 && !throttled) return undefined;
	const text = problemText(response.body);
	return {
		failure: `Mailchimp answered HTTP ${response.status}${text ? ` (${text})` : ''}`,
		status: response.status,
		asked: retryAfterMs(response, now),
		throttled,
	};
}

/** A request that got no answer (connection reset, timeout, DNS). */
export function noAnswer(error: unknown): FailedTry {
	const message = error instanceof Error ? error.message : String(error);
	return { failure: `No answer from Mailchimp (${redact(message).slice(0, 200)})`, throttled: false };
}

/** Full jitter: a random wait between 0 and base * 2^(try-1), capped. */
export function backoffMs({ baseDelayMs, maxDelayMs }: RetryPolicy, failedTries: number, random: () => number): number {
	const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(failedTries - 1, 30));
	return Math.floor(random() * ceiling);
}

/** The tries of one request: after each failed one, whether to go on and how long to wait first. */
export class Tries {
	private failures = 0;
	private readonly maxTries: number;

	constructor(
		private readonly policy: RetryPolicy,
		private readonly random: () => number,
	) {
		this.maxTries = Math.max(1, policy.maxTries);
	}

	/** Whether try number `tries`, which failed with `failed`, may be followed by another. */
	mayRetry(failed: FailedTry, tries: number): boolean {
		if (!failed.throttled) this.failures++;
		return this.failures < this.maxTries && tries < this.maxTries * THROTTLED_TRIES_FACTOR;
	}

	/** The wait before the try after `tries`: the backoff, or the Retry-After asked when longer. */
	delayMs(failed: FailedTry, tries: number): number {
		return Math.max(backoffMs(this.policy, tries, this.random), failed.asked ?? 0);
	}
}

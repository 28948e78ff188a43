// Every Mailchimp request goes through here: at most `maxConcurrency` requests at once (Mailchimp
// allows 10 simultaneous connections per account, shared with other exports and apps), fewer while
// Mailchimp throttles (pool.ts halves the limit on a throttling refusal and raises it again after
// answers that were not), retries with exponential backoff and full jitter (or the Retry-After
// asked, when longer) on 429, throttling 403, 5xx and network errors, counting of calls and
// retries, and cancellation. This is where a 429 is retried: a throttling refusal has a larger
// budget of tries than a real failure, and a request waits out its backoff without a slot.

import { ExportCancelledError, RequestFailedError } from './errors';
import { Pool } from './pool';
import { problemText, redact } from './redact';
import type { ApiRequest, ApiResponse, RequestFn, RetryPolicy, SleepFn } from './types';

/** The longest Retry-After honoured: a longer one is waited this long. */
export const MAX_RETRY_AFTER_MS = 300_000;

export interface RunnerOptions {
	/** Checked by checkOptions (MAX_CONCURRENCY in core/options.ts). */
	maxConcurrency: number;
	retry: RetryPolicy;
	sleep: SleepFn;
	signal?: AbortSignal;
	random?: () => number;
}

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

export function isRetryable(response: ApiResponse): boolean {
	return response.status >= 500 || isThrottling(response);
}

/** Tries a request refused for throttling may take in all, as a multiple of `maxTries`. */
export const THROTTLED_TRIES_FACTOR = 3;

type Outcome = { response: ApiResponse } | { failure: string; status?: number; asked?: number; throttled: boolean };

export class Runner {
	/** HTTP requests sent, retries included. */
	apiCalls = 0;
	/** Requests sent again after a retryable failure. */
	retries = 0;
	/** Calls accepted and not finished (waiting for a slot, in flight or backing off). */
	private pending = 0;
	private readonly pool: Pool;
	private readonly drainWaiters: Array<{ below: number; resolve: () => void }> = [];
	private readonly random: () => number;
	readonly maxConcurrency: number;

	constructor(
		private readonly request: RequestFn,
		private readonly options: RunnerOptions,
	) {
		this.random = options.random ?? Math.random;
		this.maxConcurrency = options.maxConcurrency;
		this.pool = new Pool(this.maxConcurrency, options.signal);
	}

	get cancelled(): boolean {
		return this.options.signal?.aborted === true;
	}

	throwIfCancelled(): void {
		if (this.cancelled) throw new ExportCancelledError();
	}

	/** Calls accepted and not finished. */
	get inFlight(): number {
		return this.pending;
	}

	/** Requests allowed in flight now: maxConcurrency, less while Mailchimp throttles. */
	get limit(): number {
		return this.pool.limit;
	}

	/** Resolves when fewer than `below` calls are pending (back-pressure for whoever produces calls). */
	whenBelow(below: number): Promise<void> {
		if (this.pending < below) return Promise.resolve();
		return new Promise((resolve) => this.drainWaiters.push({ below, resolve }));
	}

	/**
	 * Sends one request with retries, at most `limit` at once. Resolves with the answer (2xx, or a
	 * 4xx that is not retried); rejects with RequestFailedError when the tries are used up,
	 * ExportCancelledError when the export is cancelled.
	 */
	readonly call = async (request: ApiRequest): Promise<ApiResponse> => {
		this.pending++;
		try {
			return await this.sendWithRetries(request);
		} finally {
			this.pending--;
			this.notifyDrain();
		}
	};

	private notifyDrain(): void {
		for (let i = this.drainWaiters.length - 1; i >= 0; i--) {
			const w = this.drainWaiters[i];
			if (this.pending < w.below) {
				this.drainWaiters.splice(i, 1);
				w.resolve();
			}
		}
	}

	/** Full jitter: a random wait between 0 and base * 2^(try-1), capped. */
	backoffMs(failedTries: number): number {
		const { baseDelayMs, maxDelayMs } = this.options.retry;
		const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(failedTries - 1, 30));
		return Math.floor(this.random() * ceiling);
	}

	/**
	 * A failure that is not throttling counts against `maxTries`; throttling refusals ("too many
	 * connections right now") only against THROTTLED_TRIES_FACTOR times as many tries in all, so an
	 * export sharing the account waits for its turn instead of giving up. A request gives its slot
	 * back while it waits, so a lowered limit really means fewer connections.
	 */
	private async sendWithRetries(request: ApiRequest): Promise<ApiResponse> {
		const maxTries = Math.max(1, this.options.retry.maxTries);
		const maxThrottledTries = maxTries * THROTTLED_TRIES_FACTOR;
		let failures = 0;
		for (let tries = 1; ; tries++) {
			const slot = await this.pool.acquire();
			let outcome: Outcome;
			try {
				this.apiCalls++;
				outcome = await this.send(request);
				if ('failure' in outcome && outcome.throttled) this.pool.throttled(slot);
				else this.pool.answered();
			} finally {
				this.pool.release();
			}
			if (!('failure' in outcome)) return outcome.response;
			if (!outcome.throttled) failures++;
			if (failures >= maxTries || tries >= maxThrottledTries) {
				throw new RequestFailedError(`${outcome.failure}, ${tries} tries`, outcome.status);
			}
			this.throwIfCancelled();
			// The sleep rejects only when the export is cancelled.
			const wait = Math.max(this.backoffMs(tries), outcome.asked ?? 0);
			const slept = await this.options.sleep(wait, this.options.signal).then(
				() => true,
				() => false,
			);
			if (!slept) throw new ExportCancelledError();
			this.retries++;
		}
	}

	private async send(request: ApiRequest): Promise<Outcome> {
		let response: ApiResponse;
		try {
			response = await this.request(request);
		} catch (error) {
			const message = error instanceof Error ? error.message : String(error);
			return { failure: `No answer from Mailchimp (${redact(message).slice(0, 200)})`, throttled: false };
		}
		if (!isRetryable(response)) return { response };
		const text = problemText(response.body);
		return {
			failure: `Mailchimp answered HTTP ${response.status}${text ? ` (${text})` : ''}`,
			status: response.status,
			asked: retryAfterMs(response, Date.now()),
			throttled: isThrottling(response),
		};
	}
}

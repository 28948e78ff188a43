// Every Mailchimp request goes through here: a pool of at most `maxConcurrency` requests
// (Mailchimp allows 10 simultaneous connections per key, shared with other apps), retries with
// exponential backoff and full jitter on 429, throttling 403, 5xx and network errors, counting
// of calls and retries, and cancellation. This is where a 429 is retried.

import { ExportCancelledError, RequestFailedError } from './errors';
import type { ApiRequest, ApiResponse, RequestFn, RetryPolicy, SleepFn } from './types';

export const DEFAULT_RETRY: RetryPolicy = { maxTries: 6, baseDelayMs: 1000, maxDelayMs: 30000 };

export interface RunnerOptions {
	maxConcurrency: number;
	retry: RetryPolicy;
	sleep: SleepFn;
	signal?: AbortSignal;
	random?: () => number;
}

const THROTTLE_WORDS = /simultaneous|too many|limit|throttl|rate|slow down|try again/i;
// An API key (`<32 hex>-<dc>`) or a bare 32-hex OAuth token, an Authorization header value, the
// user:password part of a URL, a secret in a query string.
const KEY_LIKE =
	/\b[0-9a-f]{32}(?:-[a-z]{2}\d{1,3})?\b|\b(?:bearer|oauth|apikey|basic)\s+\S+|\/\/[^\s/?#@]+@|\b(?:access_token|refresh_token|token|apikey|api_key|key|password|secret|client_secret)=[^&\s]+/gi;

/** Text of a Mailchimp problem document (title and detail), without anything key-like. */
export function problemText(body: unknown): string {
	if (body === null || typeof body !== 'object') {
		return typeof body === 'string' && body.trim() !== '' ? redact(body.trim()).slice(0, 200) : '';
	}
	const { title, detail } = body as { title?: unknown; detail?: unknown };
	const parts = [title, detail].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
	// Redact before cutting: a key cut in half at the limit would no longer look like a key.
	return redact(parts.join(': ')).slice(0, 500);
}

export function redact(text: string): string {
	return text.replace(KEY_LIKE, '[redacted]');
}

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

export function isRetryable(response: ApiResponse): boolean {
	const s = response.status;
	return s === 429 || s >= 500 || (s === 403 && isThrottling403(response.body));
}

export class Runner {
	/** HTTP requests sent, retries included. */
	apiCalls = 0;
	/** Requests sent again after a retryable failure. */
	retries = 0;
	/** Calls accepted and not finished (waiting for a slot, in flight or backing off). */
	private pending = 0;
	private active = 0;
	private readonly slotWaiters: Array<() => void> = [];
	private readonly drainWaiters: Array<{ below: number; resolve: () => void }> = [];
	private readonly random: () => number;
	readonly maxConcurrency: number;

	constructor(
		private readonly request: RequestFn,
		private readonly options: RunnerOptions,
	) {
		this.random = options.random ?? Math.random;
		this.maxConcurrency = Math.max(1, Math.min(10, Math.floor(options.maxConcurrency)));
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

	/** Resolves when fewer than `below` calls are pending (back-pressure for whoever produces calls). */
	whenBelow(below: number): Promise<void> {
		if (this.pending < below) return Promise.resolve();
		return new Promise((resolve) => this.drainWaiters.push({ below, resolve }));
	}

	/**
	 * Sends one request with retries, at most `maxConcurrency` at once. Resolves with the answer
	 * (2xx, or a 4xx that is not retried); rejects with RequestFailedError when the tries are used
	 * up, ExportCancelledError when the export is cancelled.
	 */
	readonly call = async (request: ApiRequest): Promise<ApiResponse> => {
		this.pending++;
		try {
			await this.acquire();
			try {
				return await this.sendWithRetries(request);
			} finally {
				this.release();
			}
		} finally {
			this.pending--;
			this.notifyDrain();
		}
	};

	private acquire(): Promise<void> {
		if (this.active < this.maxConcurrency) {
			this.active++;
			return Promise.resolve();
		}
		return new Promise((resolve) => this.slotWaiters.push(resolve));
	}

	private release(): void {
		const next = this.slotWaiters.shift();
		if (next !== undefined) next();
		else this.active--;
	}

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

	private async sendWithRetries(request: ApiRequest): Promise<ApiResponse> {
		const maxTries = Math.max(1, this.options.retry.maxTries);
		for (let attempt = 1; ; attempt++) {
			this.throwIfCancelled();
			this.apiCalls++;
			let failure: string;
			let status: number | undefined;
			try {
				const response = await this.request(request);
				if (!isRetryable(response)) return response;
				status = response.status;
				const text = problemText(response.body);
				failure = `Mailchimp answered HTTP ${response.status}${text ? ` (${text})` : ''}`;
			} catch (error) {
				const message = error instanceof Error ? error.message : String(error);
				failure = `No answer from Mailchimp (${redact(message).slice(0, 200)})`;
			}
			if (attempt >= maxTries) {
				throw new RequestFailedError(`${failure}, ${maxTries} tries`, status);
			}
			this.throwIfCancelled();
			// The sleep rejects only when the export is cancelled.
			const slept = await this.options.sleep(this.backoffMs(attempt), this.options.signal).then(
				() => true,
				() => false,
			);
			if (!slept) throw new ExportCancelledError();
			this.retries++;
		}
	}
}

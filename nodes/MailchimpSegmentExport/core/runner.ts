// Every Mailchimp request goes through here: at most `maxConcurrency` requests at once (Mailchimp
// allows 10 simultaneous connections per account, shared with other exports and apps), fewer while
// Mailchimp throttles (pool.ts), tried again as retry.ts decides, counted, and cancelled with the
// export. This is where a 429 is retried: a request waits out its backoff without a slot, so a
// lowered limit really means fewer connections.

import { CancelFanout } from './cancel';
import { ExportCancelledError, RequestFailedError } from './errors';
import { Pool } from './pool';
import { type FailedTry, Tries, failedAnswer, noAnswer } from './retry';
import type { ApiRequest, ApiResponse, RequestFn, RetryPolicy, SleepFn } from './types';

export interface RunnerOptions {
	/** Checked by checkOptions (MAX_CONCURRENCY in core/options.ts). */
	maxConcurrency: number;
	retry: RetryPolicy;
	sleep: SleepFn;
	signal?: AbortSignal;
	random?: () => number;
}

export class Runner {
	/** HTTP requests sent, retries included. */
	apiCalls = 0;
	/** Requests sent again after a retryable failure. */
	retries = 0;
	/** Calls accepted and not finished (waiting for a slot, in flight or backing off). */
	private pending = 0;
	private readonly pool: Pool;
	private readonly cancel: CancelFanout;
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
		this.cancel = new CancelFanout(options.signal);
	}

	get cancelled(): boolean {
		return this.options.signal?.aborted === true;
	}

	throwIfCancelled(): void {
		if (this.cancelled) throw new ExportCancelledError();
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

	private async sendWithRetries(request: ApiRequest): Promise<ApiResponse> {
		const tries = new Tries(this.options.retry, this.random);
		for (let tried = 1; ; tried++) {
			const slot = await this.pool.acquire();
			let outcome: ApiResponse | FailedTry;
			try {
				this.apiCalls++;
				outcome = await this.send(request);
				if ('failure' in outcome && outcome.throttled) this.pool.throttled(slot);
				else this.pool.answered();
			} finally {
				this.pool.release();
			}
			if (!('failure' in outcome)) return outcome;
			if (!tries.mayRetry(outcome, tried)) {
				throw new RequestFailedError(`${outcome.failure}, ${tried} tries`, outcome.status);
			}
			this.throwIfCancelled();
			// The sleep rejects only when the export is cancelled.
			const slept = await this.cancel.with(async (signal) => await this.options.sleep(tries.delayMs(outcome, tried), signal)).then(
				() => true,
				() => false,
			);
			if (!slept) throw new ExportCancelledError();
			this.retries++;
		}
	}

	/** The answer when it is final, else what failed. */
	private async send(request: ApiRequest): Promise<ApiResponse | FailedTry> {
		let response: ApiResponse;
		try {
			response = await this.cancel.with(async (signal) => await this.request(request, signal));
		} catch (error) {
			return noAnswer(error);
		}
		return failedAnswer(response, Date.now()) ?? response;
	}
}

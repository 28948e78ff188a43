// The slots requests take while they are in flight, with a limit that adapts to Mailchimp's
// throttling: halved on a throttling refusal (an account's 10 connections are shared with other
// exports and apps), raised by one after `limit` requests in a row that were not refused for it, never
// above `max` (additive increase, multiplicative decrease).

import { ExportCancelledError } from './errors';

/** Proof of a taken slot: the limit's generation when the request was sent. */
export interface Slot {
	readonly generation: number;
}

interface Waiter {
	resolve: (slot: Slot) => void;
	reject: (error: Error) => void;
}

export class Pool {
	/** Slots currently allowed, 1 to `max`. */
	limit: number;
	private active = 0;
	private calm = 0;
	/** Bumped on each decrease: refusals of requests sent before it are already answered by it. */
	private generation = 0;
	private readonly waiters: Waiter[] = [];

	constructor(
		readonly max: number,
		private readonly signal?: AbortSignal,
	) {
		this.limit = max;
		signal?.addEventListener('abort', () => this.rejectWaiters(), { once: true });
	}

	/** Resolves with a slot when one is free; rejects with ExportCancelledError once the signal aborts. */
	acquire(): Promise<Slot> {
		if (this.signal?.aborted === true) return Promise.reject(new ExportCancelledError());
		if (this.active < this.limit && this.waiters.length === 0) return Promise.resolve(this.take());
		return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
	}

	release(): void {
		this.active--;
		this.wake();
	}

	/** The request sent with `slot` was refused for throttling. */
	throttled(slot: Slot): void {
		this.calm = 0;
		if (slot.generation !== this.generation) return;
		this.generation++;
		this.limit = Math.max(1, Math.floor(this.limit / 2));
	}

	/** A request ended without a throttling refusal (answered, failed with a 5xx or no answer). */
	answered(): void {
		if (this.limit >= this.max || ++this.calm < this.limit) return;
		this.calm = 0;
		this.limit++;
		this.wake();
	}

	private take(): Slot {
		this.active++;
		return { generation: this.generation };
	}

	private wake(): void {
		while (this.active < this.limit && this.waiters.length > 0) this.waiters.shift()!.resolve(this.take());
	}

	private rejectWaiters(): void {
		for (const waiter of this.waiters.splice(0)) waiter.reject(new ExportCancelledError());
	}
}

// The calls an export has started and not yet seen settle. The first failure that is not a
// row's (a bad key, a cancellation) is kept and thrown at the next checkpoint, once the calls in
// flight have settled, so that the state of every member is known when the export stops.

import type { Runner } from './runner';

export class Tasks {
	private readonly pending = new Set<Promise<void>>();
	private fatal: unknown = undefined;

	constructor(private readonly runner: Runner) {}

	get size(): number {
		return this.pending.size;
	}

	track(task: Promise<void>): void {
		const tracked = task.catch((error: unknown) => {
			if (this.fatal === undefined) this.fatal = error;
		});
		this.pending.add(tracked);
		void tracked.then(() => this.pending.delete(tracked));
	}

	/** Throws the first fatal error, or the cancellation, without waiting. */
	checkpoint(): void {
		if (this.fatal !== undefined) throw this.fatal;
		this.runner.throwIfCancelled();
	}

	/** Waits for every call (and the calls they start), then checkpoints. */
	async settle(): Promise<void> {
		while (this.pending.size > 0) await Promise.all([...this.pending]);
		this.checkpoint();
	}

	/** Waits for every call whatever happens to it (on the way out of a failed export). */
	async drain(): Promise<void> {
		while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
	}

	get failed(): boolean {
		return this.fatal !== undefined;
	}
}

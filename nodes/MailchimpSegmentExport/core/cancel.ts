// One listener on the execution's cancel signal, however many calls and retry waits are pending:
// each of them gets a signal of its own, aborted from here. Node warns of a "possible
// EventTarget memory leak" in n8n's log once more than 10 listeners sit on one signal, and an
// export keeps 10 calls in flight and more waiting out a backoff.

export class CancelFanout {
	private readonly pending = new Set<AbortController>();

	constructor(private readonly parent?: AbortSignal) {
		parent?.addEventListener(
			'abort',
			() => {
				for (const controller of this.pending) controller.abort(parent.reason);
				this.pending.clear();
			},
			{ once: true },
		);
	}

	/** Runs `use` with a signal that aborts when the parent does (none when there is no parent). */
	async with<T>(use: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
		if (this.parent === undefined) return await use(undefined);
		const controller = new AbortController();
		if (this.parent.aborted) controller.abort(this.parent.reason);
		else this.pending.add(controller);
		try {
			return await use(controller.signal);
		} finally {
			this.pending.delete(controller);
		}
	}
}

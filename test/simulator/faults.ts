// Seeded fault injection (see FaultOptions). Every request draws four numbers, whatever
// the outcome, so a seed and a request order always give the same faults.
import { seededRandom, type Random } from './random';
import type { FaultOptions } from './types';

export interface FaultDecision {
	/** Answer at once with this status (storm or injected error), without processing. */
	status?: number;
	storm: boolean;
	/** Process, then destroy the connection instead of answering. */
	reset: boolean;
	/** Extra delay before answering. */
	slowMs: number;
}

export class Faults {
	private random: Random;
	private seen = 0;

	constructor(
		private options: FaultOptions,
		private seed: number,
	) {
		this.random = seededRandom(seed);
	}

	/** Replaces the fault options and restarts the sequence (from `seed` when given). */
	configure(options: FaultOptions, seed = this.seed): void {
		this.options = options;
		this.seed = seed;
		this.random = seededRandom(seed);
		this.seen = 0;
	}

	next(): FaultDecision {
		const n = this.seen++;
		const [errorDraw, statusDraw, resetDraw, slowDraw] = [this.random(), this.random(), this.random(), this.random()];
		const { storm, errorRate = 0, resetRate = 0, slowRate = 0, slowMs = 5000 } = this.options;
		const statuses = this.options.errorStatuses?.length ? this.options.errorStatuses : [500, 502, 503];
		if (storm && n >= storm.startAfterRequests && n < storm.startAfterRequests + storm.count) {
			return { status: storm.status ?? 429, storm: true, reset: false, slowMs: 0 };
		}
		if (errorDraw < errorRate) {
			return { status: statuses[Math.floor(statusDraw * statuses.length)], storm: false, reset: false, slowMs: 0 };
		}
		return { storm: false, reset: resetDraw < resetRate, slowMs: slowDraw < slowRate ? slowMs : 0 };
	}
}

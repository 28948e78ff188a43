// The shape of one benchmark result (one size and input kind), as written to bench/results.json.

export type InputKind = 'binary' | 'items';

export interface OneByOne {
	/** Members PUT one at a time, sequentially, against the same simulator. */
	sample: number;
	/** Wall time of the sample, at the bench's scale. */
	sampleMs: number;
	/** sampleMs / sample. */
	perMemberMs: number;
	/** perMemberMs x members exported, at the bench's scale. */
	extrapolatedMs: number;
}

export interface BenchResult {
	size: number;
	input: InputKind;
	/** Latency scale the simulator ran at (0.02: every modelled time x 0.02). */
	scale: number;
	/** Measured wall time of the node's execute against the simulator, at `scale`. */
	wallMs: number;
	/** Sum of the model's service times of the calls that must be made / 10 connections, at `scale`. */
	lowerBoundMs: number;
	/** wallMs / lowerBoundMs. */
	ratio: number;
	/** The one-PUT-per-member way: measured ms per member at `scale`. */
	perMemberMs: number;
	/** oneByOne.extrapolatedMs / wallMs. */
	speedup: number;
	/**
	 * wallMs / scale: the wall time at scale 1, conservatively: everything is stretched by 1/scale,
	 * our own CPU time and the per-request overheads too, which do not grow with Mailchimp's latency.
	 */
	projectedWallMs: number;
	/** The lower bound at scale 1. */
	projectedLowerBoundMs: number;
	/**
	 * The likelier wall time at scale 1: the lower bound at scale 1 plus what we measured above the
	 * bound (our CPU, the sockets, the simulator's own work), not stretched: projectedLowerBoundMs + (wallMs - lowerBoundMs).
	 */
	estimatedWallMs: number;
	/** estimatedWallMs / projectedLowerBoundMs. */
	estimatedRatio: number;
	/**
	 * One PUT per member at scale 1: exported x (the model's 250 ms + the per-request overhead measured
	 * above the scaled 250 ms). The overhead is not stretched, so as not to flatter the speed-up.
	 */
	projectedOneByOneMs: number;
	/** projectedOneByOneMs / projectedWallMs: the speed-up at scale 1, conservative on both sides. */
	projectedSpeedup: number;
	/** The modelled product's 3 hours per 1,000,000 profiles, pro rata. */
	productMs: number;
	/** Profiles per CPU second of our process through mapping, validation and serialising (zero latency; the median of `cpuMsRuns`). */
	cpuProfilesPerSec: number;
	/** CPU ms of our process per 100,000 profiles, same run. */
	cpuMsPer100k: number;
	/** CPU ms of our process during the run against the simulator (HTTP client included). */
	cpuMsSimRun: number;
	/** Peak resident set of our process (VmHWM) during the run against the simulator, MB. */
	peakRssMb: number;
	/** Peak resident set of the zero-latency CPU run, MB. */
	cpuRunPeakRssMb: number;
	/** Our CPU in each zero-latency run (`--cpu-runs`), ms, in the order run. */
	cpuMsRuns?: number[];
	/** API requests the simulator saw during the export. */
	apiCalls: number;
	/** Retries the node reported. */
	retries: number;
	/** Requests the simulator refused over its 10-connection limit. */
	throttled: number;
	/** Most requests the simulator had in flight at once during the run. */
	maxInFlight: number;
	upsertCalls: number;
	tagCalls: number;
	profilesIn: number;
	exported: number;
	rejected: number;
	skipped: { noConsent: number; notInSelectedSegments: number; duplicate: number };
	oneByOne: OneByOne;
	/** 1-minute load average when the run started. */
	loadAvg: number;
	/** The Node.js version the worker ran on (`--n8n`). */
	node?: string;
	/** BENCH_NODE_FLAGS, when set. */
	nodeFlags?: string;
	at: string;
}

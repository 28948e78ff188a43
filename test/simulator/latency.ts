// How long each kind of request takes: a fixed cost plus a cost per member in the body,
// times `scale`. Benchmarks can compute their lower bound from the same numbers.
import type { LatencyCost, LatencyEndpoint, LatencyOptions } from './types';

/**
 * Realistic timings: batch upsert 300 ms + 4 ms/member (+ 1 ms per tag its members carry), tag add/remove 150 ms + 1 ms/member,
 * single PUT 250 ms, a small read 200 ms, a page of the members list 200 ms + 0.5 ms/member.
 */
export const REFERENCE_LATENCY: Readonly<Record<LatencyEndpoint, LatencyCost>> = {
	upsert: { fixedMs: 300, perMemberMs: 4 },
	segmentMembers: { fixedMs: 150, perMemberMs: 1 },
	memberPut: { fixedMs: 250, perMemberMs: 0 },
	read: { fixedMs: 200, perMemberMs: 0 },
	memberList: { fixedMs: 200, perMemberMs: 0.5 },
};

const ENDPOINTS: LatencyEndpoint[] = ['upsert', 'segmentMembers', 'memberPut', 'read', 'memberList'];

export class LatencyModel {
	private readonly costs: Record<LatencyEndpoint, LatencyCost>;
	private readonly scale: number;

	/** 'none' is all zeros; an options object starts from zeros too (spread REFERENCE_LATENCY to start from it). */
	constructor(options: 'none' | 'reference' | LatencyOptions = 'none') {
		const given: LatencyOptions = options === 'reference' ? REFERENCE_LATENCY : options === 'none' ? {} : options;
		this.scale = typeof options === 'object' ? (options.scale ?? 1) : 1;
		this.costs = Object.fromEntries(
			ENDPOINTS.map((endpoint) => [
				endpoint,
				{ fixedMs: given[endpoint]?.fixedMs ?? 0, perMemberMs: given[endpoint]?.perMemberMs ?? 0 },
			]),
		) as Record<LatencyEndpoint, LatencyCost>;
	}

	/** `tagged`: tags given along the way (a batch upsert's members' `tags`), each at a tag call's cost per member. */
	delayMs(endpoint: LatencyEndpoint, members: number, tagged = 0): number {
		const cost = this.costs[endpoint];
		return (cost.fixedMs + cost.perMemberMs * members + this.costs.segmentMembers.perMemberMs * tagged) * this.scale;
	}
}

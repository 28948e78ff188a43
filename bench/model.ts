// The reference latency model (real seconds, scale 1) and the lower bound it implies.
//
//   batch upsert (POST /lists/{id})                    0.30 s + 4 ms per member
//                                                      + 1 ms per tag its members carry
//   static segment add/remove (POST .../segments/{id}) 0.15 s + 1 ms per member
//   single-member PUT (PUT .../members/{hash})         0.25 s
//   a page of reads (GET)                              0.20 s
//   a page of the members list (GET .../members)        0.20 s + 0.5 ms per member
//
// Mailchimp takes at most 500 members per batch or segment call and 10 connections at once.
// The lower bound of an export is the sum of the service times of the calls that must be made,
// divided by the 10 connections: no client can finish sooner, however it schedules its calls.
// The calls: ceil(n/500) upserts, whose members carry their tags (Mailchimp applies them, at a
// tag call's cost per member); with `separate` tags, per segment ceil(members/500) tag calls
// instead (the way when Mailchimp ignores the upsert's tags, and this node's way until then).

export const REFERENCE = {
	upsert: { fixedMs: 300, perMemberMs: 4 },
	segmentMembers: { fixedMs: 150, perMemberMs: 1 },
	memberPut: { fixedMs: 250, perMemberMs: 0 },
	read: { fixedMs: 200, perMemberMs: 0 },
	memberList: { fixedMs: 200, perMemberMs: 0.5 },
} as const;

export const MAX_BATCH = 500;
export const CONNECTIONS = 10;
/** "An export of 1 million profiles can take up to three hours." */
export const PRODUCT_MS_PER_MILLION = 3 * 3600 * 1000;

/** Service time of calls carrying `members` in total, split into 500-member calls. */
export function chunkedServiceMs(members: number, cost: { fixedMs: number; perMemberMs: number }): number {
	if (members <= 0) return 0;
	return Math.ceil(members / MAX_BATCH) * cost.fixedMs + members * cost.perMemberMs;
}

export interface LowerBound {
	upsertCalls: number;
	tagCalls: number;
	/** Sum of the service times at scale 1. */
	serviceMs: number;
	/** serviceMs / CONNECTIONS, at scale 1. */
	lowerBoundMs: number;
}

/**
 * @param exported members upserted
 * @param segmentMembers members added per segment
 * @param tags `carried` by the upserts, or sent by `separate` tag calls
 */
export function lowerBound(exported: number, segmentMembers: number[], tags: 'carried' | 'separate' = 'carried'): LowerBound {
	let serviceMs = chunkedServiceMs(exported, REFERENCE.upsert);
	let tagCalls = 0;
	for (const m of segmentMembers) {
		if (tags === 'carried') {
			serviceMs += m * REFERENCE.segmentMembers.perMemberMs;
			continue;
		}
		serviceMs += chunkedServiceMs(m, REFERENCE.segmentMembers);
		tagCalls += Math.ceil(m / MAX_BATCH);
	}
	return {
		upsertCalls: Math.ceil(exported / MAX_BATCH),
		tagCalls,
		serviceMs,
		lowerBoundMs: serviceMs / CONNECTIONS,
	};
}

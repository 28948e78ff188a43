// A batch upsert's member, `{ email_address, status_if_new, merge_fields?, tags? }`, from a mapped
// profile. Built as an object: UpsertBatch serialises members 64 at a time in one JSON.stringify,
// which measured faster than writing each member's text by hand.

import type { MemberUpsert } from './client';
import { OMIT } from './mergeFields';

export class MemberBuilder {
	/** `mergeTags`: the merge field of each mapped value, in the order of the values. */
	constructor(
		private readonly statusIfNew: MemberUpsert['status_if_new'],
		private readonly mergeTags: readonly string[],
	) {}

	/** The member: its email, the values not OMIT under merge_fields, and the names of the tags it carries. */
	build(email: string, values: readonly unknown[], tags: string[] | undefined): MemberUpsert {
		const member: MemberUpsert = { email_address: email, status_if_new: this.statusIfNew };
		let merge: Record<string, unknown> | undefined;
		for (let i = 0; i < values.length; i++) {
			if (values[i] === OMIT) continue;
			if (merge === undefined) merge = {};
			merge[this.mergeTags[i]] = values[i];
		}
		if (merge !== undefined) member.merge_fields = merge;
		if (tags !== undefined) member.tags = tags;
		return member;
	}
}

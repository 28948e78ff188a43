// Tags (static segments): find or create one per exported segment before sending, and, when
// asked, remove from each tag the members who are no longer in its segment (untag only: never
// unsubscribe, archive or delete).

import { MAX_BATCH, createStaticSegment, listSegmentMembers, listStaticSegments, updateSegmentMembers } from './client';
import { ExportError, RequestFailedError } from './errors';
import type { MemberIndex } from './plan';
import type { Report } from './report';
import type { Runner } from './runner';
import type { SegmentReport } from './types';

/** An exported segment and its Mailchimp tag. */
export interface TagTarget extends SegmentReport {
	segment: number;
}

/**
 * Finds each segment's tag (names compared case-insensitively) and creates the missing ones that
 * will get members (`used`), unless dry run: rows rejected before sending leave no empty tag.
 */
export async function ensureTags(
	runner: Runner,
	listId: string,
	names: readonly string[],
	used: ReadonlySet<number>,
	dryRun: boolean,
): Promise<TagTarget[]> {
	const existing = await listStaticSegments(runner.call, listId);
	const exact = new Map(existing.map((s) => [s.name, s.id]));
	const folded = new Map<string, number>();
	for (const s of existing) if (!folded.has(s.name.toLowerCase())) folded.set(s.name.toLowerCase(), s.id);
	const targets: TagTarget[] = names.map((name, segment) => ({
		segment,
		name,
		tagId: exact.get(name) ?? folded.get(name.toLowerCase()) ?? null,
		added: 0,
		alreadyTagged: 0,
		removed: 0,
	}));
	if (!dryRun) {
		await Promise.all(
			targets
				.filter((t) => t.tagId === null && used.has(t.segment))
				.map(async (t) => {
					t.tagId = await createTag(runner, listId, t.name);
				}),
		);
	}
	return targets;
}

/**
 * Creates a tag. Creating is not idempotent: when a create was done but its answer was lost
 * (a timeout, a connection reset) the retry is refused with a 400 because the tag exists now.
 * Then the tag is looked up again by name; the 400 stands only when it is really not there.
 */
async function createTag(runner: Runner, listId: string, name: string): Promise<number> {
	const created = await createStaticSegment(runner.call, listId, name).then(
		(segment) => segment.id,
		(error: unknown) => error,
	);
	if (typeof created === 'number') return created;
	if (!(created instanceof ExportError) || created.httpStatus !== 400) throw created;
	const existing = await listStaticSegments(runner.call, listId);
	const found = existing.find((s) => s.name === name) ?? existing.find((s) => s.name.toLowerCase() === name.toLowerCase());
	if (found === undefined) throw created;
	return found.id;
}

/**
 * Removes from each tag the members not exported in its segment this time. Members rejected in
 * this export are still in their segments and keep their tags. Failures mark the report partial.
 */
export async function removeMembersWhoLeft(
	runner: Runner,
	listId: string,
	targets: readonly TagTarget[],
	index: MemberIndex,
	report: Report,
	dryRun: boolean,
): Promise<void> {
	for (const target of targets) {
		if (target.tagId === null) continue;
		const tagId = target.tagId;
		// Read the whole tag first: removing while paging would shift the offsets.
		const leaving: string[] = [];
		for (let offset = 0, total = Infinity; offset < total; ) {
			runner.throwIfCancelled();
			const page = await listSegmentMembers(runner.call, listId, tagId, offset);
			total = page.total;
			if (page.emails.length === 0) break;
			offset += page.emails.length;
			for (const email of page.emails) {
				const ord = index.find(email.trim().toLowerCase());
				if (ord < 0 || !index.hasSegment(ord, target.segment)) leaving.push(email);
			}
		}
		if (dryRun) {
			target.removed = leaving.length;
			continue;
		}
		const calls: Array<Promise<void>> = [];
		for (let i = 0; i < leaving.length; i += MAX_BATCH) {
			const chunk = leaving.slice(i, i + MAX_BATCH);
			calls.push(
				updateSegmentMembers(runner.call, listId, tagId, { remove: chunk }).then(
					(result) => {
						const failed = result.errors.reduce((n, e) => n + e.email_addresses.length, 0);
						target.removed += result.total_removed ?? chunk.length - failed;
					},
					(error: unknown) => {
						if (!(error instanceof RequestFailedError)) throw error;
						report.partial = true;
					},
				),
			);
		}
		const settled = await Promise.allSettled(calls);
		for (const s of settled) if (s.status === 'rejected') throw s.reason;
	}
}

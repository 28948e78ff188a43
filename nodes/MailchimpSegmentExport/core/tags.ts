// Tags (static segments): find or create one per exported segment before sending, and, when
// asked, remove from each tag the members who are no longer in its segment (untag only: never
// unsubscribe, archive or delete).

import {
	MAX_BATCH,
	type StaticSegment,
	createStaticSegment,
	listSegmentMembers,
	listStaticSegments,
	updateSegmentMembers,
} from './client';
import { emailKey } from './email';
import { ExportError, RequestFailedError } from './errors';
import type { MemberIndex } from './plan';
import type { Report } from './report';
import type { Runner } from './runner';
import type { SegmentReport } from './types';

/** An exported segment and its Mailchimp tag. */
export interface TagTarget extends SegmentReport {
	segment: number;
	/** The tag's name as Mailchimp has it, when no other tag has that name in any case: batch upserts carry the tag by it. */
	upsertName?: string;
}

/** The Summary's entry for a tag target (without the export's own bookkeeping). */
export function segmentReport({ name, tagId, added, alreadyTagged, removed, note }: TagTarget): SegmentReport {
	return note === undefined ? { name, tagId, added, alreadyTagged, removed } : { name, tagId, added, alreadyTagged, removed, note };
}

/**
 * The tag a name stands for: the oldest (lowest id) tag of exactly that name, else of that name
 * in another case. Two exports that create the same tag at the same moment can leave two tags of
 * one name; every export picks the same one of them, so nobody's members are split.
 */
function tagFor(tags: readonly StaticSegment[], name: string): StaticSegment | undefined {
	const oldest = (same: StaticSegment[]) => same.reduce<StaticSegment | undefined>((a, b) => (a === undefined || b.id < a.id ? b : a), undefined);
	return oldest(tags.filter((t) => t.name === name)) ?? oldest(tags.filter((t) => t.name.toLowerCase() === name.toLowerCase()));
}

/** Says which tag was used when the audience holds several tags of the target's name. */
function noteSameName(target: TagTarget, tags: readonly StaticSegment[]): void {
	const same = tags.filter((t) => t.name.toLowerCase() === target.name.toLowerCase()).map((t) => t.id).sort((a, b) => a - b);
	if (same.length < 2) return;
	target.note =
		`The audience has ${same.length} tags named "${target.name}" (ids ${same.join(', ')}), as happens when exports run at the same time. ` +
		`Every member of this export went to tag ${target.tagId}, the oldest: the one every export of this node uses.`;
}

/**
 * Finds each segment's tag and creates the missing ones that will get members (`used`), unless
 * dry run: rows rejected before sending leave no empty tag.
 *
 * Another export (on another n8n worker) may create the same tag at the same moment: Mailchimp
 * then refuses the second create, or keeps two tags of one name. Either way the tags are read
 * again after creating, and each name takes the tag `tagFor` picks.
 */
export async function ensureTags(
	runner: Runner,
	listId: string,
	names: readonly string[],
	used: ReadonlySet<number>,
	dryRun: boolean,
): Promise<TagTarget[]> {
	let tags = await listStaticSegments(runner.call, listId);
	const targets: TagTarget[] = names.map((name, segment) => ({
		segment,
		name,
		tagId: tagFor(tags, name)?.id ?? null,
		added: 0,
		alreadyTagged: 0,
		removed: 0,
	}));
	const missing = dryRun ? [] : targets.filter((t) => t.tagId === null && used.has(t.segment));
	if (missing.length > 0) {
		const created = await Promise.all(missing.map(async (t) => await createTag(runner, listId, t.name)));
		tags = await listStaticSegments(runner.call, listId);
		missing.forEach((t, i) => {
			const found = tagFor(tags, t.name)?.id ?? created[i];
			if (found instanceof Error) throw found;
			t.tagId = found;
		});
	}
	for (const t of targets) {
		noteSameName(t, tags);
		t.upsertName = upsertNameOf(t, tags);
	}
	return targets;
}

/**
 * The name a batch upsert's members can carry the target's tag by (Mailchimp takes tags by name
 * there): only when that name, in any case, is this tag's alone, so that it cannot land on another.
 */
function upsertNameOf(target: TagTarget, tags: readonly StaticSegment[]): string | undefined {
	const own = tags.find((t) => t.id === target.tagId);
	if (own === undefined) return undefined;
	const lower = own.name.toLowerCase();
	return tags.filter((t) => t.name.toLowerCase() === lower).length === 1 ? own.name : undefined;
}

/**
 * Creates a tag; resolves with its id, or with Mailchimp's 400 when the name is taken. Creating
 * is not idempotent: a create whose answer was lost (a timeout, a reset) is refused on the retry
 * because the tag exists now. The 400 stands only when the tag is not there when read again.
 */
async function createTag(runner: Runner, listId: string, name: string): Promise<number | ExportError> {
	return await createStaticSegment(runner.call, listId, name).then(
		(segment) => segment.id,
		(error: unknown) => {
			if (error instanceof ExportError && error.httpStatus === 400) return error;
			throw error;
		},
	);
}

/** A tag's members who are not exported in its segment this time, read page by page. */
async function readLeavers(runner: Runner, listId: string, target: TagTarget, tagId: number, index: MemberIndex): Promise<string[]> {
	// Read the whole tag first: removing while paging would shift the offsets.
	const leaving: string[] = [];
	for (let offset = 0, total = Infinity; offset < total; ) {
		runner.throwIfCancelled();
		const page = await listSegmentMembers(runner.call, listId, tagId, offset);
		total = page.total;
		if (page.emails.length === 0) break;
		offset += page.emails.length;
		for (const email of page.emails) {
			const ord = index.find(emailKey(email.trim()));
			if (ord < 0 || !index.hasSegment(ord, target.segment)) leaving.push(email);
		}
	}
	return leaving;
}

/**
 * Removes from each tag the members not exported in its segment this time. Members rejected in
 * this export are still in their segments and keep their tags. Failures mark the report partial.
 * `known`: the leavers per segment, when the audience was read already ("Only Send Changes").
 */
export async function removeMembersWhoLeft(
	runner: Runner,
	listId: string,
	targets: readonly TagTarget[],
	index: MemberIndex,
	report: Report,
	dryRun: boolean,
	known?: readonly string[][],
): Promise<void> {
	for (const target of targets) {
		if (target.tagId === null) continue;
		const tagId = target.tagId;
		const leaving = known?.[target.segment] ?? (await readLeavers(runner, listId, target, tagId, index));
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

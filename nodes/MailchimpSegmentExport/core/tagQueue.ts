// Tag calls of pass 2: members confirmed in the audience without a tag their upsert carried (or
// could not carry) wait here, per segment, until 500 of them make a `members_to_add` call; the
// answer is matched back, and members it does not account for are looked up (confirm.ts):
// tagged, or rejected with the reason.

import { MAX_BATCH, type SegmentUpdateResult, updateSegmentMembers } from './client';
import { absenceReason, lookUpMembers } from './confirm';
import { emailKey } from './email';
import { RequestFailedError } from './errors';
import { MemberState, type MemberIndex } from './plan';
import { reasons } from './rejections';
import { type Report, detach } from './report';
import type { Runner } from './runner';
import type { TagTarget } from './tags';
import type { Tasks } from './tasks';

export interface TagQueueContext {
	runner: Runner;
	listId: string;
	index: MemberIndex;
	report: Report;
	targets: TagTarget[];
	dryRun: boolean;
	tasks: Tasks;
}

/**
 * Emails waiting for a tag call, with their members' ordinals and keys (lower-cased emails,
 * computed once per member), and the keys of those that Mailchimp's upsert answer already
 * showed with the tag.
 */
interface TagBuffer {
	emails: string[];
	keys: string[];
	ords: number[];
	hadTag: Set<string>;
}

const emptyTagBuffer = (): TagBuffer => ({ emails: [], keys: [], ords: [], hadTag: new Set() });

export class TagQueue {
	private readonly buffers: TagBuffer[];
	private readonly segmentScratch: number[] = [];

	constructor(private readonly ctx: TagQueueContext) {
		this.buffers = ctx.targets.map(emptyTagBuffer);
	}

	/**
	 * Queues an exported member for each of its segments' tags. `has` says which tags Mailchimp
	 * showed it with: those its upsert carried (`carried`) are tagged by it; with `skipHeld`
	 * ("Only Send Changes") the others are counted as already tagged and not sent again; without,
	 * they are sent and told apart in the count. Both are asked here and not kept, and so is
	 * `email` when a function (read only when the member waits here).
	 */
	add(ord: number, email: string | (() => string), has?: (segment: number) => boolean, skipHeld = false, carried?: (segment: number) => boolean): void {
		const segments = this.ctx.index.segmentsOf(ord, this.segmentScratch);
		// Copied off the reader's chunk (it may wait here long) and keyed when first queued.
		let queued: string | undefined;
		let key = '';
		for (let i = 0; i < segments.length; i++) {
			const held = has !== undefined && has(segments[i]);
			if (held && carried !== undefined && carried(segments[i])) {
				this.ctx.targets[segments[i]].added++;
				continue;
			}
			if (held && skipHeld) {
				this.ctx.targets[segments[i]].alreadyTagged++;
				continue;
			}
			if (queued === undefined) {
				queued = detach(typeof email === 'string' ? email : email());
				key = emailKey(queued);
			}
			const buffer = this.buffers[segments[i]];
			buffer.emails.push(queued);
			buffer.keys.push(key);
			buffer.ords.push(ord);
			if (held) buffer.hadTag.add(key);
			if (buffer.emails.length === MAX_BATCH) this.flush(segments[i]);
		}
	}

	/** Sends every partly filled buffer. */
	flushAll(): void {
		for (let s = 0; s < this.buffers.length; s++) if (this.buffers[s].emails.length > 0) this.flush(s);
	}

	private flush(segment: number): void {
		const buffer = this.buffers[segment];
		this.buffers[segment] = emptyTagBuffer();
		const target = this.ctx.targets[segment];
		if (this.ctx.dryRun || target.tagId === null) {
			target.added += buffer.emails.length;
			return;
		}
		const tagId = target.tagId;
		this.ctx.tasks.track(
			updateSegmentMembers(this.ctx.runner.call, this.ctx.listId, tagId, { add: buffer.emails }).then(
				(result) => this.tagged(target, tagId, buffer, result),
				(error: unknown) => {
					if (!(error instanceof RequestFailedError)) throw error;
					this.ctx.report.partial = true;
					this.failed(buffer, buffer.emails, () => reasons.notTagged(target.name, error.message));
				},
			),
		);
	}

	/**
	 * Counts the members Mailchimp tagged: those in `members_added` (or all but the errors when
	 * `total_added` says so), and those its upsert answer showed with the tag already (whether
	 * `members_added` lists them is undocumented). The others are looked up: tagged, or rejected
	 * with the reason.
	 */
	private async tagged(target: TagTarget, tagId: number, buffer: TagBuffer, result: SegmentUpdateResult): Promise<void> {
		const failed = new Set<string>();
		for (const e of result.errors) {
			for (const email of e.email_addresses) failed.add(emailKey(email.trim()));
			this.failed(buffer, e.email_addresses, () => reasons.notTagged(target.name, e.error ?? 'Mailchimp did not add the tag'));
		}
		const listed = result.members_added === undefined ? undefined : new Set(result.members_added.map((m) => emailKey(m.email_address.trim())));
		const { keys } = buffer;
		let rest = keys.length;
		if (failed.size > 0) for (const key of keys) if (failed.has(key)) rest--;
		const allAdded = listed === undefined && result.total_added !== undefined && result.total_added >= rest;
		// Members the upsert answer showed with the tag already are counted apart from those tagged now.
		let hadIt = 0;
		const unsure: string[] = [];
		for (let i = 0; i < keys.length; i++) {
			if (failed.has(keys[i])) continue;
			if (buffer.hadTag.has(keys[i])) hadIt++;
			else if (!allAdded && (listed === undefined || !listed.has(keys[i]))) unsure.push(buffer.emails[i]);
		}
		target.added += rest - unsure.length - hadIt;
		target.alreadyTagged += hadIt;
		if (unsure.length === 0) return;
		const found = await lookUpMembers(this.ctx.runner, this.ctx.listId, unsure);
		const untagged: string[] = [];
		const why = new Map<string, string>();
		unsure.forEach((email, i) => {
			const presence = found[i];
			if (presence.kind === 'present' && presence.member.tagIds.includes(tagId)) {
				target.added++;
				return;
			}
			if (presence.kind === 'unknown') this.ctx.report.partial = true;
			untagged.push(email);
			why.set(
				emailKey(email),
				presence.kind === 'present'
					? reasons.notTagged(target.name, 'Mailchimp did not add the tag and did not say why')
					: reasons.notTaggedAbsent(target.name, absenceReason(presence)),
			);
		});
		this.failed(buffer, untagged, (email) => why.get(emailKey(email)) ?? '');
	}

	/** Rejects the members of a tag call that did not get the tag. */
	private failed(buffer: TagBuffer, emails: readonly string[], reasonOf: (email: string) => string): void {
		const { index, report } = this.ctx;
		const wanted = new Set(emails.map((e) => emailKey(e.trim())));
		for (let i = 0; i < buffer.keys.length; i++) {
			if (!wanted.has(buffer.keys[i])) continue;
			const ord = buffer.ords[i];
			if (index.state[ord] === MemberState.Rejected) continue;
			index.state[ord] = MemberState.Rejected;
			report.reject(index.rowIndex[ord], index.itemOf(ord), buffer.emails[i], reasonOf(buffer.emails[i]), 'TAG_FAILED');
		}
	}
}

// Pass 2: read the rows again, re-map only each member's winning row, and send. This is where
// batches are built: upserts of up to 500 members, and, as upserts are confirmed, tag calls
// (`members_to_add`) of up to 500 per segment, pipelined so that the runner's pool stays full.
// Rows Mailchimp rejects (errors[] inside an HTTP 200), rows of a batch that failed for good,
// and rows whose input changed between the two reads are rejected here, with the reason.

import {
	MAX_BATCH,
	type MemberUpsert,
	type SegmentUpdateResult,
	type UpsertResult,
	upsertMembers,
	updateSegmentMembers,
} from './client';
import { absenceReason, lookUpMembers } from './confirm';
import { emailKey } from './email';
import { RequestFailedError } from './errors';
import { MemberState, type MemberIndex, forEachRow } from './plan';
import { Outcome, type ProfileMapper, newMappedProfile } from './profile';
import { type RejectCode, mailchimpCode, reasons } from './rejections';
import type { Report } from './report';
import type { Runner } from './runner';
import type { TagTarget } from './tags';
import type { ProfileSource } from './types';

export type NewMemberStatus = MemberUpsert['status_if_new'];

export interface SendContext {
	runner: Runner;
	listId: string;
	mapper: ProfileMapper;
	index: MemberIndex;
	report: Report;
	targets: TagTarget[];
	statusIfNew: NewMemberStatus;
	skipMergeValidation: boolean;
	dryRun: boolean;
	/** Calls kept pending at once (the pool size). */
	maxConcurrency: number;
}

interface BatchMember {
	ord: number;
	key: string;
	body: MemberUpsert;
}

/**
 * Emails waiting for a tag call, with their members' ordinals and the lower-cased emails of
 * those that Mailchimp's upsert answer already showed with the tag.
 */
interface TagBuffer {
	emails: string[];
	ords: number[];
	hadTag: Set<string>;
}

const emptyTagBuffer = (): TagBuffer => ({ emails: [], ords: [], hadTag: new Set() });

export class Sender {
	private batch: BatchMember[] = [];
	private readonly tagBuffers: TagBuffer[];
	private readonly tasks = new Set<Promise<void>>();
	private fatal: unknown = undefined;
	private readonly segmentScratch: number[] = [];

	constructor(private readonly ctx: SendContext) {
		this.tagBuffers = ctx.targets.map(emptyTagBuffer);
	}

	/** Pass 2 over the source; returns when every call has settled. */
	async run(source: ProfileSource): Promise<void> {
		const mapped = newMappedProfile();
		let rows = 0;
		try {
			await this.readAndSend(source, mapped, () => ++rows);
		} finally {
			// On failure, let the calls in flight finish (none starts any more) so the state is known.
			while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
		}
	}

	private async readAndSend(source: ProfileSource, mapped: ReturnType<typeof newMappedProfile>, count: () => number): Promise<void> {
		const { mapper, index, report } = this.ctx;
		await forEachRow(source, (row) => {
			if ((count() & 255) === 0) this.checkpoint();
			if (row.error !== undefined) return;
			const key = mapper.keyOf(row.data);
			if (key === '') return;
			let ord = index.find(key);
			if (ord < 0) return;
			if (index.rowIndex[ord] !== row.index) {
				// Not the member's winning row: a duplicate, unless two people share a hash.
				ord = index.resolveFirstRow(key, row.index, row.itemIndex);
				if (ord < 0) return;
				report.duplicate--;
			}
			if (index.state[ord] !== MemberState.Planned) return;
			if (mapper.remap(row.data, mapped, key) !== Outcome.Ok || mapper.fingerprint(mapped) !== index.fingerprint[ord]) {
				index.state[ord] = MemberState.Rejected;
				report.reject(
					row.index,
					row.itemIndex,
					mapped.email,
					reasons.inputChanged(),
					'INPUT_CHANGED',
				);
				return;
			}
			index.state[ord] = MemberState.Queued;
			const body: MemberUpsert = { email_address: mapped.email, status_if_new: this.ctx.statusIfNew };
			const merge = mapper.mergeFields(mapped);
			if (merge !== undefined) body.merge_fields = merge;
			this.batch.push({ ord, key: mapped.key, body });
			if (this.batch.length === MAX_BATCH) return this.flushBatch();
			return undefined;
		});
		await this.flushBatch();
		await this.settle();
		for (let s = 0; s < this.tagBuffers.length; s++) if (this.tagBuffers[s].emails.length > 0) this.flushTag(s);
		await this.settle();
		this.rejectUnseen();
	}

	/** Throws the first fatal error (bad key, cancellation) once the calls in flight have settled. */
	private checkpoint(): void {
		if (this.fatal !== undefined) throw this.fatal;
		this.ctx.runner.throwIfCancelled();
	}

	private async settle(): Promise<void> {
		while (this.tasks.size > 0) await Promise.all([...this.tasks]);
		if (this.fatal !== undefined) throw this.fatal;
		this.ctx.runner.throwIfCancelled();
	}

	private track(task: Promise<void>): void {
		const tracked = task.catch((error: unknown) => {
			if (this.fatal === undefined) this.fatal = error;
		});
		this.tasks.add(tracked);
		void tracked.then(() => this.tasks.delete(tracked));
	}

	private async flushBatch(): Promise<void> {
		const batch = this.batch;
		if (batch.length === 0) return;
		this.batch = [];
		// Back-pressure: start a batch only when the pool has room, so that memory holds only
		// the batches in flight.
		await this.ctx.runner.whenBelow(this.ctx.maxConcurrency);
		if (this.fatal !== undefined) {
			await this.settle();
		}
		this.ctx.runner.throwIfCancelled();
		if (this.ctx.dryRun) {
			for (const m of batch) this.confirm(m.ord, m.body.email_address);
			return;
		}
		this.track(
			upsertMembers(
				this.ctx.runner.call,
				this.ctx.listId,
				batch.map((m) => m.body),
				this.ctx.skipMergeValidation,
			).then(
				(result) => this.upserted(batch, result),
				(error: unknown) => this.batchFailed(batch, error),
			),
		);
	}

	/** Matches Mailchimp's answer back to the batch's rows by lower-cased email. */
	private upserted(batch: BatchMember[], result: UpsertResult): Promise<void> | undefined {
		const { report, index } = this.ctx;
		const byKey = new Map<string, BatchMember>();
		for (const m of batch) byKey.set(m.key, m);
		const take = (email: string | undefined): BatchMember | undefined => {
			if (email === undefined) return undefined;
			const key = emailKey(email.trim());
			const m = byKey.get(key);
			if (m !== undefined) byKey.delete(key);
			return m;
		};
		for (const member of result.new_members) {
			const m = take(member.email_address);
			if (m === undefined) continue;
			report.created++;
			this.confirm(m.ord, m.body.email_address, tagIdsOf(member));
		}
		for (const member of result.updated_members) {
			const m = take(member.email_address);
			if (m === undefined) continue;
			if (member.status === 'archived') {
				this.rejectMember(m, absenceReason({ kind: 'absent', archived: true }), 'NOT_IN_AUDIENCE');
				continue;
			}
			report.updated++;
			this.confirm(m.ord, m.body.email_address, tagIdsOf(member));
		}
		for (const error of result.errors) {
			const m = take(error.email_address);
			if (m === undefined) continue;
			index.state[m.ord] = MemberState.Rejected;
			let message = error.field_message && error.field_message !== error.error ? `${error.error ?? ''} ${error.field_message}`.trim() : error.error;
			// Name the field Mailchimp refused, so that the reason alone says what to fix.
			if (message !== undefined && error.field !== undefined && error.field !== '' && !message.includes(error.field)) {
				message = `Mailchimp refused ${error.field}: ${message}`;
			}
			report.reject(
				index.rowIndex[m.ord],
				index.itemIndex[m.ord],
				m.body.email_address,
				message ?? 'Mailchimp rejected this member',
				mailchimpCode(error.error_code),
				error.field,
			);
		}
		// Nothing is silently dropped: a member the answer does not mention is looked up.
		if (byKey.size > 0) return this.confirmByLookup([...byKey.values()]);
		return undefined;
	}

	/** Members the batch answer left out: in the audience means updated, else rejected with the reason. */
	private async confirmByLookup(members: BatchMember[]): Promise<void> {
		const found = await lookUpMembers(this.ctx.runner, this.ctx.listId, members.map((m) => m.body.email_address));
		members.forEach((m, i) => {
			const presence = found[i];
			if (presence.kind === 'present') {
				this.ctx.report.updated++;
				this.confirm(m.ord, m.body.email_address, presence.member.tagIds);
				return;
			}
			if (presence.kind === 'unknown') this.ctx.report.partial = true;
			this.rejectMember(m, absenceReason(presence), presence.kind === 'unknown' ? 'NOT_CONFIRMED' : 'NOT_IN_AUDIENCE');
		});
	}

	private rejectMember(m: BatchMember, reason: string, code: RejectCode): void {
		const { index, report } = this.ctx;
		index.state[m.ord] = MemberState.Rejected;
		report.reject(index.rowIndex[m.ord], index.itemIndex[m.ord], m.body.email_address, reason, code);
	}

	private batchFailed(batch: BatchMember[], error: unknown): void {
		if (!(error instanceof RequestFailedError)) throw error;
		const { report, index } = this.ctx;
		report.partial = true;
		for (const m of batch) {
			index.state[m.ord] = MemberState.Rejected;
			report.reject(index.rowIndex[m.ord], index.itemIndex[m.ord], m.body.email_address, error.message, 'BATCH_FAILED');
		}
	}

	/** The member is in the audience: queue it for each of its tags (`tagIds`: the ones Mailchimp showed it with). */
	private confirm(ord: number, email: string, tagIds?: readonly number[]): void {
		this.ctx.index.state[ord] = MemberState.Exported;
		const segments = this.ctx.index.segmentsOf(ord, this.segmentScratch);
		for (let i = 0; i < segments.length; i++) {
			const buffer = this.tagBuffers[segments[i]];
			buffer.emails.push(email);
			buffer.ords.push(ord);
			const tagId = this.ctx.targets[segments[i]].tagId;
			if (tagIds !== undefined && tagId !== null && tagIds.includes(tagId)) buffer.hadTag.add(emailKey(email));
			if (buffer.emails.length === MAX_BATCH) this.flushTag(segments[i]);
		}
	}

	private flushTag(segment: number): void {
		const buffer = this.tagBuffers[segment];
		this.tagBuffers[segment] = emptyTagBuffer();
		const target = this.ctx.targets[segment];
		if (this.ctx.dryRun || target.tagId === null) {
			target.added += buffer.emails.length;
			return;
		}
		const tagId = target.tagId;
		this.track(
			updateSegmentMembers(this.ctx.runner.call, this.ctx.listId, tagId, { add: buffer.emails }).then(
				(result) => this.tagged(target, tagId, buffer, result),
				(error: unknown) => {
					if (!(error instanceof RequestFailedError)) throw error;
					this.ctx.report.partial = true;
					this.tagFailed(buffer, buffer.emails, () => `In the audience, but not tagged "${target.name}": ${error.message}`);
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
			this.tagFailed(buffer, e.email_addresses, () => `In the audience, but not tagged "${target.name}": ${e.error ?? 'Mailchimp did not add the tag'}`);
		}
		const listed = result.members_added === undefined ? undefined : new Set(result.members_added.map((m) => emailKey(m.email_address.trim())));
		const rest = buffer.emails.filter((email) => !failed.has(emailKey(email)));
		const allAdded = listed === undefined && result.total_added !== undefined && result.total_added >= rest.length;
		const unsure = allAdded
			? []
			: rest.filter((email) => !buffer.hadTag.has(emailKey(email)) && (listed === undefined || !listed.has(emailKey(email))));
		// Members the upsert answer showed with the tag already are counted apart from those tagged now.
		const hadIt = rest.filter((email) => buffer.hadTag.has(emailKey(email))).length;
		target.added += rest.length - unsure.length - hadIt;
		target.alreadyTagged += hadIt;
		if (unsure.length === 0) return;
		const found = await lookUpMembers(this.ctx.runner, this.ctx.listId, unsure);
		const untagged: string[] = [];
		const reasons = new Map<string, string>();
		unsure.forEach((email, i) => {
			const presence = found[i];
			if (presence.kind === 'present' && presence.member.tagIds.includes(tagId)) {
				target.added++;
				return;
			}
			if (presence.kind === 'unknown') this.ctx.report.partial = true;
			untagged.push(email);
			reasons.set(
				emailKey(email),
				presence.kind === 'present'
					? `In the audience, but not tagged "${target.name}": Mailchimp did not add the tag and did not say why`
					: `Not tagged "${target.name}": ${absenceReason(presence)}`,
			);
		});
		this.tagFailed(buffer, untagged, (email) => reasons.get(emailKey(email)) ?? '');
	}

	/** Rejects the members of a tag call that did not get the tag. */
	private tagFailed(buffer: TagBuffer, emails: readonly string[], reasonOf: (email: string) => string): void {
		const { index, report } = this.ctx;
		const wanted = new Set(emails.map((e) => emailKey(e.trim())));
		for (let i = 0; i < buffer.emails.length; i++) {
			if (!wanted.has(emailKey(buffer.emails[i]))) continue;
			const ord = buffer.ords[i];
			if (index.state[ord] === MemberState.Rejected) continue;
			index.state[ord] = MemberState.Rejected;
			report.reject(index.rowIndex[ord], index.itemIndex[ord], buffer.emails[i], reasonOf(buffer.emails[i]), 'TAG_FAILED');
		}
	}

	/** Members accepted in pass 1 whose row was not found in pass 2. */
	private rejectUnseen(): void {
		const { index, report } = this.ctx;
		for (let ord = 0; ord < index.size; ord++) {
			if (index.state[ord] !== MemberState.Planned) continue;
			index.state[ord] = MemberState.Rejected;
			report.reject(
				index.rowIndex[ord],
				index.itemIndex[ord],
				index.emailOf(ord),
				reasons.inputNotFoundAgain(),
				'INPUT_CHANGED',
			);
		}
	}
}

function tagIdsOf(member: { tags?: Array<{ id: number }> }): number[] | undefined {
	return member.tags?.map((t) => t.id);
}

/** Exported members at the end: the ones upserted and not rejected since. */
export function countExported(index: MemberIndex): number {
	let n = 0;
	for (let ord = 0; ord < index.size; ord++) if (index.state[ord] === MemberState.Exported) n++;
	return n;
}

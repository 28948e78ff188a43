// Pass 2: read the rows again, re-map only each member's winning row, and send. This is where
// upsert batches of up to 500 members are built and their answers matched back; members they
// confirm go to the tag queue (tagQueue.ts), which keeps the runner's pool full with tag calls.
// Rows Mailchimp rejects (errors[] inside an HTTP 200), rows of a batch that failed for good,
// and rows whose input changed between the two reads are rejected here, with the reason.

import { MAX_BATCH, type MemberUpsert, type UpsertResult, upsertMembers } from './client';
import type { ValueHasher } from './changes';
import { absenceReason, lookUpMembers } from './confirm';
import { emailKey } from './email';
import { RequestFailedError } from './errors';
import { MemberState, type MemberIndex } from './plan';
import { type MappedProfile, Outcome, type ProfileMapper, newMappedProfile } from './profile';
import { type RejectCode, mailchimpCode, reasons } from './rejections';
import type { Report } from './report';
import { forEachRow } from './rows';
import type { Runner } from './runner';
import type { AudienceSnapshot } from './snapshot';
import { TagQueue } from './tagQueue';
import type { TagTarget } from './tags';
import { Tasks } from './tasks';
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
	/** "Only Send Changes" with the audience read: members already as sent are left alone. */
	audience?: { snapshot: AudienceSnapshot; values: ValueHasher };
}

interface BatchMember {
	ord: number;
	key: string;
	body: MemberUpsert;
	/** The member in the audience snapshot, or -1 (not listed, or no snapshot). */
	held: number;
}

export class Sender {
	private batch: BatchMember[] = [];
	private readonly tasks: Tasks;
	private readonly tags: TagQueue;
	private readonly valueHash = new Uint32Array(2);

	constructor(private readonly ctx: SendContext) {
		this.tasks = new Tasks(ctx.runner);
		this.tags = new TagQueue({ ...ctx, tasks: this.tasks });
	}

	/** Pass 2 over the source; returns when every call has settled. */
	async run(source: ProfileSource): Promise<void> {
		const mapped = newMappedProfile();
		let rows = 0;
		try {
			await this.readAndSend(source, mapped, () => ++rows);
		} finally {
			// On failure, let the calls in flight finish (none starts any more) so the state is known.
			await this.tasks.drain();
		}
	}

	private async readAndSend(source: ProfileSource, mapped: ReturnType<typeof newMappedProfile>, count: () => number): Promise<void> {
		const { mapper, index, report } = this.ctx;
		await forEachRow(source, (row) => {
			if ((count() & 255) === 0) this.tasks.checkpoint();
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
			const held = this.ctx.audience === undefined ? -1 : this.ctx.audience.snapshot.find(key);
			if (held >= 0 && this.unchanged(ord, held, mapped)) return undefined;
			index.state[ord] = MemberState.Queued;
			const body: MemberUpsert = { email_address: mapped.email, status_if_new: this.ctx.statusIfNew };
			const merge = mapper.mergeFields(mapped);
			if (merge !== undefined) body.merge_fields = merge;
			this.batch.push({ ord, key: mapped.key, body, held });
			if (this.batch.length === MAX_BATCH) return this.flushBatch();
			return undefined;
		});
		await this.flushBatch();
		await this.tasks.settle();
		this.tags.flushAll();
		await this.tasks.settle();
		this.rejectUnseen();
	}

	private async flushBatch(): Promise<void> {
		const batch = this.batch;
		if (batch.length === 0) return;
		this.batch = [];
		// Back-pressure: start a batch only when the pool has room, so that memory holds only
		// the batches in flight.
		await this.ctx.runner.whenBelow(this.ctx.maxConcurrency);
		if (this.tasks.failed) await this.tasks.settle();
		this.ctx.runner.throwIfCancelled();
		if (this.ctx.dryRun) {
			for (const m of batch) {
				// With the audience read, a dry run can tell new members from existing ones.
				if (this.ctx.audience !== undefined) this.ctx.report[m.held >= 0 ? 'updated' : 'created']++;
				this.exported(m.ord, m.body.email_address, m.held);
			}
			return;
		}
		this.tasks.track(
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
			this.exported(m.ord, m.body.email_address, m.held, tagIdsOf(member));
		}
		for (const member of result.updated_members) {
			const m = take(member.email_address);
			if (m === undefined) continue;
			if (member.status === 'archived') {
				this.rejectMember(m, absenceReason({ kind: 'absent', archived: true }), 'NOT_IN_AUDIENCE');
				continue;
			}
			report.updated++;
			this.exported(m.ord, m.body.email_address, m.held, tagIdsOf(member));
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
				this.exported(m.ord, m.body.email_address, m.held, presence.member.tagIds);
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

	/**
	 * A member the snapshot holds (`held`) with the values the node would send: unchanged, no
	 * upsert; only the tags it lacks are queued. False when its values differ.
	 */
	private unchanged(ord: number, held: number, mapped: MappedProfile): boolean {
		const { snapshot, values } = this.ctx.audience!;
		values.sent(mapped.values, this.valueHash);
		if (!snapshot.sameValues(held, this.valueHash)) return false;
		this.ctx.report.unchanged++;
		this.ctx.index.state[ord] = MemberState.Exported;
		this.tags.add(ord, mapped.email, (segment) => snapshot.hasTag(held, segment), true);
		return true;
	}

	/**
	 * The member is in the audience: exported, and queued for its tags. `tagIds`: the tags
	 * Mailchimp's answer showed it with; without them, the snapshot's (`held`), if any.
	 */
	private exported(ord: number, email: string, held: number, tagIds?: readonly number[]): void {
		this.ctx.index.state[ord] = MemberState.Exported;
		const { targets, audience } = this.ctx;
		let has: ((segment: number) => boolean) | undefined;
		if (tagIds !== undefined) {
			has = (segment) => {
				const tagId = targets[segment].tagId;
				return tagId !== null && tagIds.includes(tagId);
			};
		} else if (audience !== undefined && held >= 0) {
			has = (segment) => audience.snapshot.hasTag(held, segment);
		}
		this.tags.add(ord, email, has, audience !== undefined);
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

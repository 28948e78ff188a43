// Pass 2: read the rows again, re-map only each member's winning row, and send. This is where
// batches are built: upserts of up to 500 members, and, as upserts are confirmed, tag calls
// (`members_to_add`) of up to 500 per segment, pipelined so that the runner's pool stays full.
// Rows Mailchimp rejects (errors[] inside an HTTP 200), rows of a batch that failed for good,
// and rows whose input changed between the two reads are rejected here, with the reason.

import { MAX_BATCH, type MemberUpsert, type UpsertResult, upsertMembers, updateSegmentMembers } from './client';
import { RequestFailedError } from './errors';
import { MemberState, type MemberIndex, forEachRow } from './plan';
import { Outcome, type ProfileMapper, newMappedProfile } from './profile';
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
	dryRun: boolean;
	/** Calls kept pending at once (the pool size). */
	maxConcurrency: number;
}

interface BatchMember {
	ord: number;
	key: string;
	body: MemberUpsert;
}

/** Emails waiting for a tag call, with their members' ordinals. */
interface TagBuffer {
	emails: string[];
	ords: number[];
}

export class Sender {
	private batch: BatchMember[] = [];
	private readonly tagBuffers: TagBuffer[];
	private readonly tasks = new Set<Promise<void>>();
	private fatal: unknown = undefined;
	private readonly segmentScratch: number[] = [];

	constructor(private readonly ctx: SendContext) {
		this.tagBuffers = ctx.targets.map(() => ({ emails: [], ords: [] }));
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
					'The input changed between the two reads of the export: this row was not sent',
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
			).then(
				(result) => this.upserted(batch, result),
				(error: unknown) => this.batchFailed(batch, error),
			),
		);
	}

	/** Matches Mailchimp's answer back to the batch's rows by lower-cased email. */
	private upserted(batch: BatchMember[], result: UpsertResult): void {
		const { report, index } = this.ctx;
		const byKey = new Map<string, BatchMember>();
		for (const m of batch) byKey.set(m.key, m);
		const take = (email: string | undefined): BatchMember | undefined => {
			if (email === undefined) return undefined;
			const key = email.trim().toLowerCase();
			const m = byKey.get(key);
			if (m !== undefined) byKey.delete(key);
			return m;
		};
		for (const member of result.new_members) {
			const m = take(member.email_address);
			if (m === undefined) continue;
			report.created++;
			this.confirm(m.ord, m.body.email_address);
		}
		for (const member of result.updated_members) {
			const m = take(member.email_address);
			if (m === undefined) continue;
			report.updated++;
			this.confirm(m.ord, m.body.email_address);
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
				error.error_code ?? 'ERROR_GENERIC',
				error.field,
			);
		}
		// Nothing is silently dropped: a member Mailchimp did not report on is rejected.
		for (const m of byKey.values()) {
			index.state[m.ord] = MemberState.Rejected;
			report.reject(
				index.rowIndex[m.ord],
				index.itemIndex[m.ord],
				m.body.email_address,
				'Mailchimp did not confirm this member in its answer to the batch',
				'NOT_CONFIRMED',
			);
		}
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

	/** The member is in the audience: queue it for each of its tags. */
	private confirm(ord: number, email: string): void {
		this.ctx.index.state[ord] = MemberState.Exported;
		const segments = this.ctx.index.segmentsOf(ord, this.segmentScratch);
		for (let i = 0; i < segments.length; i++) {
			const buffer = this.tagBuffers[segments[i]];
			buffer.emails.push(email);
			buffer.ords.push(ord);
			if (buffer.emails.length === MAX_BATCH) this.flushTag(segments[i]);
		}
	}

	private flushTag(segment: number): void {
		const buffer = this.tagBuffers[segment];
		this.tagBuffers[segment] = { emails: [], ords: [] };
		const target = this.ctx.targets[segment];
		if (this.ctx.dryRun || target.tagId === null) {
			target.added += buffer.emails.length;
			return;
		}
		this.track(
			updateSegmentMembers(this.ctx.runner.call, this.ctx.listId, target.tagId, { add: buffer.emails }).then(
				(result) => {
					let failed = 0;
					for (const e of result.errors) {
						failed += this.tagFailed(target, buffer, e.email_addresses, e.error ?? 'Mailchimp did not add the tag');
					}
					target.added += buffer.emails.length - failed;
				},
				(error: unknown) => {
					if (!(error instanceof RequestFailedError)) throw error;
					this.ctx.report.partial = true;
					this.tagFailed(target, buffer, buffer.emails, error.message, 'TAG_FAILED');
				},
			),
		);
	}

	/** Rejects the members of a tag call that did not get the tag; returns how many. */
	private tagFailed(target: TagTarget, buffer: TagBuffer, emails: readonly string[], reason: string, code = 'TAG_FAILED'): number {
		const { index, report } = this.ctx;
		const wanted = new Set(emails.map((e) => e.trim().toLowerCase()));
		let n = 0;
		for (let i = 0; i < buffer.emails.length; i++) {
			if (!wanted.has(buffer.emails[i].toLowerCase())) continue;
			n++;
			const ord = buffer.ords[i];
			if (index.state[ord] === MemberState.Rejected) continue;
			index.state[ord] = MemberState.Rejected;
			report.reject(
				index.rowIndex[ord],
				index.itemIndex[ord],
				buffer.emails[i],
				`In the audience, but not tagged "${target.name}": ${reason}`,
				code,
			);
		}
		return n;
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
				'The input changed between the two reads of the export: this row was not found again and was not sent',
				'INPUT_CHANGED',
			);
		}
	}
}

/** Exported members at the end: the ones upserted and not rejected since. */
export function countExported(index: MemberIndex): number {
	let n = 0;
	for (let ord = 0; ord < index.size; ord++) if (index.state[ord] === MemberState.Exported) n++;
	return n;
}

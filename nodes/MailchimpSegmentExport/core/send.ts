// Pass 2: read the rows again, re-map only each member's winning row, and send. This is where
// upsert batches of up to 500 members are built, carrying the members' tags, and their answers
// matched back; members they confirm without all of their tags go to the tag queue (tagQueue.ts),
// which keeps the runner's pool full with tag calls.
// Rows Mailchimp rejects (errors[] inside an HTTP 200), rows of a batch that failed for good,
// and rows whose input changed between the two reads are rejected here, with the reason.

import { MAX_BATCH, type MemberUpsert, UpsertBatch, type UpsertResult, upsertMembers } from './client';
import type { ValueHasher } from './changes';
import { BodyBuffers } from './bodyBuffers';
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
import type { ExportedCounts, ProfileSource } from './types';
import { MemberBuilder } from './upsertMember';

export type NewMemberStatus = MemberUpsert['status_if_new'];

/** How many distinct sets of tags the sender keeps the name lists of. */
const TAG_LISTS_KEPT = 1000;

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

/**
 * The batch being built: its members serialised into the request body as they come, and for
 * each member (by its position in the batch) its ordinal and its member in the audience
 * snapshot. A batch lives until its answer, long enough for what it holds to be promoted to V8's
 * old space and wait there for a full collection: it holds no string per member; the emails are
 * read back from the body's text (UpsertBatch). The numbers stay in plain lists: as typed arrays
 * (small buffers outside the heap, between the bodies' larger ones) n8n peaked higher inside
 * 320 MiB.
 */
class Batch {
	readonly body: UpsertBatch;
	readonly ords: number[] = [];
	/** The member in the audience snapshot, or -1 (not listed, or no snapshot). */
	readonly held: number[] = [];

	constructor(buffers: BodyBuffers) {
		this.body = new UpsertBatch(buffers);
	}

	get size(): number {
		return this.body.size;
	}

	add(ord: number, held: number, member: MemberUpsert): void {
		this.ords.push(ord);
		this.held.push(held);
		this.body.add(member);
	}

	email(i: number): string {
		return this.body.emailAt(i);
	}
}

/**
 * Finds a batch's members in Mailchimp's answer by email, each once. The answer lists them in
 * the order sent, with the address as sent: the member after the last one found is tried first,
 * and the lookup by lower-cased address is built only when that guess fails.
 */
class AnswerMatch {
	private readonly taken: Uint8Array;
	private byKey: Map<string, number> | undefined;
	private guess = 0;

	constructor(private readonly batch: Batch) {
		this.taken = new Uint8Array(batch.size);
	}

	/** The member's position in the batch, or -1 (not in it, or found already). */
	take(email: string | undefined): number {
		if (email === undefined) return -1;
		const { batch, taken } = this;
		let i = this.guess;
		if (i >= batch.size || taken[i] === 1 || !batch.body.hasEmail(i, email)) {
			if (this.byKey === undefined) {
				this.byKey = new Map();
				for (let j = 0; j < batch.size; j++) this.byKey.set(emailKey(batch.email(j)), j);
			}
			const found = this.byKey.get(emailKey(email.trim()));
			if (found === undefined || taken[found] === 1) return -1;
			i = found;
		}
		taken[i] = 1;
		this.guess = i + 1;
		return i;
	}

	/** The members the answer did not mention. */
	untaken(): number[] {
		const out: number[] = [];
		for (let i = 0; i < this.taken.length; i++) if (this.taken[i] === 0) out.push(i);
		return out;
	}
}

export class Sender {
	private readonly buffers = new BodyBuffers();
	private batch = new Batch(this.buffers);
	private readonly tasks: Tasks;
	private readonly tags: TagQueue;
	private readonly valueHash = new Uint32Array(2);
	private readonly segmentScratch: number[] = [];
	/** The lists of tag names upserts carry, by their segments' ids (as bits, or as text for ids above 30). */
	private readonly tagLists = new Map<number | string, string[]>();
	private readonly members: MemberBuilder;
	// What the tag queue asks about the member being handed to it (TagQueue.add calls these at
	// once and keeps none): made once here rather than as closures per member.
	private heldNow = -1;
	private tagsNow: ReadonlyArray<{ readonly id: number }> = [];
	private batchNow: Batch | undefined;
	private memberNow = 0;
	/** The email of the batch member being handed to the tag queue: read from the batch only when it waits there. */
	private readonly emailNow = (): string => this.batchNow!.email(this.memberNow);
	private readonly hasInAnswer = (segment: number): boolean => {
		const tagId = this.ctx.targets[segment].tagId;
		const tags = this.tagsNow;
		for (let k = 0; k < tags.length; k++) if (tags[k].id === tagId) return true;
		return false;
	};
	private readonly hasInSnapshot = (segment: number): boolean => this.ctx.audience!.snapshot.hasTag(this.heldNow, segment);
	private readonly carriedByUpsert = (segment: number): boolean => this.carries(segment, this.heldNow);

	constructor(private readonly ctx: SendContext) {
		this.tasks = new Tasks(ctx.runner);
		this.members = new MemberBuilder(ctx.statusIfNew, ctx.mapper.fields.map((f) => f.tag));
		this.tags = new TagQueue({ ...ctx, tasks: this.tasks });
	}

	/** Pass 2 over the source; returns when every call has settled. */
	async run(source: ProfileSource): Promise<void> {
		const mapped = newMappedProfile();
		let place = 0;
		try {
			await this.readAndSend(source, mapped, () => place++);
		} finally {
			// On failure, let the calls in flight finish (none starts any more) so the state is known.
			await this.tasks.drain();
		}
	}

	/** `nextPlace`: the place of the row being read (0-based), as pass 1 counted it. */
	private async readAndSend(source: ProfileSource, mapped: ReturnType<typeof newMappedProfile>, nextPlace: () => number): Promise<void> {
		const { mapper, index, report } = this.ctx;
		await forEachRow(source, (row) => {
			const place = nextPlace();
			if ((place & 255) === 0) this.tasks.checkpoint();
			if (row.error !== undefined) return;
			let ord = index.memberAt(place);
			if (ord < 0) return;
			if (index.rowIndex[ord] !== row.index || index.itemOf(ord) !== row.itemIndex) {
				// Not the member's winning row: a duplicate, unless two people share a hash.
				if (!index.isUnverifiedFirstRow(ord, row.index, row.itemIndex)) return;
				const key = mapper.keyOf(row.data);
				if (key === '') return;
				ord = index.resolveFirstRow(key, row.index, row.itemIndex);
				if (ord < 0) return;
				report.duplicate--;
			}
			if (index.state[ord] !== MemberState.Planned) return;
			if (mapper.remap(row.data, mapped) !== Outcome.Ok || mapper.fingerprint(mapped) !== index.fingerprint[ord]) {
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
			const held = this.ctx.audience === undefined ? -1 : this.ctx.audience.snapshot.find(mapped.email);
			if (held >= 0 && this.unchanged(ord, held, mapped)) return undefined;
			index.state[ord] = MemberState.Queued;
			this.batch.add(ord, held, this.members.build(mapped.email, mapped.values, this.tagNames(ord, held)));
			if (this.batch.size === MAX_BATCH) return this.flushBatch();
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
		if (batch.size === 0) return;
		this.batch = new Batch(this.buffers);
		batch.body.seal();
		// Back-pressure: start a batch only when the pool has room, so that memory holds only
		// the batches in flight.
		await this.ctx.runner.whenBelow(this.ctx.maxConcurrency);
		if (this.tasks.failed) await this.tasks.settle();
		this.ctx.runner.throwIfCancelled();
		if (this.ctx.dryRun) {
			for (let i = 0; i < batch.size; i++) {
				// With the audience read, a dry run can tell new members from existing ones.
				const state = this.ctx.audience === undefined ? MemberState.WouldExport : batch.held[i] >= 0 ? MemberState.Updated : MemberState.Created;
				this.exported(batch, i, state);
			}
			batch.body.release();
			return;
		}
		this.tasks.track(
			upsertMembers(
				this.ctx.runner.call,
				this.ctx.listId,
				batch.body,
				this.ctx.skipMergeValidation,
			).then(
				(result) => this.upserted(batch, result),
				(error: unknown) => this.batchFailed(batch, error),
			).finally(() => batch.body.release()),
		);
	}

	/** Matches Mailchimp's answer back to the batch's rows (AnswerMatch), each member once. */
	private upserted(batch: Batch, result: UpsertResult): Promise<void> | undefined {
		const { report, index } = this.ctx;
		const answer = new AnswerMatch(batch);
		for (const member of result.new_members) {
			const i = answer.take(member.email_address);
			if (i < 0) continue;
			this.exported(batch, i, MemberState.Created, member.tags ?? undefined);
		}
		for (const member of result.updated_members) {
			const i = answer.take(member.email_address);
			if (i < 0) continue;
			if (member.status === 'archived') {
				this.rejectMember(batch, i, absenceReason({ kind: 'absent', archived: true }), 'NOT_IN_AUDIENCE');
				continue;
			}
			this.exported(batch, i, MemberState.Updated, member.tags ?? undefined);
		}
		for (const error of result.errors) {
			const i = answer.take(error.email_address);
			if (i < 0) continue;
			const ord = batch.ords[i];
			index.state[ord] = MemberState.Rejected;
			let message = error.field_message && error.field_message !== error.error ? `${error.error ?? ''} ${error.field_message}`.trim() : error.error;
			// Name the field Mailchimp refused, so that the reason alone says what to fix.
			if (message !== undefined && error.field !== undefined && error.field !== '' && !message.includes(error.field)) {
				message = `Mailchimp refused ${error.field}: ${message}`;
			}
			report.reject(
				index.rowIndex[ord],
				index.itemOf(ord),
				batch.email(i),
				message ?? 'Mailchimp rejected this member',
				mailchimpCode(error.error_code),
				error.field,
			);
		}
		// Nothing is silently dropped: a member the answer does not mention is looked up.
		const unmentioned = answer.untaken();
		if (unmentioned.length > 0) return this.confirmByLookup(batch, unmentioned);
		return undefined;
	}

	/**
	 * The tags the member's upsert carries: its segments' tags that have an upsert name, but those
	 * the audience read shows it with. Members with the same tags share one list.
	 */
	private tagNames(ord: number, held: number): string[] | undefined {
		const segments = this.ctx.index.segmentsOf(ord, this.segmentScratch);
		// A number for the common sets, so that finding the list makes no string per member.
		let bits = 0;
		let wide = '';
		for (let i = 0; i < segments.length; i++) {
			const segment = segments[i];
			if (!this.carries(segment, held)) continue;
			if (segment < 31) bits |= 1 << segment;
			else wide += `${segment},`;
		}
		if (bits === 0 && wide === '') return undefined;
		const key = wide === '' ? bits : `${bits}:${wide}`;
		let names = this.tagLists.get(key);
		if (names === undefined) {
			names = [];
			for (let i = 0; i < segments.length; i++) if (this.carries(segments[i], held)) names.push(this.ctx.targets[segments[i]].upsertName!);
			if (this.tagLists.size < TAG_LISTS_KEPT) this.tagLists.set(key, names);
		}
		return names;
	}

	/** Whether the member's upsert carries the segment's tag (`held`: the member in the audience snapshot, or -1). */
	private carries(segment: number, held: number): boolean {
		if (this.ctx.targets[segment].upsertName === undefined) return false;
		return held < 0 || !this.ctx.audience!.snapshot.hasTag(held, segment);
	}

	/** Members the batch answer left out: in the audience means updated, else rejected with the reason. */
	private async confirmByLookup(batch: Batch, members: number[]): Promise<void> {
		const found = await lookUpMembers(this.ctx.runner, this.ctx.listId, members.map((i) => batch.email(i)));
		members.forEach((i, n) => {
			const presence = found[n];
			if (presence.kind === 'present') {
				this.exported(batch, i, MemberState.Updated, presence.member.tagIds.map((id) => ({ id })));
				return;
			}
			if (presence.kind === 'unknown') this.ctx.report.partial = true;
			this.rejectMember(batch, i, absenceReason(presence), presence.kind === 'unknown' ? 'NOT_CONFIRMED' : 'NOT_IN_AUDIENCE');
		});
	}

	private rejectMember(batch: Batch, i: number, reason: string, code: RejectCode): void {
		const { index, report } = this.ctx;
		const ord = batch.ords[i];
		index.state[ord] = MemberState.Rejected;
		report.reject(index.rowIndex[ord], index.itemOf(ord), batch.email(i), reason, code);
	}

	private batchFailed(batch: Batch, error: unknown): void {
		if (!(error instanceof RequestFailedError)) throw error;
		const { report, index } = this.ctx;
		report.partial = true;
		for (let i = 0; i < batch.size; i++) {
			const ord = batch.ords[i];
			index.state[ord] = MemberState.Rejected;
			report.reject(index.rowIndex[ord], index.itemOf(ord), batch.email(i), error.message, 'BATCH_FAILED');
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
		this.ctx.index.state[ord] = MemberState.Unchanged;
		this.heldNow = held;
		this.tags.add(ord, mapped.email, this.hasInSnapshot, true);
		return true;
	}

	/**
	 * Member `i` of the batch is in the audience (`state`: created, updated, or a dry run's):
	 * exported, and queued for its tags. `tags`: the tags Mailchimp showed it with; without them,
	 * the audience snapshot's, if it is there.
	 */
	private exported(batch: Batch, i: number, state: MemberState, tags?: ReadonlyArray<{ readonly id: number }>): void {
		const ord = batch.ords[i];
		const held = batch.held[i];
		this.ctx.index.state[ord] = state;
		const { audience } = this.ctx;
		this.heldNow = held;
		this.batchNow = batch;
		this.memberNow = i;
		let has: ((segment: number) => boolean) | undefined;
		if (tags !== undefined) {
			this.tagsNow = tags;
			has = this.hasInAnswer;
		} else if (audience !== undefined && held >= 0) {
			has = this.hasInSnapshot;
		}
		// Only Mailchimp's answer can show that the upsert's tags were taken.
		this.tags.add(ord, this.emailNow, has, audience !== undefined, tags === undefined ? undefined : this.carriedByUpsert);
	}

	/** Members accepted in pass 1 whose row was not found in pass 2. */
	private rejectUnseen(): void {
		const { index, report } = this.ctx;
		for (let ord = 0; ord < index.size; ord++) {
			if (index.state[ord] !== MemberState.Planned) continue;
			index.state[ord] = MemberState.Rejected;
			report.reject(
				index.rowIndex[ord],
				index.itemOf(ord),
				index.emailOf(ord),
				reasons.inputNotFoundAgain(),
				'INPUT_CHANGED',
			);
		}
	}
}

/**
 * Exported members at the end, by how: counted from the members' final states, so that a member
 * rejected after its upsert (its tag call failed) counts as rejected only, and exported is always
 * created + updated + unchanged (but in a dry run that did not read the audience, which cannot
 * tell new members from existing ones).
 */
export function countExported(index: MemberIndex): ExportedCounts {
	const counts: ExportedCounts = { exported: 0, created: 0, updated: 0, unchanged: 0 };
	for (let ord = 0; ord < index.size; ord++) {
		const state = index.state[ord];
		if (state === MemberState.Created) counts.created++;
		else if (state === MemberState.Updated) counts.updated++;
		else if (state === MemberState.Unchanged) counts.unchanged++;
		else if (state !== MemberState.WouldExport) continue;
		counts.exported++;
	}
	return counts;
}

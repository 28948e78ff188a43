// "Only Send Changes": after pass 1, read the audience's members (paged, up to Max Concurrency
// pages at once) into a snapshot, unless reading would cost more calls than writing everything;
// pass 2 then leaves alone the members whose compared values and tags are already in Mailchimp.
// The same read lists the members who left a segment, for "Remove Members Who Left".

import { type ListedMember, MAX_BATCH, PAGE_SIZE, listMembers } from './client';
import { emailKey } from './email';
import { RequestFailedError } from './errors';
import { memberHash } from './hashTable';
import { type FieldNormaliser, compileNormaliser } from './normalise';
import type { MemberIndex } from './plan';
import type { Runner } from './runner';
import { AudienceSnapshot } from './snapshot';
import type { TagTarget } from './tags';
import { Tasks } from './tasks';
import type { ChangesReport, MergeFieldDefinition } from './types';

/** The mapped merge fields, compared after Mailchimp's normalisation. */
export class ValueHasher {
	private readonly normalisers: FieldNormaliser[];
	private readonly parts: string[] = [];

	constructor(readonly tags: readonly string[], definitions: readonly MergeFieldDefinition[]) {
		this.normalisers = tags.map((tag) => compileNormaliser(definitions.find((d) => d.tag === tag)!));
	}

	/** The 64-bit hash of what the node sends for a mapped profile (its converted values). */
	sent(values: readonly unknown[], out: Uint32Array): void {
		for (let i = 0; i < this.normalisers.length; i++) this.parts[i] = this.normalisers[i].sent(values[i]);
		this.hash(out);
	}

	/** The 64-bit hash of what Mailchimp holds for a listed member. */
	held(mergeFields: Record<string, unknown>, out: Uint32Array): void {
		for (let i = 0; i < this.normalisers.length; i++) this.parts[i] = this.normalisers[i].held(mergeFields[this.tags[i]]);
		this.hash(out);
	}

	private hash(out: Uint32Array): void {
		this.parts.length = this.normalisers.length;
		memberHash.of(this.parts.join('\u0003'), out);
	}
}

/** Estimated calls of both paths: read the audience, or write every planned member and tag. */
export function choosePath(totalContacts: number, index: MemberIndex, segments: number, dryRun: boolean): ChangesReport {
	const perSegment = new Array<number>(segments).fill(0);
	const scratch: number[] = [];
	for (let ord = 0; ord < index.size; ord++) for (const s of index.segmentsOf(ord, scratch)) perSegment[s]++;
	const writeCalls = Math.ceil(index.size / MAX_BATCH) + perSegment.reduce((n, members) => n + Math.ceil(members / MAX_BATCH), 0);
	const readCalls = Math.max(1, Math.ceil(totalContacts / PAGE_SIZE));
	const compared = readCalls < writeCalls;
	const n = (x: number) => x.toLocaleString('en-US');
	const reading = `Reading the audience's ${n(totalContacts)} contacts takes about ${n(readCalls)} calls`;
	const writing = `writing all ${n(index.size)} members and their tags about ${n(writeCalls)}`;
	const reason = compared
		? `${reading}, ${writing}: the audience was read and only changes ${dryRun ? 'would be' : 'were'} sent.`
		: `${reading}, ${writing}: reading costs more than it can save, so every member ${dryRun ? 'would be' : 'was'} sent, as without the option.`;
	return { path: compared ? 'compared' : 'sentAll', reason, audienceContacts: totalContacts, readCalls, writeCalls };
}

export interface ReadContext {
	runner: Runner;
	listId: string;
	values: ValueHasher;
	targets: readonly TagTarget[];
	index: MemberIndex;
	/** Collect, per segment, the tagged members who are not exported in it. */
	findLeavers: boolean;
}

export interface AudienceRead {
	snapshot: AudienceSnapshot;
	/** Per segment, the emails of tagged members not in it this time (when asked for and complete). */
	leavers: string[][] | undefined;
}

/**
 * Reads every member page, up to the runner's pool size at once. A page that fails for good
 * leaves the snapshot incomplete (its members are sent, as absent) rather than failing the export.
 */
export async function readAudience(ctx: ReadContext): Promise<AudienceRead> {
	const { runner, listId, values, targets, index } = ctx;
	const segmentOfTag = new Map<number, number>();
	for (const t of targets) if (t.tagId !== null) segmentOfTag.set(t.tagId, t.segment);
	const snapshot = new AudienceSnapshot(Math.max(1, Math.ceil(targets.length / 32)));
	const leavers: string[][] | undefined = ctx.findLeavers ? targets.map(() => []) : undefined;
	const hash = new Uint32Array(2);
	const segments: number[] = [];
	const take = (members: ListedMember[]): void => {
		for (const m of members) {
			if (m.status === 'archived') continue;
			const key = emailKey(m.email.trim());
			// Overwritten and cut to length: `length = 0` would make V8 drop the list's storage.
			let n = 0;
			for (const id of m.tagIds) {
				const s = segmentOfTag.get(id);
				if (s !== undefined) segments[n++] = s;
			}
			if (segments.length !== n) segments.length = n;
			values.held(m.mergeFields, hash);
			snapshot.add(key, hash, segments);
			if (leavers === undefined || segments.length === 0) continue;
			const ord = index.find(key);
			for (const s of segments) if (ord < 0 || !index.hasSegment(ord, s)) leavers[s].push(m.email);
		}
	};
	const tasks = new Tasks(runner);
	const page = (offset: number): Promise<number> =>
		listMembers(runner.call, listId, offset, values.tags).then(
			(answer) => {
				take(answer.members);
				return answer.total;
			},
			(error: unknown) => {
				if (!(error instanceof RequestFailedError)) throw error;
				snapshot.complete = false;
				return 0;
			},
		);
	try {
		const total = await page(0);
		for (let offset = PAGE_SIZE; offset < total; offset += PAGE_SIZE) {
			await runner.whenBelow(runner.maxConcurrency);
			tasks.checkpoint();
			tasks.track(page(offset).then(() => undefined));
		}
		await tasks.settle();
	} finally {
		await tasks.drain();
	}
	return { snapshot, leavers: snapshot.complete ? leavers : undefined };
}

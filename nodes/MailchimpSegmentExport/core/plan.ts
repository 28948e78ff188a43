// Pass 1: read every row once, map and validate it, apply consent and segment selection,
// enforce the profile limit, and keep a compact index of the members to send: one ordinal per
// lower-cased email with typed arrays (winning row, its item, a fingerprint, segment bits,
// a state byte). The last valid occurrence of an email wins; earlier ones are duplicates.

import { ExportError } from './errors';
import { Outcome, type ProfileMapper, newMappedProfile } from './profile';
import type { Report } from './report';
import type { ProfileRow, ProfileSource } from './types';

export const enum MemberState {
	/** Accepted in pass 1, not seen yet in pass 2. */
	Planned = 0,
	/** In a batch being sent. */
	Queued = 1,
	/** Upserted (and tagged so far). */
	Exported = 2,
	/** Rejected after pass 1 (by Mailchimp, a failed batch or a changed input). */
	Rejected = 3,
}

/** The compact per-member index: about 17 bytes per member plus the Map entry. */
export class MemberIndex {
	readonly byEmail = new Map<string, number>();
	size = 0;
	rowIndex: Uint32Array;
	itemIndex: Uint32Array;
	fingerprint: Uint32Array;
	/** Segments 0..31 as bits; higher segment ids in `extraSegments`. */
	segmentBits: Uint32Array;
	state: Uint8Array;
	private readonly extraSegments = new Map<number, number[]>();

	constructor(capacity = 1024) {
		this.rowIndex = new Uint32Array(capacity);
		this.itemIndex = new Uint32Array(capacity);
		this.fingerprint = new Uint32Array(capacity);
		this.segmentBits = new Uint32Array(capacity);
		this.state = new Uint8Array(capacity);
	}

	private grow(): void {
		const capacity = this.rowIndex.length * 2;
		const widen = <T extends Uint32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
			const b = make(capacity);
			b.set(a);
			return b;
		};
		this.rowIndex = widen(this.rowIndex, (n) => new Uint32Array(n));
		this.itemIndex = widen(this.itemIndex, (n) => new Uint32Array(n));
		this.fingerprint = widen(this.fingerprint, (n) => new Uint32Array(n));
		this.segmentBits = widen(this.segmentBits, (n) => new Uint32Array(n));
		this.state = widen(this.state, (n) => new Uint8Array(n));
	}

	/** Records a valid row; true when the email was already there (the earlier row is now a duplicate). */
	add(key: string, rowIndex: number, itemIndex: number, fingerprint: number, segments: readonly number[]): boolean {
		let ord = this.byEmail.get(key);
		const duplicate = ord !== undefined;
		if (ord === undefined) {
			if (this.size === this.rowIndex.length) this.grow();
			ord = this.size++;
			this.byEmail.set(key, ord);
		}
		this.rowIndex[ord] = rowIndex;
		this.itemIndex[ord] = itemIndex;
		this.fingerprint[ord] = fingerprint;
		for (let i = 0; i < segments.length; i++) this.addSegment(ord, segments[i]);
		return duplicate;
	}

	private addSegment(ord: number, segment: number): void {
		if (segment < 32) {
			this.segmentBits[ord] |= 1 << segment;
			return;
		}
		const extra = this.extraSegments.get(ord);
		if (extra === undefined) this.extraSegments.set(ord, [segment]);
		else if (!extra.includes(segment)) extra.push(segment);
	}

	hasSegment(ord: number, segment: number): boolean {
		if (segment < 32) return (this.segmentBits[ord] & (1 << segment)) !== 0;
		return this.extraSegments.get(ord)?.includes(segment) === true;
	}

	/** The member's segment ids (united over its occurrences) into `out`. */
	segmentsOf(ord: number, out: number[]): number[] {
		out.length = 0;
		let bits = this.segmentBits[ord];
		for (let s = 0; bits !== 0; s++, bits >>>= 1) if ((bits & 1) !== 0) out.push(s);
		const extra = this.extraSegments.get(ord);
		if (extra !== undefined) for (const s of extra) out.push(s);
		return out;
	}

	/** The segments at least one member to send is in. */
	usedSegments(): Set<number> {
		let bits = 0;
		for (let ord = 0; ord < this.size; ord++) bits |= this.segmentBits[ord];
		const used = new Set<number>();
		for (let s = 0; bits !== 0; s++, bits >>>= 1) if ((bits & 1) !== 0) used.add(s);
		for (const extra of this.extraSegments.values()) for (const s of extra) used.add(s);
		return used;
	}

	/** Emails by ordinal for the few ordinals asked (a scan of the Map). */
	emailsOf(ords: Set<number>): Map<number, string> {
		const out = new Map<number, string>();
		if (ords.size === 0) return out;
		for (const [key, ord] of this.byEmail) if (ords.has(ord)) out.set(ord, key);
		return out;
	}
}

/** Iterates a source, sync or async, calling `each` per row (awaiting it only when it returns a promise). */
export async function forEachRow(source: ProfileSource, each: (row: ProfileRow) => void | Promise<void>): Promise<void> {
	const rows = source();
	if (rows !== null && typeof rows === 'object' && Symbol.iterator in rows) {
		for (const row of rows as Iterable<ProfileRow>) {
			const pending = each(row);
			if (pending !== undefined) await pending;
		}
		return;
	}
	for await (const row of rows as AsyncIterable<ProfileRow>) {
		const pending = each(row);
		if (pending !== undefined) await pending;
	}
}

export function tooManyProfiles(maxProfiles: number): ExportError {
	return new ExportError(
		`The input has more than ${maxProfiles.toLocaleString('en-US')} profiles`,
		`Nothing was sent. An export takes at most ${maxProfiles.toLocaleString('en-US')} profiles: split the input, or raise the limit in the node's options.`,
	);
}

/**
 * Pass 1. Counts every row in `report` (profilesIn, skipped, rejected in mapping) and returns
 * the index of the members to send. Throws ExportError over the limit: nothing is sent then.
 */
export async function buildPlan(
	source: ProfileSource,
	mapper: ProfileMapper,
	maxProfiles: number,
	report: Report,
	throwIfCancelled: () => void,
): Promise<MemberIndex> {
	const index = new MemberIndex(Math.min(1024, maxProfiles + 1));
	const mapped = newMappedProfile();
	await forEachRow(source, (row) => {
		if (++report.profilesIn > maxProfiles) throw tooManyProfiles(maxProfiles);
		if ((report.profilesIn & 1023) === 0) throwIfCancelled();
		if (row.error !== undefined) {
			report.reject(row.index, row.itemIndex, '', String(row.error).slice(0, 500), 'UNREADABLE_ROW');
			return;
		}
		switch (mapper.map(row.data, mapped)) {
			case Outcome.Ok:
				if (index.add(mapped.key, row.index, row.itemIndex, mapper.fingerprint(mapped), mapped.segments)) {
					report.duplicate++;
				}
				break;
			case Outcome.NoConsent:
				report.noConsent++;
				break;
			case Outcome.NotInSelectedSegments:
				report.notInSelectedSegments++;
				break;
			default:
				report.reject(row.index, row.itemIndex, mapped.email, mapped.reason, mapped.code, mapped.field);
		}
	});
	return index;
}

// Pass 1: read every row once, map and validate it, apply consent and segment selection,
// enforce the profile limit, and keep a compact index of the members to send: one ordinal per
// member, found by a 64-bit hash of its lower-cased email (hashTable.ts), with typed arrays
// (winning row, its item, a fingerprint, segment bits, a state byte). Input from one file has one
// item, and most exports have a few segments: the items take memory only once an item other
// than the first shows up, and the segment bits are 8 wide until a segment needs more. The last
// valid occurrence of an email wins; earlier ones are duplicates. Pass 2 finds a row's member by
// the row's place in the read (`memberAt`), without hashing its email again.
//
// No email is kept for a member seen once (a million of them would cost about 100 MB as
// strings). Two different emails with the same hash are never taken for one person: a second
// row landing on a member records that row's email, so later rows are compared exactly, and
// only the member's first row is left unverified; pass 2 compares it (`resolveFirstRow`)
// before anything of that member is sent, and splits the two people apart if they differ.

import { emailKey } from './email';
import { ExportError } from './errors';
import { freeNow } from './freeMemory';
import { HashTable, memberHash } from './hashTable';
import { Outcome, type ProfileMapper, newMappedProfile } from './profile';
import { type Report, detach } from './report';
import { forEachRow } from './rows';
import type { ProfileSource } from './types';

export const enum MemberState {
	/** Accepted in pass 1, not seen yet in pass 2. */
	Planned = 0,
	/** In a batch being sent. */
	Queued = 1,
	/** Upserted and new to the audience (and tagged so far). */
	Created = 2,
	/** Rejected after pass 1 (by Mailchimp, a failed batch, a failed tag call or a changed input). */
	Rejected = 3,
	/** Upserted, already in the audience. */
	Updated = 4,
	/** Left alone: already in the audience as the node would send it (Only Send Changes). */
	Unchanged = 5,
	/** Would be exported: a dry run that did not read the audience cannot tell new from existing. */
	WouldExport = 6,
}

/** A member seen on more than one row: what pass 2 needs to check its first row. */
interface Repeated {
	firstRow: number;
	firstItem: number;
	firstFingerprint: number;
	/** Segments of the first row alone. */
	first: number[];
	/** Segments of the later rows (the ones with the member's known email). */
	later: number[];
}

type Bits = Uint8Array | Uint16Array | Uint32Array;

/** `into`, holding the values of `array` at its start; the memory of `array` is freed. */
function moved<T extends Bits>(array: Bits, into: T): T {
	into.set(array);
	freeNow(array);
	return into;
}

/** A copy of `array` in `capacity` elements of the same type. */
function grown<T extends Bits>(array: T, capacity: number): T {
	return moved(array, new (array.constructor as new (length: number) => T)(capacity));
}

/**
 * The compact per-member index: 10 bytes per member from one file of up to 8 segments (14 from
 * several items, up to 3 more with more segments), plus 16 to 24 in the hash table, and 4 per row
 * read (`memberAt`).
 */
export class MemberIndex {
	size = 0;
	rowIndex: Uint32Array;
	fingerprint: Uint32Array;
	state: Uint8Array;
	/** Each member's item; undefined while every row has come from item 0. */
	private items: Uint32Array | undefined;
	/** Segments 0..31 as bits, in elements as wide as the highest segment id needs; higher ids in `extraSegments`. */
	private segmentBits: Bits;
	private readonly hashes: HashTable;
	private readonly extraSegments = new Map<number, number[]>();
	/** The email of members seen on more than one row (or split off after a collision). */
	private readonly keys = new Map<number, string>();
	/** Members sharing a hash with another member: the next one of the same hash (only the first of a hash is in the table). */
	private readonly nextSameHash = new Map<number, number>();
	private readonly repeated = new Map<number, Repeated>();
	private readonly hash = new Uint32Array(2);
	/** By a valid row's place in the read (0-based): its member's ordinal + 1; 0 for other rows. */
	private byPlace = new Uint32Array(1024);

	constructor(capacity = 1024) {
		this.rowIndex = new Uint32Array(capacity);
		this.fingerprint = new Uint32Array(capacity);
		this.segmentBits = new Uint8Array(capacity);
		this.state = new Uint8Array(capacity);
		this.hashes = new HashTable(capacity);
	}

	private grow(): void {
		const capacity = this.rowIndex.length * 2;
		this.rowIndex = grown(this.rowIndex, capacity);
		if (this.items !== undefined) this.items = grown(this.items, capacity);
		this.fingerprint = grown(this.fingerprint, capacity);
		this.segmentBits = grown(this.segmentBits, capacity);
		this.state = grown(this.state, capacity);
		this.hashes.grow();
	}

	/** Frees the index's memory (freeMemory.ts) once the export has counted its members: it is empty afterwards. */
	release(): void {
		freeNow(this.rowIndex, this.fingerprint, this.segmentBits, this.state, this.byPlace, ...(this.items === undefined ? [] : [this.items]));
		this.hashes.release();
		this.size = 0;
	}

	/** The item of member `ord`'s winning row. */
	itemOf(ord: number): number {
		return this.items === undefined ? 0 : this.items[ord];
	}

	private setItem(ord: number, itemIndex: number): void {
		if (this.items === undefined) {
			if (itemIndex === 0) return;
			this.items = new Uint32Array(this.rowIndex.length);
		}
		this.items[ord] = itemIndex;
	}

	/** The first member with the hash in `this.hash`, or -1. */
	private head(): number {
		return this.hashes.find(this.hash);
	}

	private newMember(rowIndex: number, itemIndex: number, fingerprint: number): number {
		if (this.size === this.rowIndex.length) this.grow();
		const ord = this.size++;
		this.hashes.setHash(ord, this.hash);
		this.rowIndex[ord] = rowIndex;
		this.setItem(ord, itemIndex);
		this.fingerprint[ord] = fingerprint;
		return ord;
	}

	/**
	 * Records a valid row with `email` (trimmed, as written), the `place`-th row of the read
	 * (0-based, every row counted); true when the email was already there (the earlier row is now
	 * a duplicate). The lower-cased email is made only when the member has several rows.
	 */
	add(email: string, place: number, rowIndex: number, itemIndex: number, fingerprint: number, segments: readonly number[]): boolean {
		memberHash.ofEmail(email, this.hash);
		const head = this.head();
		if (head < 0) {
			const ord = this.newMember(rowIndex, itemIndex, fingerprint);
			this.hashes.place(ord);
			this.addSegments(ord, segments);
			this.setPlace(place, ord);
			return false;
		}
		let ord = head;
		const key = emailKey(email);
		if (!this.keys.has(head)) {
			// The member's second row: from now on its email is known.
			this.keys.set(head, detach(key));
			this.repeated.set(head, {
				firstRow: this.rowIndex[head],
				firstItem: this.itemOf(head),
				firstFingerprint: this.fingerprint[head],
				first: this.segmentsOf(head, []),
				later: [],
			});
		} else {
			const same = this.withKey(head, key);
			if (same < 0) {
				// Another person with the same hash.
				ord = this.newMember(rowIndex, itemIndex, fingerprint);
				this.keys.set(ord, detach(key));
				this.nextSameHash.set(this.lastOf(head), ord);
				this.addSegments(ord, segments);
				this.setPlace(place, ord);
				return false;
			}
			ord = same;
		}
		this.rowIndex[ord] = rowIndex;
		this.setItem(ord, itemIndex);
		this.fingerprint[ord] = fingerprint;
		this.addSegments(ord, segments);
		this.setPlace(place, ord);
		const later = this.repeated.get(ord)?.later;
		if (later !== undefined) for (const s of segments) if (!later.includes(s)) later.push(s);
		return true;
	}

	private setPlace(place: number, ord: number): void {
		if (place >= this.byPlace.length) {
			let size = this.byPlace.length * 2;
			while (size <= place) size *= 2;
			const wider = new Uint32Array(size);
			wider.set(this.byPlace);
			freeNow(this.byPlace);
			this.byPlace = wider;
		}
		this.byPlace[place] = ord + 1;
	}

	/**
	 * Pass 2: the member the `place`-th row of the read was added to in pass 1, or -1 (a row
	 * skipped or rejected then, or beyond the rows read then). Its winning row, when the member's
	 * rowIndex and itemIndex are the row's; else a duplicate, or its unverified first row
	 * (`isUnverifiedFirstRow`).
	 */
	memberAt(place: number): number {
		return place < this.byPlace.length ? this.byPlace[place] - 1 : -1;
	}

	/** Whether the row is the first row of member `ord`, seen on several rows, whose email pass 2 must compare (resolveFirstRow). */
	isUnverifiedFirstRow(ord: number, rowIndex: number, itemIndex: number): boolean {
		const rep = this.repeated.get(ord);
		return rep !== undefined && rep.firstRow === rowIndex && rep.firstItem === itemIndex;
	}

	/** The member of `head`'s hash whose known email is `key`, or -1. */
	private withKey(head: number, key: string): number {
		for (let ord: number | undefined = head; ord !== undefined; ord = this.nextSameHash.get(ord)) {
			if (this.keys.get(ord) === key) return ord;
		}
		return -1;
	}

	private lastOf(head: number): number {
		let ord = head;
		for (let next = this.nextSameHash.get(ord); next !== undefined; next = this.nextSameHash.get(ord)) ord = next;
		return ord;
	}

	/**
	 * The member an email (lower-cased) belongs to, or -1. The email of a member seen on one row
	 * only is not kept: an email with the same 64-bit hash finds that member (pass 2 checks such
	 * rows with resolveFirstRow; when untagging members who left, such an address keeps its
	 * tag: about one chance in 10^7 per million addresses).
	 */
	find(key: string): number {
		memberHash.of(key, this.hash);
		const head = this.head();
		if (head < 0 || !this.keys.has(head)) return head;
		const same = this.withKey(head, key);
		return same < 0 ? head : same;
	}

	/**
	 * Pass 2, for a row with email `key` (lower-cased) that is not the winning row of the member
	 * found for it: when it is the first row of a member seen on several rows, and its email is
	 * not that member's, two people share a hash. Their segments are separated; a person seen
	 * only on that row becomes a member of its own, whose ordinal is returned (to send now).
	 * Otherwise -1: the row is a duplicate (or was not planned).
	 */
	resolveFirstRow(key: string, rowIndex: number, itemIndex: number): number {
		memberHash.of(key, this.hash);
		const head = this.head();
		const rep = head < 0 ? undefined : this.repeated.get(head);
		if (rep === undefined || rep.firstRow !== rowIndex || rep.firstItem !== itemIndex || this.keys.get(head) === key) return -1;
		this.repeated.delete(head);
		this.setSegments(head, rep.later);
		const owner = this.withKey(head, key);
		if (owner >= 0) {
			this.addSegments(owner, rep.first);
			return -1;
		}
		const split = this.newMember(rowIndex, itemIndex, rep.firstFingerprint);
		this.keys.set(split, detach(key));
		this.nextSameHash.set(this.lastOf(head), split);
		this.addSegments(split, rep.first);
		return split;
	}

	private setSegments(ord: number, segments: readonly number[]): void {
		this.segmentBits[ord] = 0;
		this.extraSegments.delete(ord);
		this.addSegments(ord, segments);
	}

	private addSegments(ord: number, segments: readonly number[]): void {
		for (let i = 0; i < segments.length; i++) this.addSegment(ord, segments[i]);
	}

	private addSegment(ord: number, segment: number): void {
		if (segment < 32) {
			if (segment >= this.segmentBits.BYTES_PER_ELEMENT * 8) this.widenSegmentBits(segment);
			this.segmentBits[ord] |= 1 << segment;
			return;
		}
		const extra = this.extraSegments.get(ord);
		if (extra === undefined) this.extraSegments.set(ord, [segment]);
		else if (!extra.includes(segment)) extra.push(segment);
	}

	private widenSegmentBits(segment: number): void {
		const length = this.segmentBits.length;
		this.segmentBits = moved(this.segmentBits, segment < 16 ? new Uint16Array(length) : new Uint32Array(length));
	}

	hasSegment(ord: number, segment: number): boolean {
		if (segment < 32) return (this.segmentBits[ord] & (1 << segment)) !== 0;
		return this.extraSegments.get(ord)?.includes(segment) === true;
	}

	/**
	 * The member's segment ids (united over its occurrences) into `out`, overwritten in place and
	 * cut to length (`length = 0` would make V8 drop the list's storage on every call).
	 */
	segmentsOf(ord: number, out: number[]): number[] {
		let n = 0;
		let bits = this.segmentBits[ord];
		for (let s = 0; bits !== 0; s++, bits >>>= 1) if ((bits & 1) !== 0) out[n++] = s;
		const extra = this.extraSegments.get(ord);
		if (extra !== undefined) for (const s of extra) out[n++] = s;
		if (out.length !== n) out.length = n;
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

	/** The member's email when it is known (a member seen on more than one row), else ''. */
	emailOf(ord: number): string {
		return this.keys.get(ord) ?? '';
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
	let place = 0;
	await forEachRow(source, (row) => {
		const at = place++;
		if (++report.profilesIn > maxProfiles) throw tooManyProfiles(maxProfiles);
		if ((report.profilesIn & 1023) === 0) throwIfCancelled();
		if (row.error !== undefined) {
			report.reject(row.index, row.itemIndex, '', String(row.error).slice(0, 500), 'UNREADABLE_ROW');
			return;
		}
		switch (mapper.map(row.data, mapped)) {
			case Outcome.Ok:
				if (index.add(mapped.email, at, row.index, row.itemIndex, mapper.fingerprint(mapped), mapped.segments)) {
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

// The audience as the members list answered it, for "Only Send Changes": per member a 64-bit
// hash of its email (hashTable.ts), a 64-bit hash of its compared merge values and a bit per
// exported segment whose tag it has. About 30 bytes a member, no strings: a million members
// take about 30 MB.
//
// Two listed emails with one hash (or one email listed twice, as paging can do while the
// audience changes) make that hash ambiguous: its members are always sent. An input email whose
// hash equals another listed email's would also need that member's 64-bit values hash and tags
// to be taken for it: about one chance in 2^100 per export of a million.

import { freeNow } from './freeMemory';
import { HashTable, memberHash } from './hashTable';

export class AudienceSnapshot {
	size = 0;
	/** False when a page could not be read: members on it look absent (and are sent), leavers may be missed. */
	complete = true;
	private readonly hashes = new HashTable(1024);
	private valueHi: Uint32Array = new Uint32Array(1024);
	private valueLo: Uint32Array = new Uint32Array(1024);
	/** `words` 32-bit words of segment bits per member. */
	private tagBits: Uint32Array;
	private readonly ambiguous = new Set<number>();
	private readonly hash = new Uint32Array(2);

	constructor(private readonly words: number) {
		this.tagBits = new Uint32Array(1024 * words);
	}

	private grow(): void {
		const capacity = this.hashes.capacity * 2;
		const widen = (a: Uint32Array, n: number): Uint32Array => {
			const b = new Uint32Array(n);
			b.set(a);
			freeNow(a);
			return b;
		};
		this.valueHi = widen(this.valueHi, capacity);
		this.valueLo = widen(this.valueLo, capacity);
		this.tagBits = widen(this.tagBits, capacity * this.words);
		this.hashes.grow();
	}

	/** Frees the snapshot's memory (freeMemory.ts) once the export is done with it: it is empty afterwards. */
	release(): void {
		freeNow(this.valueHi, this.valueLo, this.tagBits);
		this.hashes.release();
		this.size = 0;
	}

	/** Records a listed member: its email, its values hash, its exported segments' tags. */
	add(email: string, values: Uint32Array, segments: readonly number[]): void {
		memberHash.ofEmail(email, this.hash);
		const known = this.hashes.find(this.hash);
		if (known >= 0) {
			this.ambiguous.add(known);
			return;
		}
		if (this.size === this.hashes.capacity) this.grow();
		const ord = this.size++;
		this.hashes.setHash(ord, this.hash);
		this.hashes.place(ord);
		this.valueHi[ord] = values[0];
		this.valueLo[ord] = values[1];
		for (const s of segments) this.tagBits[ord * this.words + (s >>> 5)] |= 1 << (s & 31);
	}

	/** The listed member of this email (in any case), or -1 (not listed, or its hash is ambiguous). */
	find(email: string): number {
		memberHash.ofEmail(email, this.hash);
		const ord = this.hashes.find(this.hash);
		return ord < 0 || this.ambiguous.has(ord) ? -1 : ord;
	}

	sameValues(ord: number, values: Uint32Array): boolean {
		return this.valueHi[ord] === values[0] && this.valueLo[ord] === values[1];
	}

	hasTag(ord: number, segment: number): boolean {
		return (this.tagBits[ord * this.words + (segment >>> 5)] & (1 << (segment & 31))) !== 0;
	}
}

// Members found by a 64-bit hash of their identity, without keeping the identity: the hash as
// two 32-bit halves in typed arrays, and an open-addressing table of ordinals. The plan's member
// index and the audience snapshot are both built on it; what to do when two identities share a
// hash is theirs to decide.

import { emailKey } from './email';
import { freeNow } from './freeMemory';

/**
 * Hashes `key` into `out` (two 32-bit halves). With `lower` 0x20, as if its ASCII capitals were
 * small letters, and false, with nothing written, when it has a character beyond ASCII; with
 * `lower` 0, as it is. Capitals are lowered without a branch (a third of the loop's time with one).
 */
function hashChars(key: string, lower: 0 | 0x20, out: Uint32Array): boolean {
	let a = 0x811c9dc5;
	let b = 0x9e3779b9 ^ key.length;
	let seen = 0;
	for (let i = 0; i < key.length; i++) {
		let c = key.charCodeAt(i);
		seen |= c;
		// (c - 65) | (90 - c) has its sign bit clear only for 65 to 90, 'A' to 'Z'.
		c |= ((~((c - 65) | (90 - c)) >>> 31) << 5) & lower;
		a = Math.imul(a ^ c, 0x01000193);
		b = Math.imul(b ^ c, 0x5bd1e995);
		b ^= b >>> 15;
	}
	if (lower !== 0 && seen >= 0x80) return false;
	out[0] = fmix(a);
	out[1] = fmix(b ^ a);
	return true;
}

/** The 64-bit hash of an identity, as two 32-bit halves in `out`. Replaceable for tests. */
export const memberHash = {
	of(key: string, out: Uint32Array): void {
		hashChars(key, 0, out);
	},
	/**
	 * The hash of an email's identity, `of(emailKey(email))`: without making the lower-cased
	 * string when the address is ASCII (lower-casing keeps an ASCII address's length).
	 */
	ofEmail(email: string, out: Uint32Array): void {
		if (!hashChars(email, 0x20, out)) memberHash.of(emailKey(email), out);
	},
};

function fmix(h: number): number {
	h ^= h >>> 16;
	h = Math.imul(h, 0x85ebca6b);
	h ^= h >>> 13;
	h = Math.imul(h, 0xc2b2ae35);
	return (h ^ (h >>> 16)) >>> 0;
}

/** A power of two at least twice `capacity`. */
function tableSizeFor(capacity: number): number {
	let size = 16;
	while (size < capacity * 2) size *= 2;
	return size;
}

/** About 8 bytes per ordinal for the hash plus 8 to 16 for the table (kept at most half full). */
export class HashTable {
	private hashHi: Uint32Array;
	private hashLo: Uint32Array;
	/** Ordinal + 1, 0 when free. */
	private table: Int32Array;

	constructor(capacity: number) {
		this.hashHi = new Uint32Array(capacity);
		this.hashLo = new Uint32Array(capacity);
		this.table = new Int32Array(tableSizeFor(capacity));
	}

	get capacity(): number {
		return this.hashHi.length;
	}

	/**
	 * Doubles the capacity and places again the ordinals placed so far. They are taken in the
	 * order of the old table, not of their ordinals: an entry at slot s moves to slot s or to
	 * s + the old size, so both tables are walked in order instead of at random.
	 */
	grow(): void {
		const capacity = this.hashHi.length * 2;
		const hi = new Uint32Array(capacity);
		const lo = new Uint32Array(capacity);
		hi.set(this.hashHi);
		lo.set(this.hashLo);
		freeNow(this.hashHi, this.hashLo);
		this.hashHi = hi;
		this.hashLo = lo;
		const old = this.table;
		this.table = new Int32Array(tableSizeFor(capacity));
		for (let slot = 0; slot < old.length; slot++) if (old[slot] !== 0) this.place(old[slot] - 1);
		freeNow(old);
	}

	/** Frees the table's memory (freeMemory.ts); nothing can be found or placed afterwards. */
	release(): void {
		freeNow(this.hashHi, this.hashLo, this.table);
	}

	/** Records the hash of `ord` (from `hash`), without placing it in the table. */
	setHash(ord: number, hash: Uint32Array): void {
		this.hashHi[ord] = hash[0];
		this.hashLo[ord] = hash[1];
	}

	/** Makes `ord` findable by its hash. */
	place(ord: number): void {
		const mask = this.table.length - 1;
		let slot = this.hashLo[ord] & mask;
		while (this.table[slot] !== 0) slot = (slot + 1) & mask;
		this.table[slot] = ord + 1;
	}

	/** The first placed ordinal with the hash in `hash`, or -1. */
	find(hash: Uint32Array): number {
		const hi = hash[0];
		const lo = hash[1];
		const mask = this.table.length - 1;
		for (let slot = lo & mask; ; slot = (slot + 1) & mask) {
			const entry = this.table[slot];
			if (entry === 0) return -1;
			const ord = entry - 1;
			if (this.hashLo[ord] === lo && this.hashHi[ord] === hi) return ord;
		}
	}
}

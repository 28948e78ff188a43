// Seeded synthetic customer profiles for the benchmark.
//
// Profile i is a pure function of (seed, i): any row can be made on its own, so a 1,000,000-row
// CSV is streamed to disk without holding the rows, and the items array and the CSV of the same
// size and seed hold the same people in the same order.
//
// Mix (per row, drawn from the row's own PRNG): 1% invalid emails, 1% duplicates (an earlier
// person's email in another letter case), 2% unconsented, the rest valid. Every profile carries
// first and last name, three merge fields of different types (LTV number, JOINED date, PLAN
// dropdown value) and one or two of five segments (first one weighted: Newsletter 35%, Loyal
// 20%, Trial 20%, Churn Risk 15%, VIP 10%; a second, different one for 40% of profiles). Items
// carry the segments as a list, the CSV as one cell with the names separated by commas.

import { createWriteStream, mkdirSync, statSync, existsSync, renameSync } from 'fs';
import { dirname, join } from 'path';
import { once } from 'events';

import { seededRandom } from '../test/simulator/random';

export const SEGMENTS = ['VIP', 'Churn Risk', 'Newsletter', 'Trial', 'Loyal'] as const;
export const PLANS = ['Free', 'Pro', 'Enterprise'] as const;

export interface Profile {
	email: string;
	firstName: string;
	lastName: string;
	/** Lifetime value, a number with two decimals. */
	ltv: number;
	/** Date joined, YYYY-MM-DD. */
	joined: string;
	/** One of PLANS. */
	plan: string;
	/** One or two of SEGMENTS. */
	segments: string[];
	consent: boolean;
}

export type RowKind = 'valid' | 'invalid' | 'duplicate' | 'unconsented';

const FIRST = [
	'Anna', 'Lukas', 'Sophie', 'Jonas', 'Marie', 'Leon', 'Emma', 'Felix', 'Mia', 'Paul',
	'Hannah', 'Elias', 'Lena', 'Noah', 'Laura', 'Ben', 'Julia', 'Finn', 'Lea', 'Jan',
	'Olivia', 'Liam', 'Chloé', 'José', 'Zoë', 'Søren', 'Amélie', 'Mateo', 'Aisha', 'Kenji',
	'Priya', 'Omar', 'Ingrid', 'Tomás', 'Yuki', 'Fatima', 'Ravi', 'Nora', 'Emil', 'Clara',
];
const LAST = [
	'Mueller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz',
	'Hoffmann', 'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', "O'Brien", 'Garcia', 'Martinez',
	'Rossi', 'Dubois', 'Kowalski', 'Nguyen', 'Tanaka', 'Patel', 'Khan', 'van der Berg', 'Silva',
	'Novak', 'Larsen', 'Ivanova',
];
/** ASCII forms of the names above for the local part of an email. */
const ASCII: Record<string, string> = {
	'Chloé': 'Chloe', 'José': 'Jose', 'Zoë': 'Zoe', 'Søren': 'Soren', 'Amélie': 'Amelie',
	'Tomás': 'Tomas', "O'Brien": 'OBrien', 'van der Berg': 'vanderBerg',
};
const DOMAINS = [
	'Example-Shop.com', 'gmail.com', 'Outlook.com', 'web.de', 'Yahoo.co.uk', 'example.org',
	'Mail.Example.net', 'gmx.de', 'proton.me', 'ACME-Corp.io',
];
const INVALID = [
	(l: string) => `${l}.example.com`, // no @
	(l: string) => `${l}@`, // no domain
	(l: string) => `${l}@@example.com`, // two @
	(l: string) => `${l} @example.com`, // space
	(l: string) => `${l}@example`, // no dot in domain
	(l: string) => `@${l}.com`, // no local part
];

function rowRng(seed: number, i: number): () => number {
	// Mix seed and index so that neighbouring rows are unrelated.
	return seededRandom(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35));
}

function pick<T>(rng: () => number, list: readonly T[]): T {
	return list[Math.floor(rng() * list.length)];
}

function mixCase(rng: () => number, s: string): string {
	const r = rng();
	if (r < 0.15) return s.toLowerCase();
	if (r < 0.2) return s.toUpperCase();
	return s; // as written: Anna.Mueller.123@Example-Shop.com
}

/** Another letter case of the same address (same address to Mailchimp, not the same string). */
function otherCase(email: string): string {
	const upper = email.toUpperCase();
	return upper !== email ? upper : email.toLowerCase();
}

interface Person {
	firstName: string;
	lastName: string;
	email: string;
}

/** The person of row i: names and a valid, mixed-case, unique email (the index is in it). */
function person(i: number, rng: () => number): Person {
	const firstName = pick(rng, FIRST);
	const lastName = pick(rng, LAST);
	const local = `${ASCII[firstName] ?? firstName}.${ASCII[lastName] ?? lastName}.${i}`;
	const email = mixCase(rng, `${local}@${pick(rng, DOMAINS)}`);
	return { firstName, lastName, email };
}

/** The row kind, decided by the row's first random draw. */
function kindOf(u: number, i: number): RowKind {
	if (i === 0) return 'valid'; // a duplicate needs an earlier row
	if (u < 0.01) return 'invalid';
	if (u < 0.02) return 'duplicate';
	if (u < 0.04) return 'unconsented';
	return 'valid';
}

export interface GeneratedRow {
	profile: Profile;
	kind: RowKind;
}

export function makeRow(seed: number, i: number): GeneratedRow {
	const rng = rowRng(seed, i);
	const u = rng();
	const kind = kindOf(u, i);
	const p = person(i, rng);
	let email = p.email;
	if (kind === 'invalid') {
		email = pick(rng, INVALID)(email.split('@')[0]);
	} else if (kind === 'duplicate') {
		// An earlier valid row's person (row 0 is always valid: the fallback).
		let j = 0;
		for (let k = 0; k < 16; k++) {
			const c = Math.floor(rng() * i);
			if (kindOf(rowRng(seed, c)(), c) === 'valid') {
				j = c;
				break;
			}
		}
		const jr = rowRng(seed, j);
		jr();
		email = otherCase(person(j, jr).email);
	}
	const ltv = Math.round(rng() * rng() * 500000) / 100;
	const days = Math.floor(rng() * 365 * 8); // within 8 years before 2025-06-30
	const joined = new Date(Date.UTC(2025, 5, 30) - days * 86400000).toISOString().slice(0, 10);
	const plan = rng() < 0.6 ? 'Free' : rng() < 0.75 ? 'Pro' : 'Enterprise';
	const s = rng();
	const first = s < 0.35 ? 'Newsletter' : s < 0.55 ? 'Loyal' : s < 0.75 ? 'Trial' : s < 0.9 ? 'Churn Risk' : 'VIP';
	const segments = [first];
	if (rng() < 0.4) {
		const others = SEGMENTS.filter((name) => name !== first);
		segments.push(others[Math.floor(rng() * others.length)]);
	}
	return {
		kind,
		profile: {
			email,
			firstName: p.firstName,
			lastName: p.lastName,
			ltv,
			joined,
			plan,
			segments,
			consent: kind !== 'unconsented',
		},
	};
}

export function* profiles(n: number, seed: number): Generator<Profile> {
	for (let i = 0; i < n; i++) yield makeRow(seed, i).profile;
}

export function makeItems(n: number, seed: number): Array<{ json: Profile }> {
	const items: Array<{ json: Profile }> = new Array(n);
	for (let i = 0; i < n; i++) items[i] = { json: makeRow(seed, i).profile };
	return items;
}

/** Counts of each row kind for n rows: what the export should report. */
export function expectedCounts(n: number, seed: number): Record<RowKind, number> {
	const counts: Record<RowKind, number> = { valid: 0, invalid: 0, duplicate: 0, unconsented: 0 };
	for (let i = 0; i < n; i++) counts[makeRow(seed, i).kind]++;
	return counts;
}

export const CSV_HEADER = ['email', 'first_name', 'last_name', 'ltv', 'joined', 'plan', 'segments', 'consent'];

function csvField(s: string): string {
	return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(p: Profile): string {
	return [
		csvField(p.email),
		csvField(p.firstName),
		csvField(p.lastName),
		String(p.ltv),
		p.joined,
		p.plan,
		csvField(p.segments.join(',')),
		p.consent ? 'true' : 'false',
	].join(',');
}

/**
 * Writes n profiles as CSV to `path`, streaming (constant memory). Skips the work when the file
 * is already there (its name carries size and seed). Returns the path and its size in bytes.
 */
export async function writeCsv(path: string, n: number, seed: number): Promise<{ path: string; bytes: number }> {
	if (existsSync(path)) return { path, bytes: statSync(path).size };
	mkdirSync(dirname(path), { recursive: true });
	const tmp = `${path}.${process.pid}.tmp`;
	const out = createWriteStream(tmp);
	const CHUNK = 2000;
	let buf = CSV_HEADER.join(',') + '\n';
	for (let i = 0; i < n; i++) {
		buf += csvLine(makeRow(seed, i).profile) + '\n';
		if ((i + 1) % CHUNK === 0) {
			if (!out.write(buf)) await once(out, 'drain');
			buf = '';
		}
	}
	out.end(buf);
	await once(out, 'finish');
	renameSync(tmp, path);
	return { path, bytes: statSync(path).size };
}

export function csvPath(outDir: string, n: number, seed: number): string {
	return join(outDir, `profiles-${n}-seed${seed}.csv`);
}

export function ndjsonLine(p: Profile): string {
	return JSON.stringify(p);
}

/**
 * The second run's input (bench/secondRun.ts): 1% of the rows changed, half of them in a merge
 * field (LTV), half in their segments (one more segment), chosen by index so that both runs agree.
 */
export function changedForSecondRun(i: number, p: Profile): Profile | undefined {
	if (i % 100 !== 37) return undefined;
	if (i % 200 === 37) return { ...p, ltv: Math.round((p.ltv + 1) * 100) / 100 };
	const extra = SEGMENTS.find((name) => !p.segments.includes(name))!;
	return { ...p, segments: [...p.segments, extra] };
}

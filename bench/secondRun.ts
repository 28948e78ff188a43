// The second-run case of `npm run bench` (issue 15): the same profiles exported twice into one
// audience, the second time with "Only Send Changes", 1% of the profiles changed in the input
// (half in LTV, half with one more segment) and 0.1% edited in Mailchimp between the runs (their
// first name). Reports the second run's reads and writes, its wall time against its own lower
// bound and against the full export (the first run), and checks the audience member by member.

import axios from 'axios';
import type { INodeExecutionData } from 'n8n-workflow';

import type { ExportSummary } from '../nodes/MailchimpSegmentExport/core/types';
import { formatDuration } from './chart';
import { CONNECTIONS, lowerBound, REFERENCE } from './model';
import { changedForSecondRun, makeRow, type Profile } from './profiles';

export interface SecondRunResult {
	size: number;
	scale: number;
	/** The first run: a full export into the empty audience (what a run without the option costs). */
	full: { wallMs: number; apiCalls: number; boundMs: number; estimatedAt1Ms: number };
	second: {
		wallMs: number;
		cpuMs: number;
		summary: Pick<ExportSummary, 'exported' | 'created' | 'updated' | 'unchanged' | 'rejected' | 'onlySendChanges'>;
		readPages: number;
		readMembers: number;
		upsertCalls: number;
		upsertedMembers: number;
		tagCalls: number;
		taggedMembers: number;
		otherCalls: number;
		/** Sum of the model's service times of the calls made / 10 connections, at scale 1. */
		boundAt1Ms: number;
		/** boundAt1Ms + the measured time above the bound at `scale` (the CPU and waiting). */
		estimatedAt1Ms: number;
	};
	/** Members that needed a write: changed in the input, or edited in Mailchimp. */
	changes: { input: number; mailchimp: number };
	/** Members written (upserted or tagged) / members that needed a write. */
	writesPerChange: number;
	/** full.estimatedAt1Ms / second.estimatedAt1Ms. */
	speedupAt1: number;
	audience: { members: number; expected: number; mismatches: number };
	loadAvg: number;
}

interface LogEntry {
	method: string;
	path: string;
	status: number;
	members?: number;
	tagged?: number;
	at: number;
}

export function itemsOf(size: number, seed: number, changed: boolean): INodeExecutionData[] {
	const items: INodeExecutionData[] = new Array(size);
	for (let i = 0; i < size; i++) {
		const p = makeRow(seed, i).profile;
		items[i] = { json: ((changed ? changedForSecondRun(i, p) : undefined) ?? p) as unknown as INodeExecutionData['json'] };
	}
	return items;
}

/** Per member (lower-cased email): its winning row (the last consented row with a valid email). */
function winners(size: number, seed: number): Map<string, number> {
	const out = new Map<string, number>();
	for (let i = 0; i < size; i++) {
		const { profile, kind } = makeRow(seed, i);
		if (kind === 'invalid' || !profile.consent) continue;
		out.set(profile.email.toLowerCase(), i);
	}
	return out;
}

/** A member as an export of the (changed or not) input leaves it: its winning row, and its segments over all its rows. */
function expectedMembers(size: number, seed: number, changed: boolean): Map<string, { profile: Profile; segments: Set<string> }> {
	const out = new Map<string, { profile: Profile; segments: Set<string> }>();
	for (let i = 0; i < size; i++) {
		const row = makeRow(seed, i);
		if (row.kind === 'invalid' || !row.profile.consent) continue;
		const profile = (changed ? changedForSecondRun(i, row.profile) : undefined) ?? row.profile;
		const key = profile.email.toLowerCase();
		const segments = out.get(key)?.segments ?? new Set<string>();
		for (const s of profile.segments) segments.add(s);
		out.set(key, { profile, segments });
	}
	return out;
}

const MAILCHIMP_EDIT = (i: number): boolean => i % 1000 === 503;

/** Edits 0.1% of the members in Mailchimp (their first name), through the simulator's state API. */
export async function editInMailchimp(simUrl: string, listId: string, size: number, seed: number): Promise<number> {
	const root = new URL(simUrl).origin;
	const edits: unknown[] = [];
	for (const [, i] of winners(size, seed)) {
		if (!MAILCHIMP_EDIT(i)) continue;
		const p = makeRow(seed, i).profile;
		edits.push({ email: p.email, mergeFields: { FNAME: 'Edited in Mailchimp', LNAME: p.lastName, LTV: p.ltv, JOINED: p.joined, PLAN: p.plan } });
	}
	for (let k = 0; k < edits.length; k += 1000) {
		await axios.post(`${root}/_sim/lists/${listId}/members`, { members: edits.slice(k, k + 1000) }, { proxy: false });
	}
	return edits.length;
}

/** Members an export of the changed input must write: a merge value or a segment changed. */
export function inputChanges(size: number, seed: number): number {
	const before = expectedMembers(size, seed, false);
	let n = 0;
	for (const [key, after] of expectedMembers(size, seed, true)) {
		const was = before.get(key)!;
		const newSegment = [...after.segments].some((s) => !was.segments.has(s));
		if (after.profile.ltv !== was.profile.ltv || newSegment) n++;
	}
	return n;
}

/** The calls of the second run, from the simulator's request log. */
export async function secondRunCalls(simUrl: string, since: number): Promise<Omit<SecondRunResult['second'], 'wallMs' | 'cpuMs' | 'summary' | 'estimatedAt1Ms'>> {
	const root = new URL(simUrl).origin;
	const { data } = await axios.get<{ requests: LogEntry[] }>(`${root}/_sim/requests`, { proxy: false });
	const c = { readPages: 0, readMembers: 0, upsertCalls: 0, upsertedMembers: 0, tagCalls: 0, taggedMembers: 0, otherCalls: 0, boundAt1Ms: 0 };
	let serviceMs = 0;
	for (const e of data.requests) {
		if (e.at < since || e.path.startsWith('/_sim')) continue;
		const members = e.members ?? 0;
		if (e.method === 'GET' && /\/lists\/[^/]+\/members$/.test(e.path)) {
			c.readPages++;
			c.readMembers += members;
			serviceMs += REFERENCE.memberList.fixedMs + members * REFERENCE.memberList.perMemberMs;
		} else if (e.method === 'POST' && /\/lists\/[^/]+$/.test(e.path)) {
			c.upsertCalls++;
			c.upsertedMembers += members;
			serviceMs += REFERENCE.upsert.fixedMs + members * REFERENCE.upsert.perMemberMs + (e.tagged ?? 0) * REFERENCE.segmentMembers.perMemberMs;
		} else if (e.method === 'POST' && /\/segments\/\d+$/.test(e.path)) {
			c.tagCalls++;
			c.taggedMembers += members;
			serviceMs += REFERENCE.segmentMembers.fixedMs + members * REFERENCE.segmentMembers.perMemberMs;
		} else {
			c.otherCalls++;
			serviceMs += REFERENCE.read.fixedMs;
		}
	}
	c.boundAt1Ms = serviceMs / CONNECTIONS;
	return c;
}

/** The full export's lower bound at scale 1, as the main table computes it. */
export function fullBoundAt1Ms(summary: ExportSummary): number {
	return lowerBound(summary.exported, summary.segments.map((s) => s.added)).lowerBoundMs;
}

/** Reads the whole audience back (10 pages at once) and compares every member with the second input. */
export async function checkAudience(simUrl: string, apiKey: string, listId: string, size: number, seed: number): Promise<SecondRunResult['audience']> {
	const expected = expectedMembers(size, seed, true);
	const client = axios.create({ proxy: false, auth: { username: 'bench', password: apiKey } });
	const fields = 'members.email_address,members.merge_fields,members.tags.name,total_items';
	let mismatches = 0;
	let members = 0;
	const check = (m: { email_address: string; merge_fields: Record<string, unknown>; tags: Array<{ name: string }> }): void => {
		members++;
		const want = expected.get(m.email_address.toLowerCase());
		if (want === undefined) {
			mismatches++;
			return;
		}
		const p = want.profile;
		const f = m.merge_fields;
		const tags = new Set(m.tags.map((t) => t.name));
		const same =
			f.FNAME === p.firstName &&
			f.LNAME === p.lastName &&
			Number(f.LTV) === p.ltv &&
			f.JOINED === p.joined &&
			f.PLAN === p.plan &&
			tags.size === want.segments.size &&
			[...want.segments].every((s) => tags.has(s));
		if (!same) mismatches++;
	};
	const page = async (offset: number): Promise<number> => {
		const { data } = await client.get(`${simUrl}/lists/${listId}/members`, { params: { count: 1000, offset, fields } });
		for (const m of data.members) check(m);
		return data.total_items as number;
	};
	const total = await page(0);
	const offsets: number[] = [];
	for (let offset = 1000; offset < total; offset += 1000) offsets.push(offset);
	for (let k = 0; k < offsets.length; k += 10) await Promise.all(offsets.slice(k, k + 10).map(page));
	return { members, expected: expected.size, mismatches };
}

function pad(s: string, n: number): string {
	return s.padStart(n);
}

export function secondRunTable(r: SecondRunResult): string {
	const cols: Array<[string, string]> = [
		['size', r.size.toLocaleString('en-US')],
		['changes', `${r.changes.input}+${r.changes.mailchimp}`],
		['upserted', String(r.second.upsertedMembers)],
		['tagged', String(r.second.taggedMembers)],
		['writes/chg', r.writesPerChange.toFixed(3)],
		['reads', `${r.second.readPages} pages`],
		['calls', String(r.second.readPages + r.second.upsertCalls + r.second.tagCalls + r.second.otherCalls)],
		['wall', formatDuration(r.second.wallMs)],
		['bound@1', formatDuration(r.second.boundAt1Ms)],
		['est.@1', formatDuration(r.second.estimatedAt1Ms)],
		['est./bound', (r.second.estimatedAt1Ms / r.second.boundAt1Ms).toFixed(2)],
		['full est.@1', formatDuration(r.full.estimatedAt1Ms)],
		['faster', `${r.speedupAt1.toFixed(1)}x`],
		['audience', r.audience.mismatches === 0 && r.audience.members === r.audience.expected ? 'exact' : `${r.audience.mismatches} wrong`],
	];
	const widths = cols.map(([h, v]) => Math.max(h.length, v.length));
	return [cols.map(([h], i) => pad(h, widths[i])).join('  '), widths.map((w) => '-'.repeat(w)).join('  '), cols.map(([, v], i) => pad(v, widths[i])).join('  ')].join('\n');
}

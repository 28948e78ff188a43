// The corpus of named bad profiles (test/fixtures/profiles/bad-profiles.json), each with the
// exact outcome and reason it must get, run through runExport against the simulator: a
// regression suite for the texts a person reads in the Rejected output.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type ExportOptions, runExport } from '../../../nodes/MailchimpSegmentExport/core';
import type { MemberSeed } from '../../simulator/types';
import { ALL_ATTRIBUTES, AUDIENCE_FIELDS, type Audience, checkAccounting, exportOptions, recording, rowsOf, shortSleep, startAudience } from './helpers';

interface BadProfile {
	name: string;
	/** Merged over a good profile (BASE). */
	profile: Record<string, unknown>;
	/** Keys of BASE to remove. */
	unset?: string[];
	/** Export options over the defaults. */
	options?: Partial<ExportOptions>;
	/** Rows after this one (this one is row 0). */
	also?: Array<Record<string, unknown>>;
	/** Audience state before the export. */
	seed?: { members?: MemberSeed[]; forget?: string[] };
	expect: {
		outcome: 'rejected' | 'skipped';
		/** The exact reason; for a skipped row, the summary counter it lands in. */
		reason: string;
		field?: string;
		code?: string;
	};
}

export const CORPUS_PATH = join(__dirname, '..', '..', 'fixtures', 'profiles', 'bad-profiles.json');
const corpus: BadProfile[] = JSON.parse(readFileSync(CORPUS_PATH, 'utf8'));

const BASE = { email: 'row@example.com', first: 'Ann', last: 'Smith', segment: 'vip', ok: true, city: 'Paris' };

let audience: Audience;
beforeAll(async () => {
	audience = await startAudience();
});
afterAll(() => audience.sim.stop());

function profileOf(f: BadProfile): Record<string, unknown> {
	const p: Record<string, unknown> = { ...BASE };
	for (const key of f.unset ?? []) delete p[key];
	for (const key of Object.keys(f.profile)) {
		Object.defineProperty(p, key, { value: f.profile[key], enumerable: true, writable: true, configurable: true });
	}
	return p;
}

describe('bad profiles corpus', () => {
	it('has at least 50 named profiles with unique names', () => {
		expect(corpus.length).toBeGreaterThanOrEqual(50);
		expect(new Set(corpus.map((f) => f.name)).size).toBe(corpus.length);
	});

	it.each(corpus.map((f) => [f.name, f] as const))('%s', async (_name, f) => {
		const { sim } = audience;
		const listId = sim.state.addList({ name: f.name, mergeFields: AUDIENCE_FIELDS });
		for (const m of f.seed?.members ?? []) sim.state.addMember(listId, m);
		for (const e of f.seed?.forget ?? []) sim.state.forget(listId, e);
		const rows = [profileOf(f), ...(f.also ?? []).map((a) => ({ ...BASE, ...a }))];
		const rec = recording(audience.direct);
		const options = exportOptions(listId, {
			mapping: { email: 'email', firstName: 'first', lastName: 'last', attributes: ALL_ATTRIBUTES },
			consentField: 'ok',
			...f.options,
		});
		const result = await runExport(rowsOf(rows), options, { request: rec.request, sleep: shortSleep });
		checkAccounting(result, rows.length);
		expect(rec.schemaProblems).toEqual([]);
		const row0 = result.rejected.find((r) => r.index === 0);
		if (f.expect.outcome === 'rejected') {
			expect(row0).toBeDefined();
			expect(row0!.reason).toBe(f.expect.reason);
			if (f.expect.code !== undefined) expect(row0!.code).toBe(f.expect.code);
			expect(row0!.field).toBe(f.expect.field);
			expect(result.summary.exported).toBe(rows.length - 1 - result.summary.skipped.duplicate);
		} else {
			expect(row0).toBeUndefined();
			const counter = f.expect.reason as keyof typeof result.summary.skipped;
			expect(Object.keys(result.summary.skipped)).toContain(counter);
			expect(result.summary.skipped[counter]).toBe(1);
			expect(result.summary.rejected).toBe(0);
		}
	});
});

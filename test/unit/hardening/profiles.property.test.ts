// Property: random and hostile values in every mapped field never crash the export; every row
// ends exported, rejected with a reason (naming the field for our own checks) or skipped; the
// count invariant holds; no body sent fails the API schema; no body carries `status`.
import fc from 'fast-check';

import { type ExportOptions, runExport } from '../../../nodes/MailchimpSegmentExport/core';
import { subscriberHash } from '../../simulator/email';
import type { Simulator } from '../../simulator/server';
import { hostileProfile } from './arbitraries';
import {
	ALL_ATTRIBUTES,
	AUDIENCE_FIELDS,
	type Audience,
	checkAccounting,
	exportOptions,
	hasKeyDeep,
	recording,
	rowsOf,
	shortSleep,
	startAudience,
} from './helpers';

const SEED = 20240611;
const RUNS = 60;

let audience: Audience;
let sim: Simulator;
beforeAll(async () => {
	audience = await startAudience();
	sim = audience.sim;
});
afterAll(() => sim.stop());

const profiles = fc.integer({ min: 1, max: 24 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => hostileProfile(i % 9))));
const shape = fc.record({
	consent: fc.boolean(),
	selected: fc.constantFrom<string[]>([], ['vip'], ['VIP', 'churn']),
	fixed: fc.boolean(),
	statusIfNew: fc.constantFrom<ExportOptions['statusIfNew']>('subscribed', 'pending', 'transactional', 'audienceDefault'),
});

const keyOf = (email: unknown): string | undefined => (typeof email === 'string' ? email.trim().toLowerCase() : undefined);

describe('hostile profiles (property)', () => {
	it('no crash, every row accounted for, schema-valid bodies, never a status', async () => {
		await fc.assert(
			fc.asyncProperty(profiles, shape, async (data, s) => {
				const listId = sim.state.addList({ name: 'p', mergeFields: AUDIENCE_FIELDS });
				const rec = recording(audience.direct);
				const options = exportOptions(listId, {
					mapping: { email: 'email', firstName: 'first', lastName: 'last', attributes: ALL_ATTRIBUTES },
					consentField: s.consent ? 'ok' : undefined,
					selectedSegments: s.fixed ? [] : s.selected,
					segmentSource: s.fixed ? { kind: 'fixed', name: 'Fixed' } : { kind: 'field', field: 'segment' },
					statusIfNew: s.statusIfNew,
				});
				const result = await runExport(rowsOf(data), options, { request: rec.request, sleep: shortSleep });

				checkAccounting(result, data.length);
				expect(result.summary.partial).toBe(false);
				expect(rec.schemaProblems).toEqual([]);
				expect(sim.state.requestLog.filter((e) => e.path.includes(listId) && e.status >= 400)).toEqual([]);
				for (const r of rec.sent) expect(hasKeyDeep(r.body, 'status')).toBe(false);

				// The audience holds exactly the exported members, each from a row that was not rejected.
				const list = sim.state.list(listId)!;
				expect(list.members.size).toBe(result.summary.exported);
				const rejected = new Set(result.rejected.map((r) => r.index));
				const kept = new Set<string>();
				data.forEach((p, i) => {
					const key = keyOf(p.email);
					if (!rejected.has(i) && key !== undefined) kept.add(subscriberHash(key));
				});
				for (const hash of list.members.keys()) expect(kept.has(hash)).toBe(true);
				// Every member that was created is subscribed/pending/transactional as asked, never anything else.
				for (const m of list.members.values()) expect(['subscribed', 'pending', 'transactional']).toContain(m.status);
			}),
			{ seed: SEED, numRuns: RUNS, endOnFailure: true },
		);
	});
});

// Consent and compliance: across random exports against an audience holding members of every
// status (some locked in a compliance state), no pre-existing member's status changes and no
// request body ever carries a `status` key.
import fc from 'fast-check';

import { type ExportOptions, runExport } from '../../../nodes/MailchimpSegmentExport/core';
import type { MemberStatus } from '../../simulator/types';
import { type Audience, exportOptions, hasKeyDeep, recording, rowsOf, shortSleep, startAudience, checkAccounting } from './helpers';

const STATUSES: MemberStatus[] = ['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional'];
/** Two members per status, one of them locked; all tagged vip. */
const SEEDED = STATUSES.flatMap((status) => [
	{ email: `${status}@example.com`, status, locked: false },
	{ email: `${status}.locked@example.com`, status, locked: true },
]);

let audience: Audience;
beforeAll(async () => {
	audience = await startAudience();
});
afterAll(() => audience.sim.stop());

const casing = (email: string) =>
	fc.array(fc.boolean(), { minLength: email.length, maxLength: email.length }).map((up) => [...email].map((c, i) => (up[i] ? c.toUpperCase() : c)).join(''));

const row = fc.oneof(
	fc.constantFrom(...SEEDED.map((m) => m.email)).chain((email) =>
		fc.record({ email: fc.oneof(fc.constant(email), casing(email), fc.constant(` ${email} `)), first: fc.constantFrom('A', 'B', undefined), segment: fc.constantFrom('vip', 'other', ['vip', 'new']), ok: fc.constantFrom(true, false) }),
	),
	fc.integer({ min: 0, max: 50 }).map((i) => ({ email: `new${i}@example.com`, first: 'N', segment: 'vip', ok: true })),
);

const shape = fc.record({
	statusIfNew: fc.constantFrom<ExportOptions['statusIfNew']>('subscribed', 'pending', 'transactional', 'audienceDefault'),
	removeMembersWhoLeft: fc.boolean(),
	dryRun: fc.boolean(),
	consent: fc.boolean(),
	doubleOptin: fc.boolean(),
});

describe('consent and compliance (property)', () => {
	it('no existing member changes status; no body carries status', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 30 }), shape, async (data, s) => {
				const { sim } = audience;
				const listId = sim.state.addList({ name: 'consent', doubleOptin: s.doubleOptin });
				for (const m of SEEDED) sim.state.addMember(listId, { ...m, tags: ['vip'] });
				const rec = recording(audience.direct);
				const result = await runExport(
					rowsOf(data),
					exportOptions(listId, {
						mapping: { email: 'email', firstName: 'first', attributes: [] },
						statusIfNew: s.statusIfNew,
						removeMembersWhoLeft: s.removeMembersWhoLeft,
						dryRun: s.dryRun,
						consentField: s.consent ? 'ok' : undefined,
					}),
					{ request: rec.request, sleep: shortSleep },
				);
				checkAccounting(result, data.length);
				for (const m of SEEDED) {
					const now = sim.state.member(listId, m.email);
					expect(now?.status).toBe(m.status);
					expect(now?.locked).toBe(m.locked);
				}
				for (const r of rec.sent) {
					expect(hasKeyDeep(r.body, 'status')).toBe(false);
					// The only write endpoints: batch upsert, tag create, tag add/remove. Never a member PUT/PATCH/DELETE.
					expect(r.method === 'GET' || r.method === 'POST').toBe(true);
				}
				if (s.dryRun) expect(rec.sent.filter((r) => r.method !== 'GET')).toEqual([]);
				expect(rec.schemaProblems).toEqual([]);
			}),
			{ seed: 424242, numRuns: 40, endOnFailure: true },
		);
	});
});

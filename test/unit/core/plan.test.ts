// Fast layer: pass 1 (buildPlan) on its own: what it keeps to send, what it skips or rejects and
// why, and that every row is counted once. No request is made in pass 1.
import { ExportError, runExport } from '../../../nodes/MailchimpSegmentExport/core';
import { emailProblem } from '../../../nodes/MailchimpSegmentExport/core/email';
import { reasons } from '../../../nodes/MailchimpSegmentExport/core/rejections';
import type { Report } from '../../../nodes/MailchimpSegmentExport/core/report';
import type { MemberIndex } from '../../../nodes/MailchimpSegmentExport/core/plan';
import type { ProfileRow } from '../../../nodes/MailchimpSegmentExport/core/types';
import { mockRequest } from '../mockRequest';
import { instantSleep, options, rowsOf } from './helpers';
import { LIST, MERGE_FIELDS, email, fileRows, person, plan } from './mocked';

/** The member planned for `address`, as its winning row and segments. */
function planned(index: MemberIndex, address: string, names: readonly string[]) {
	const ord = index.find(address);
	return { row: index.rowIndex[ord], item: index.itemOf(ord), segments: index.segmentsOf(ord, []).map((s) => names[s]) };
}

function skipped(report: Report) {
	return { duplicate: report.duplicate, noConsent: report.noConsent, notInSelectedSegments: report.notInSelectedSegments };
}

describe('buildPlan', () => {
	it('an email\'s last row wins, whatever its case; its earlier rows are duplicates, its segments united', async () => {
		const { index, report, mapper } = await plan(rowsOf([person(1, 'vip'), person(2), { ...person(1, 'churn'), email: 'USER1@Example.com' }]));
		expect(index.size).toBe(2);
		expect(planned(index, email(1), mapper.segments.names)).toEqual({ row: 2, item: 2, segments: ['vip', 'churn'] });
		expect(planned(index, email(2), mapper.segments.names)).toMatchObject({ row: 1 });
		expect(skipped(report)).toEqual({ duplicate: 1, noConsent: 0, notInSelectedSegments: 0 });
		expect(report.rejected).toEqual([]);
	});

	it('an address beyond ASCII is one member whatever its case, too', async () => {
		const rows = [{ ...person(1, 'vip'), email: 'Zoe@BÜCHER.example' }, { ...person(2, 'churn'), email: 'zoe@bücher.EXAMPLE' }];
		const { index, report } = await plan(rowsOf(rows));
		expect(index.size).toBe(1);
		expect(index.find('zoe@bücher.example')).toBe(0);
		expect(report.duplicate).toBe(1);
	});

	it("writes a member's segments into a reused list exactly, a shorter list after a longer one included", async () => {
		const { index, mapper } = await plan(rowsOf([person(1, ['vip', 'churn']), person(2, 'churn'), person(3, 'vip')]));
		const names = (ord: number, into: number[]) => index.segmentsOf(ord, into).map((s) => mapper.segments.names[s]);
		const scratch: number[] = [];
		expect(names(index.find(email(1)), scratch)).toEqual(['vip', 'churn']);
		expect(names(index.find(email(2)), scratch)).toEqual(['churn']);
		expect(names(index.find(email(3)), scratch)).toEqual(['vip']);
		expect(names(index.find(email(1)), scratch)).toEqual(['vip', 'churn']);
	});

	it('skips rows without consent and rows outside the selected segments, counting each', async () => {
		const rows = [
			{ ...person(1), ok: true },
			{ ...person(2), ok: false },
			{ ...person(3), ok: 'yes' },
			{ ...person(4) },
			{ ...person(5, 'churn'), ok: true },
			{ ...person(6, null), ok: true },
			// Skipped for consent before its email is looked at: not a rejection.
			{ email: 'not an address', segment: 'vip', ok: 'no' },
		];
		const { index, report } = await plan(rowsOf(rows), { consentField: 'ok', selectedSegments: ['VIP'] });
		expect([email(1), email(3)].map((e) => index.find(e))).toEqual([0, 1]);
		expect(index.size).toBe(2);
		expect(skipped(report)).toEqual({ duplicate: 0, noConsent: 3, notInSelectedSegments: 2 });
		expect(report.rejected).toEqual([]);
	});

	it('a rejected row carries its row, its item, the field and a code of the catalogue, with the catalogue\'s reason', async () => {
		const rows: ProfileRow[] = [
			{ index: 0, itemIndex: 4, data: { email: '', segment: 'vip' } },
			{ index: 1, itemIndex: 4, data: { email: 'a@@x', segment: 'vip' } },
			{ index: 2, itemIndex: 4, data: { ...person(2), ltv: 'lots' } },
			{ index: 3, itemIndex: 4, data: { ...person(3, { name: 'vip' }) } },
			{ index: 4, itemIndex: 4, data: undefined, error: 'Row 5 (line 6): 3 fields, expected 2' },
			{ index: 5, itemIndex: 4, data: { email: 42, segment: 'vip' } },
		];
		const { index, report } = await plan(() => rows, { mapping: { email: 'email', attributes: [{ mergeField: 'LTV', sourceField: 'ltv' }] } });
		expect(index.size).toBe(0);
		expect(report.rejected).toEqual([
			{ index: 0, itemIndex: 4, email: '', field: 'email', code: 'MISSING_EMAIL', reason: reasons.missingEmail('email') },
			{ index: 1, itemIndex: 4, email: 'a@@x', field: 'email', code: 'INVALID_EMAIL', reason: emailProblem('a@@x') },
			{ index: 2, itemIndex: 4, email: email(2), field: 'LTV', code: 'INVALID_VALUE', reason: expect.stringMatching(/^LTV \(from ltv\) /) },
			{ index: 3, itemIndex: 4, email: email(3), field: 'segment', code: 'INVALID_SEGMENT', reason: reasons.segmentNotText('segment', 'an object') },
			{ index: 4, itemIndex: 4, email: '', code: 'UNREADABLE_ROW', reason: 'Row 5 (line 6): 3 fields, expected 2' },
			{ index: 5, itemIndex: 4, email: '', field: 'email', code: 'INVALID_EMAIL', reason: reasons.emailNotText('email', 'the number 42') },
		]);
	});

	it('over Max Profiles: stops reading at the first row too many and throws', async () => {
		let read = 0;
		const source = function* (): Generator<ProfileRow> {
			for (let i = 0; i < 10; i++, read++) yield { index: i, itemIndex: 0, data: person(i) };
		};
		const error = await plan(source, { maxProfiles: 3 }).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(ExportError);
		expect(error).toMatchObject({ message: 'The input has more than 3 profiles' });
		expect(read).toBe(3);
	});

	it('over Max Profiles, the export sends nothing but its two reads of the audience', async () => {
		const { request, sent } = mockRequest({
			[`GET /lists/${LIST}`]: { status: 200, body: { id: LIST, name: 'Shop', stats: { member_count: 0 } } },
			[`GET /lists/${LIST}/merge-fields`]: {
				status: 200,
				body: { merge_fields: MERGE_FIELDS.map((f) => ({ tag: f.tag, name: f.name, type: f.type })), total_items: MERGE_FIELDS.length },
			},
		});
		const run = runExport(rowsOf([person(1), person(2), person(3)]), options({ listId: LIST, maxProfiles: 2 }), { request, sleep: instantSleep });
		await expect(run).rejects.toThrow('The input has more than 2 profiles');
		expect(sent.map((call) => `${call.method} ${call.path}`)).toEqual([`GET /lists/${LIST}`, `GET /lists/${LIST}/merge-fields`]);
	});

	it('every row is counted once: planned, rejected or skipped', async () => {
		const given = (row: Record<string, unknown>, ok = true) => ({ ...row, ok });
		const rows = [person(1), person(2), person(1), given(person(3), false), person(4, 'trial'), { email: 'bad', segment: 'vip' }, person(2, 'churn')].map((r) =>
			'ok' in r ? r : given(r),
		);
		const { index, report } = await plan(fileRows(rows, 0), { consentField: 'ok', selectedSegments: ['vip', 'churn'] });
		expect({ profilesIn: report.profilesIn, planned: index.size, rejected: report.rejected.length, ...skipped(report) }).toEqual({
			profilesIn: 7,
			planned: 2,
			rejected: 1,
			duplicate: 2,
			noConsent: 1,
			notInSelectedSegments: 1,
		});
	});
});

// The output pane's hint: a partial export must never look like a plain success.

import type { ExportSummary } from '../../../nodes/MailchimpSegmentExport/core/types';
import { summaryHint } from '../../../nodes/MailchimpSegmentExport/execute/output';
import { formatDuration, progressMessage } from '../../../nodes/MailchimpSegmentExport/execute/progress';

const summary = (over: Partial<ExportSummary>): ExportSummary => ({
	profilesIn: 1500,
	exported: 1500,
	created: 1500,
	updated: 0,
	unchanged: 0,
	rejected: 0,
	skipped: { noConsent: 0, notInSelectedSegments: 0, duplicate: 0 },
	segments: [],
	apiCalls: 6,
	retries: 0,
	durationMs: 10,
	dryRun: false,
	partial: false,
	...over,
});

describe('summaryHint', () => {
	it('warns about a partial export and says a re-run is safe', () => {
		expect(summaryHint(summary({ exported: 1000, rejected: 500, partial: true }))).toEqual({
			type: 'warning',
			location: 'outputPane',
			message:
				'Partial export: 1,000 of 1,500 profiles exported. 500 rows were not exported, some after Mailchimp kept failing: see the Rejected output for each reason. Running the export again is safe: members already exported are updated, not duplicated.',
		});
	});

	it('says nothing when every profile was exported', () => {
		expect(summaryHint(summary({}))).toBeUndefined();
	});

	it('accounts for skipped rows next to the rejected ones (405 in, 396 exported, 4 rejected, 5 duplicates)', () => {
		const hint = summaryHint(
			summary({ profilesIn: 405, exported: 396, rejected: 4, skipped: { noConsent: 0, notInSelectedSegments: 0, duplicate: 5 } }),
		);
		expect(hint?.message).toBe(
			"396 of 405 profiles exported; 4 rows were rejected: see the Rejected output for each reason. 5 skipped: 5 duplicates (an email's last row is exported).",
		);
	});

	it('says why rows were skipped when none was rejected', () => {
		expect(summaryHint(summary({ exported: 1397, skipped: { noConsent: 100, notInSelectedSegments: 2, duplicate: 1 } }))).toEqual({
			type: 'info',
			location: 'outputPane',
			message:
				"1,397 of 1,500 profiles exported. 103 skipped: 1 duplicate (an email's last row is exported), 100 without consent, 2 in none of the selected segments.",
		});
	});

	it('says what Only Send Changes did: members left alone, or every member sent and why', () => {
		const compared = { path: 'compared' as const, reason: '', audienceContacts: 1500, readCalls: 2, writeCalls: 8 };
		expect(summaryHint(summary({ created: 0, unchanged: 1499, updated: 1, onlySendChanges: compared }))).toEqual({
			type: 'info',
			location: 'outputPane',
			message: '1,500 of 1,500 profiles exported. 1,499 members unchanged: nothing was sent for them (Only Send Changes).',
		});
		expect(summaryHint(summary({ onlySendChanges: { ...compared, path: 'sentAll' } }))?.message).toBe(
			'1,500 of 1,500 profiles exported. Only Send Changes sent every member: reading the audience would have cost more calls (see onlySendChanges in the Summary).',
		);
		expect(summaryHint(summary({ dryRun: true, created: 10, unchanged: 1490, onlySendChanges: compared }))?.message).toMatch(
			/would be exported\. 1,490 members unchanged: nothing would be sent for them \(Only Send Changes\)\. Created, updated and unchanged are predicted/,
		);
	});

	it('a dry run says it cannot tell new members from existing ones', () => {
		expect(summaryHint(summary({ dryRun: true, created: 0 }))?.message).toMatch(
			/^Dry run: nothing was written\. 1,500 of 1,500 profiles would be exported\. A dry run does not read the audience's members, so it cannot tell new members from existing ones/,
		);
	});
});

describe('progress in n8n\'s log', () => {
	it('says how many members are sent and how long is left', () => {
		expect(progressMessage('Export', { phase: 'sending', done: 120_000, total: 1_000_000, elapsedMs: 60_000, remainingMs: 264_000 })).toBe(
			'Mailchimp Segment Export "Export": 120,000 of 1,000,000 members sent (12%), about 4 min left',
		);
		expect(progressMessage('Export', { phase: 'checking', done: 300_000, elapsedMs: 9_400 })).toBe(
			'Mailchimp Segment Export "Export": checked 300,000 profiles in 9 s; nothing is sent before every row is checked',
		);
	});

	it('with Only Send Changes, says how much of the audience is compared, then how many changed members are sent', () => {
		expect(progressMessage('Export', { phase: 'comparing', done: 400_000, total: 1_000_000, elapsedMs: 90_000, remainingMs: 42_000 })).toBe(
			'Mailchimp Segment Export "Export": compared 400,000 of 1,000,000 audience members (40%), about 42 s left; only members that differ will be sent',
		);
		expect(progressMessage('Export', { phase: 'sending', done: 10_000, elapsedMs: 120_000 })).toBe(
			'Mailchimp Segment Export "Export": 10,000 new or changed members sent',
		);
	});

	it('writes durations a person reads at a glance', () => {
		expect([0, 35_000, 264_000, 3_900_000].map(formatDuration)).toEqual(['0 s', '35 s', '4 min', '1 h 05 min']);
	});
});

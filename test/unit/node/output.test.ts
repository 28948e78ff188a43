// The output pane's hint: a partial export must never look like a plain success.

import type { ExportSummary } from '../../../nodes/MailchimpSegmentExport/core/types';
import { summaryHint } from '../../../nodes/MailchimpSegmentExport/execute/output';

const summary = (over: Partial<ExportSummary>): ExportSummary => ({
	profilesIn: 1500,
	exported: 1500,
	created: 1500,
	updated: 0,
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

	it('says nothing when every profile was exported or skipped with a reason', () => {
		expect(summaryHint(summary({}))).toBeUndefined();
		expect(summaryHint(summary({ exported: 1400, skipped: { noConsent: 100, notInSelectedSegments: 0, duplicate: 0 } }))).toBeUndefined();
	});
});

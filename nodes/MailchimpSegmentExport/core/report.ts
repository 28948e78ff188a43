// The export's report: counters, rejected rows and the final summary. Every input row ends in
// exactly one of exported, rejected, skipped.noConsent, skipped.notInSelectedSegments,
// skipped.duplicate (the count invariant).

import { DRY_RUN_CHECKS } from './checks';
import { redact } from './redact';
import type { RejectCode } from './rejections';
import type { ChangesReport, ExportResult, ExportedCounts, RejectedRow, SegmentReport } from './types';

/**
 * A copy of `text` that shares no memory with a larger string. The readers hand out field
 * values as slices of the text they decoded (a file chunk at a time): one slice kept for the whole
 * export (a rejected row's email) would keep its whole chunk in memory, and a few thousand of
 * them the whole file.
 */
export function detach(text: string): string {
	return text.length < 13 ? text : (' ' + text).slice(1);
}

export class Report {
	profilesIn = 0;
	noConsent = 0;
	notInSelectedSegments = 0;
	duplicate = 0;
	/** A batch or tag call failed for good. */
	partial = false;
	readonly rejected: RejectedRow[] = [];

	/** Records a rejected row. The reason may quote Mailchimp or the network: anything key-like is redacted. */
	reject(index: number, itemIndex: number, email: string, reason: string, code?: RejectCode, field?: string): void {
		const row: RejectedRow = { index, itemIndex, email: detach(email), reason: detach(redact(reason)) };
		if (field !== undefined) row.field = field;
		if (code !== undefined) row.code = code;
		this.rejected.push(row);
	}

	result(totals: {
		exported: ExportedCounts;
		segments: SegmentReport[];
		apiCalls: number;
		retries: number;
		durationMs: number;
		dryRun: boolean;
		changes?: ChangesReport;
	}): ExportResult {
		const rejected = [...this.rejected].sort((a, b) => a.index - b.index);
		return {
			summary: {
				profilesIn: this.profilesIn,
				exported: totals.exported.exported,
				created: totals.exported.created,
				updated: totals.exported.updated,
				unchanged: totals.exported.unchanged,
				rejected: rejected.length,
				skipped: {
					noConsent: this.noConsent,
					notInSelectedSegments: this.notInSelectedSegments,
					duplicate: this.duplicate,
				},
				segments: totals.segments,
				apiCalls: totals.apiCalls,
				retries: totals.retries,
				durationMs: totals.durationMs,
				dryRun: totals.dryRun,
				partial: this.partial,
				...(totals.changes === undefined ? {} : { onlySendChanges: totals.changes }),
				...(totals.dryRun ? { checks: DRY_RUN_CHECKS } : {}),
			},
			rejected,
		};
	}
}

// Test helpers for the export core.
import type { ExportOptions, ExportSummary, MergeFieldDefinition, ProfileRow } from '../../../nodes/MailchimpSegmentExport/core';

export function field(tag: string, type: string, options: MergeFieldDefinition['options'] = {}, required = false): MergeFieldDefinition {
	return { mergeId: 1, tag, name: tag, type, required, options };
}

export function options(over: Partial<ExportOptions> = {}): ExportOptions {
	return {
		listId: 'list1',
		mapping: { email: 'email', firstName: 'first', lastName: 'last', attributes: [] },
		segmentSource: { kind: 'field', field: 'segment' },
		selectedSegments: [],
		statusIfNew: 'subscribed',
		removeMembersWhoLeft: false,
		dryRun: false,
		maxProfiles: 1_000_000,
		maxConcurrency: 10,
		...over,
	};
}

export function rowsOf(data: readonly unknown[]): () => ProfileRow[] {
	return () => data.map((d, i) => ({ index: i, itemIndex: i, data: d }));
}

export function checkInvariant(s: ExportSummary): void {
	expect(s.profilesIn).toBe(
		s.exported + s.rejected + s.skipped.noConsent + s.skipped.notInSelectedSegments + s.skipped.duplicate,
	);
	// A dry run that did not read the audience cannot tell new members from existing ones.
	if (!s.dryRun || s.onlySendChanges?.path === 'compared') expect(s.exported).toBe(s.created + s.updated + s.unchanged);
}

/** A sleep that does not wait but honours the signal. */
export const instantSleep = async (_ms: number, signal?: AbortSignal): Promise<void> => {
	if (signal?.aborted) throw new Error('aborted');
	await Promise.resolve();
};

/** A mapping onto merge fields of each type Mailchimp formats in its own way (Only Send Changes' tests). */
export const everyTypeMapping: ExportOptions['mapping'] = {
	email: 'email',
	firstName: 'first',
	lastName: 'last',
	attributes: [
		{ mergeField: 'LTV', sourceField: 'ltv' },
		{ mergeField: 'JOINED', sourceField: 'joined' },
		{ mergeField: 'PLAN', sourceField: 'plan' },
		{ mergeField: 'PHONE', sourceField: 'phone' },
		{ mergeField: 'ADDRESS', sourceField: 'address' },
	],
};

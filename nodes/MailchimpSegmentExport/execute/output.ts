// The node's two outputs: Summary (one item, the core's summary) and Rejected (one item per
// rejected row, paired with the input item the row came from).

import type { IDataObject, INodeExecutionData, IPairedItemData, NodeExecutionHint } from 'n8n-workflow';

import type { ExportResult, ExportSummary, RejectedRow } from '../core/types';

/** The Summary item stands for the whole input: it is paired with every input item. */
export function allItems(count: number): IPairedItemData[] {
	return Array.from({ length: count }, (_, item) => ({ item }));
}

/** CSV headers by the input item that carried the file. */
export type FileColumns = ReadonlyMap<number, readonly string[]>;

/** The Summary item; with `columns` (a dry run over CSV files), each file's columns as `files`. */
export function summaryItem(result: ExportResult, inputCount: number, columns?: FileColumns): INodeExecutionData {
	const json = { ...result.summary } as unknown as IDataObject;
	if (columns !== undefined && columns.size > 0) {
		json.files = [...columns].map(([itemIndex, header]) => ({ inputItem: itemIndex + 1, columns: [...header] }));
	}
	return { json, pairedItem: allItems(inputCount) };
}

/** Where a rejected file row is in its file (1-based line, header counted). */
export type LineOf = (itemIndex: number, row: number) => number | undefined;

export function rejectedItem(row: RejectedRow, lineOf?: LineOf): INodeExecutionData {
	const json: IDataObject = {
		email: row.email,
		reason: row.reason,
		field: row.field ?? null,
		code: row.code ?? null,
		index: row.index,
	};
	const line = lineOf?.(row.itemIndex, row.index);
	if (line !== undefined) json.line = line;
	return { json, pairedItem: { item: row.itemIndex } };
}

/** `[[summary], rejected]`: what `execute` returns. `lineOf` numbers the rejected rows of files. */
export function exportOutputs(
	result: ExportResult,
	inputCount: number,
	lineOf?: LineOf,
	columns?: FileColumns,
): INodeExecutionData[][] {
	return [[summaryItem(result, inputCount, columns)], result.rejected.map((row) => rejectedItem(row, lineOf))];
}

/** With "continue on fail": the error as the Summary item, nothing rejected. */
export function errorOutputs(message: string, inputCount: number): INodeExecutionData[][] {
	return [[{ json: { error: message }, pairedItem: allItems(inputCount) }], []];
}

const count = (n: number): string => n.toLocaleString('en-US');

/** The skipped rows by reason, e.g. ` 5 skipped: 5 duplicates (an email's last row is exported).` */
function skippedText({ skipped }: ExportSummary): string {
	const parts: string[] = [];
	if (skipped.duplicate > 0) {
		parts.push(`${count(skipped.duplicate)} duplicate${skipped.duplicate === 1 ? '' : 's'} (an email's last row is exported)`);
	}
	if (skipped.noConsent > 0) parts.push(`${count(skipped.noConsent)} without consent`);
	if (skipped.notInSelectedSegments > 0) parts.push(`${count(skipped.notInSelectedSegments)} in none of the selected segments`);
	const total = skipped.duplicate + skipped.noConsent + skipped.notInSelectedSegments;
	return total === 0 ? '' : ` ${count(total)} skipped: ${parts.join(', ')}.`;
}

/** The first file's columns, for mapping them: ` The file's columns: email, first_name.` */
function columnsText(columns: FileColumns | undefined): string {
	const first = columns?.values().next().value;
	if (first === undefined) return '';
	const shown = first.slice(0, 30).map((name) => `"${name}"`);
	const more = first.length > shown.length ? `, and ${first.length - shown.length} more` : '';
	const which = columns!.size > 1 ? "The first file's columns" : "The file's columns";
	return ` ${which} (for the field parameters): ${shown.join(', ')}${more}.`;
}

/** What Only Send Changes did, for the hint: ` 1,200 members unchanged: nothing was sent for them (Only Send Changes).` */
function changesText(summary: ExportSummary): string {
	const changes = summary.onlySendChanges;
	if (changes === undefined) return '';
	if (changes.path === 'sentAll') return ' Only Send Changes sent every member: reading the audience would have cost more calls (see onlySendChanges in the Summary).';
	const verb = summary.dryRun ? 'would be' : 'was';
	return ` ${count(summary.unchanged)} member${summary.unchanged === 1 ? '' : 's'} unchanged: nothing ${verb} sent for ${summary.unchanged === 1 ? 'it' : 'them'} (Only Send Changes).`;
}

/**
 * What the output pane says above the Summary when not every profile was exported, so that a
 * partial export never looks like a plain success and every row not exported is accounted for.
 */
export function summaryHint(summary: ExportSummary, columns?: FileColumns): NodeExecutionHint | undefined {
	const of = `${count(summary.exported)} of ${count(summary.profilesIn)} profiles`;
	const rows = summary.rejected === 1 ? '1 row was' : `${count(summary.rejected)} rows were`;
	const details = skippedText(summary) + changesText(summary);
	if (summary.dryRun) {
		const rejected = summary.rejected > 0 ? ` ${rows} rejected: see the Rejected output.` : '';
		return {
			type: 'info',
			location: 'outputPane',
			message: `Dry run: nothing was written. ${of} would be exported.${rejected}${details}${columnsText(columns)} ${
				summary.onlySendChanges?.path === 'compared'
					? "Created, updated and unchanged are predicted from the audience's members as read now."
					: "A dry run does not read the audience's members, so it cannot tell new members from existing ones (created and updated stay 0)."
			} The Summary's "checks" lists what was checked here and what only Mailchimp checks when written to.`,
		};
	}
	if (summary.partial) {
		return {
			type: 'warning',
			location: 'outputPane',
			message: `Partial export: ${of} exported. ${rows} not exported, some after Mailchimp kept failing: see the Rejected output for each reason.${details} Running the export again is safe: members already exported are updated, not duplicated.`,
		};
	}
	if (summary.rejected > 0) {
		return {
			type: 'warning',
			location: 'outputPane',
			message: `${of} exported; ${rows} rejected: see the Rejected output for each reason.${details}`,
		};
	}
	if (details !== '') return { type: 'info', location: 'outputPane', message: `${of} exported.${details}` };
	return undefined;
}

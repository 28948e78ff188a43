// The node's two outputs: Summary (one item, the core's summary) and Rejected (one item per
// rejected row, paired with the input item the row came from).

import type { IDataObject, INodeExecutionData, IPairedItemData, NodeExecutionHint } from 'n8n-workflow';

import type { ExportResult, ExportSummary, RejectedRow } from '../core/types';

/** The Summary item stands for the whole input: it is paired with every input item. */
export function allItems(count: number): IPairedItemData[] {
	return Array.from({ length: count }, (_, item) => ({ item }));
}

export function summaryItem(result: ExportResult, inputCount: number): INodeExecutionData {
	return { json: result.summary as unknown as IDataObject, pairedItem: allItems(inputCount) };
}

export function rejectedItem(row: RejectedRow): INodeExecutionData {
	const json: IDataObject = {
		email: row.email,
		reason: row.reason,
		field: row.field ?? null,
		code: row.code ?? null,
		index: row.index,
	};
	return { json, pairedItem: { item: row.itemIndex } };
}

/** `[[summary], rejected]`: what `execute` returns. */
export function exportOutputs(result: ExportResult, inputCount: number): INodeExecutionData[][] {
	return [[summaryItem(result, inputCount)], result.rejected.map(rejectedItem)];
}

/** With "continue on fail": the error as the Summary item, nothing rejected. */
export function errorOutputs(message: string, inputCount: number): INodeExecutionData[][] {
	return [[{ json: { error: message }, pairedItem: allItems(inputCount) }], []];
}

/**
 * What the output pane says above the Summary when not every profile was exported, so that a
 * partial export never looks like a plain success.
 */
export function summaryHint(summary: ExportSummary): NodeExecutionHint | undefined {
	const of = `${summary.exported.toLocaleString('en-US')} of ${summary.profilesIn.toLocaleString('en-US')} profiles`;
	const rows = summary.rejected === 1 ? '1 row was' : `${summary.rejected.toLocaleString('en-US')} rows were`;
	if (summary.dryRun) {
		return {
			type: 'info',
			location: 'outputPane',
			message: `Dry run: nothing was written. ${of} would be exported. The Summary's "checks" lists what was checked here and what only Mailchimp checks when written to.`,
		};
	}
	if (summary.partial) {
		return {
			type: 'warning',
			location: 'outputPane',
			message: `Partial export: ${of} exported. ${rows} not exported, some after Mailchimp kept failing: see the Rejected output for each reason. Running the export again is safe: members already exported are updated, not duplicated.`,
		};
	}
	if (summary.rejected > 0) {
		return {
			type: 'warning',
			location: 'outputPane',
			message: `${of} exported; ${rows} rejected: see the Rejected output for each reason.`,
		};
	}
	return undefined;
}

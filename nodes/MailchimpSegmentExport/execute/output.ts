// The node's two outputs: Summary (one item, the core's summary) and Rejected (one item per
// rejected row, paired with the input item the row came from).

import type { IDataObject, INodeExecutionData, IPairedItemData } from 'n8n-workflow';

import type { ExportResult, RejectedRow } from '../core/types';

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

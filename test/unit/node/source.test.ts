// Fast layer: where the profiles come from (input items or files), with the fake n8n context and
// no server.
import type { INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ProfileRow } from '../../../nodes/MailchimpSegmentExport/core/types';
import { FilesSeen, binarySource, findFiles, itemsSource, mappedColumns } from '../../../nodes/MailchimpSegmentExport/execute/source';
import { BinaryStore, binaryItem, createExecuteContext } from './context';

async function rowsOf(source: () => AsyncIterable<ProfileRow> | Iterable<ProfileRow>): Promise<ProfileRow[]> {
	const rows: ProfileRow[] = [];
	for await (const row of source()) rows.push(row);
	return rows;
}

describe('itemsSource', () => {
	it('one profile per item, each time it is read', async () => {
		const source = itemsSource([{ json: { email: 'a@x.io' } }, { json: { email: 'b@x.io' } }]);
		const expected = [
			{ index: 0, itemIndex: 0, data: { email: 'a@x.io' } },
			{ index: 1, itemIndex: 1, data: { email: 'b@x.io' } },
		];
		expect(await rowsOf(source)).toEqual(expected);
		expect(await rowsOf(source)).toEqual(expected);
	});
});

describe('findFiles', () => {
	it('the files of the items that carry the property, in item order', () => {
		const items: INodeExecutionData[] = [{ json: {}, binary: { data: binaryItem('email\n') } }, { json: {} }, { json: {}, binary: { data: binaryItem('email\n') } }];
		const ctx = createExecuteContext({ items });
		expect(findFiles(ctx, items, 'data').map((file) => file.itemIndex)).toEqual([0, 2]);
	});

	it('no item has the property: an error naming the binary fields the items do carry', () => {
		const items: INodeExecutionData[] = [{ json: {}, binary: { file: binaryItem('email\n') } }];
		const ctx = createExecuteContext({ items });
		let error: unknown;
		try {
			findFiles(ctx, items, 'data');
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error).toMatchObject({ message: 'No input item has a binary field named "data"', description: expect.stringContaining('"file"') });
	});
});

describe('binarySource', () => {
	it('the rows of every file, their lines and columns seen; a bad row passed on with its error', async () => {
		const store = new BinaryStore();
		const items: INodeExecutionData[] = [
			{ json: {}, binary: { data: binaryItem('email,segment\n\na@x.io,vip\nb@x.io\n', { store }) } },
			{ json: {}, binary: { data: binaryItem('email,segment\nc@x.io,all\n') } },
		];
		const ctx = createExecuteContext({ items, binaryStore: store });
		const seen = new FilesSeen();
		const source = binarySource(ctx, findFiles(ctx, items, 'data'), { fileFormat: 'csv' }, ['email'], seen);
		const rows = await rowsOf(source);
		expect(rows.map(({ index, itemIndex, error }) => ({ index, itemIndex, error }))).toEqual([
			{ index: 0, itemIndex: 0, error: undefined },
			{ index: 1, itemIndex: 0, error: 'Row 1 (line 4) has 1 field but the header has 2.' },
			{ index: 0, itemIndex: 1, error: undefined },
		]);
		expect(seen.lines.lineOf(0, 0)).toBe(3);
		expect(seen.columns.get(1)).toEqual(['email', 'segment']);
	});

	it('a mapped column the file does not have stops the export, naming the item', async () => {
		const items: INodeExecutionData[] = [{ json: {}, binary: { data: binaryItem('mail\na@x.io\n') } }];
		const ctx = createExecuteContext({ items });
		const source = binarySource(ctx, findFiles(ctx, items, 'data'), { fileFormat: 'csv' }, ['email']);
		await expect(rowsOf(source)).rejects.toThrow('The CSV file of input item 1 has no column "email"');
	});
});

describe('mappedColumns', () => {
	it('every column the mapping reads, once', () => {
		expect(
			mappedColumns({
				listId: 'l',
				mapping: { email: 'email', firstName: 'first', attributes: [{ mergeField: 'LTV', sourceField: 'ltv' }, { mergeField: 'X', sourceField: 'email' }] },
				segmentSource: { kind: 'field', field: 'segment' },
				selectedSegments: [],
				statusIfNew: 'subscribed',
				consentField: 'ok',
				removeMembersWhoLeft: false,
				dryRun: false,
				maxProfiles: 10,
				maxConcurrency: 1,
			}),
		).toEqual(['email', 'first', 'ltv', 'segment', 'ok']);
	});
});

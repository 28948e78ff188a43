// binarySource's row iterator: files in item order, each row's line recorded, errors naming the
// item, and a consumer that stops early closes the file it was reading.

import { Readable } from 'stream';
import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ProfileRow } from '../../../nodes/MailchimpSegmentExport/core/types';
import { FilesSeen, binarySource, type CarriedFile } from '../../../nodes/MailchimpSegmentExport/execute/source';

const node = { name: 'Export', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} } as unknown as INode;

function context(files: Record<string, string | (() => Readable)>, opened: Readable[] = []): IExecuteFunctions {
	return {
		getNode: () => node,
		helpers: {
			getBinaryStream: async (id: string) => {
				const content = files[id];
				const stream = typeof content === 'function' ? content() : Readable.from([Buffer.from(content)]);
				opened.push(stream);
				return stream;
			},
		},
	} as unknown as IExecuteFunctions;
}

const carried = (itemIndex: number, id: string): CarriedFile => ({
	itemIndex,
	binary: { id, data: '', mimeType: 'text/csv' },
});

async function collect(rows: AsyncIterable<ProfileRow> | Iterable<ProfileRow>): Promise<ProfileRow[]> {
	const out: ProfileRow[] = [];
	for await (const row of rows) out.push(row);
	return out;
}

describe('binarySource', () => {
	it('reads the files in item order, each row with its row number, item and line; every call reads again', async () => {
		const ctx = context({ a: 'email\na@x.io\n\nb@x.io\n', b: 'email\n"c@x.io"\n' });
		const seen = new FilesSeen();
		const source = binarySource(ctx, [carried(0, 'a'), carried(2, 'b')], { fileFormat: 'csv' }, ['email'], seen);
		const expected = [
			{ index: 0, itemIndex: 0, data: { email: 'a@x.io' } },
			{ index: 1, itemIndex: 0, data: { email: 'b@x.io' } },
			{ index: 0, itemIndex: 2, data: { email: 'c@x.io' } },
		];
		expect(await collect(source())).toEqual(expected);
		expect(await collect(source())).toEqual(expected);
		expect([seen.lines.lineOf(0, 0), seen.lines.lineOf(0, 1), seen.lines.lineOf(2, 0)]).toEqual([2, 4, 2]);
		expect(seen.columns.get(2)).toEqual(['email']);
	});

	it('passes a row the parser refuses on, with its error', async () => {
		const ctx = context({ a: '{"email":"a@x.io"}\nnot json\n' });
		const rows = await collect(binarySource(ctx, [carried(0, 'a')], { fileFormat: 'ndjson' })());
		expect(rows).toHaveLength(2);
		expect(rows[0]).toEqual({ index: 0, itemIndex: 0, data: { email: 'a@x.io' } });
		expect(rows[1]).toMatchObject({ index: 1, itemIndex: 0, data: undefined });
		expect(rows[1].error).toEqual(expect.any(String));
	});

	it('a file that cannot be read stops the rows with an error naming its item', async () => {
		const bad = Buffer.from([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x0a, 0xff, 0xfe, 0x0a]);
		const files = { a: 'email\na@x.io\n', b: () => Readable.from([bad]) };
		const source = binarySource(context(files), [carried(0, 'a'), carried(1, 'b')], { fileFormat: 'csv' });
		const seen: ProfileRow[] = [];
		const error = await (async () => {
			try {
				for await (const row of source()) seen.push(row);
			} catch (caught) {
				return caught;
			}
			return undefined;
		})();
		expect(seen).toHaveLength(1);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error).toMatchObject({ context: { itemIndex: 1 } });
	});

	it('a mapped column missing from a file stops the rows before its first row', async () => {
		const source = binarySource(context({ a: 'mail\na@x.io\n' }), [carried(0, 'a')], { fileFormat: 'csv' }, ['email']);
		await expect(collect(source())).rejects.toThrow('The CSV file of input item 1 has no column "email"');
	});

	it('a consumer that stops early closes the file being read, and the iterator ends', async () => {
		const opened: Readable[] = [];
		const many = 'email\n' + Array.from({ length: 5000 }, (_, i) => `p${i}@x.io`).join('\n') + '\n';
		const big = (): Readable => Readable.from(many.match(/[\s\S]{1,1000}/g)!.map((part) => Buffer.from(part)));
		const source = binarySource(context({ a: big, b: big }, opened), [carried(0, 'a'), carried(1, 'b')], { fileFormat: 'csv' });
		const rows = source() as AsyncIterableIterator<ProfileRow>;
		let count = 0;
		for await (const row of rows) {
			void row;
			if (++count === 3) break;
		}
		expect(opened).toHaveLength(1);
		expect(opened[0].destroyed).toBe(true);
		expect(await rows.next()).toEqual({ done: true, value: undefined });
		expect(opened).toHaveLength(1);
	});
});

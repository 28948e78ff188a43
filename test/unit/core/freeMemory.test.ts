// Typed arrays freed as soon as the export is done with them: emptied at once, their memory moved
// to buffers nothing holds; the index and the audience snapshot freed after the export counted
// its members, whether it finished or not.
import { runExport } from '../../../nodes/MailchimpSegmentExport/core';
import { freeNow } from '../../../nodes/MailchimpSegmentExport/core/freeMemory';
import { HashTable } from '../../../nodes/MailchimpSegmentExport/core/hashTable';
import { MemberIndex } from '../../../nodes/MailchimpSegmentExport/core/plan';
import { AudienceSnapshot } from '../../../nodes/MailchimpSegmentExport/core/snapshot';
import { mockRequest } from '../mockRequest';
import { checkInvariant, instantSleep, options, rowsOf } from './helpers';
import { LIST, MERGE_FIELDS, TAGS, mailchimp, people, problem } from './mocked';

describe('freeNow', () => {
	it('empties the arrays, once per buffer however many views share it', () => {
		const shared = new ArrayBuffer(64);
		const a = new Uint32Array(shared);
		const b = new Uint8Array(shared, 8, 8);
		const c = new Int32Array(16);
		freeNow(a, b, c, new Uint8Array(0));
		expect([a.length, b.length, c.length, shared.byteLength, c.buffer.byteLength]).toEqual([0, 0, 0, 0, 0]);
		expect(() => freeNow(a, c)).not.toThrow();
	});

	it('frees what a growing table leaves behind, and the table keeps what it holds', () => {
		const table = new HashTable(4);
		const hash = new Uint32Array(2);
		const hashOf = (ord: number): Uint32Array => {
			hash[0] = ord * 7919;
			hash[1] = ord * 104729;
			return hash;
		};
		for (let ord = 0; ord < 100; ord++) {
			if (ord === table.capacity) table.grow();
			table.setHash(ord, hashOf(ord));
			table.place(ord);
		}
		for (let ord = 0; ord < 100; ord++) expect(table.find(hashOf(ord))).toBe(ord);
		table.release();
		expect(table.capacity).toBe(0);
	});
});

describe('runExport frees the index and the snapshot after counting', () => {
	const answers = (members: object[]) =>
		mailchimp({
			[`GET /lists/${LIST}`]: { status: 200, body: { id: LIST, name: 'Shop', stats: { member_count: members.length } } },
			[`GET /lists/${LIST}/merge-fields`]: { status: 200, body: { merge_fields: MERGE_FIELDS.map(({ tag, type }) => ({ tag, type })) } },
			[`GET ${TAGS}`]: { status: 200, body: { segments: [{ id: 7, name: 'vip' }], total_items: 1 } },
			[`GET /lists/${LIST}/members`]: { status: 200, body: { members, total_items: members.length } },
		});

	afterEach(() => jest.restoreAllMocks());

	it('after a full export: the counts are whole, then the index is emptied', async () => {
		const released = jest.spyOn(MemberIndex.prototype, 'release');
		const { request } = mockRequest(answers([]));
		const { summary } = await runExport(rowsOf(people(1200)), options({ listId: LIST }), { request, sleep: instantSleep });
		expect(summary).toMatchObject({ exported: 1200, created: 1200, rejected: 0 });
		checkInvariant(summary);
		expect(released).toHaveBeenCalledTimes(1);
		expect((released.mock.contexts[0] as MemberIndex).rowIndex.length).toBe(0);
	});

	it('with Only Send Changes, the audience snapshot too', async () => {
		const released = jest.spyOn(AudienceSnapshot.prototype, 'release');
		const { request } = mockRequest(answers([{ email_address: 'someone@example.com', status: 'subscribed', merge_fields: {}, tags: [] }]));
		const { summary } = await runExport(rowsOf(people(3)), options({ listId: LIST, onlySendChanges: true }), { request, sleep: instantSleep });
		expect(summary.exported).toBe(3);
		expect(released).toHaveBeenCalledTimes(1);
	});

	it('after a failed export, once it has stopped', async () => {
		const released = jest.spyOn(MemberIndex.prototype, 'release');
		// The tags cannot be read: the export stops after pass 1 built the index.
		const { request } = mockRequest({ ...answers([]), [`GET ${TAGS}`]: problem(401, 'API Key Invalid') });
		await expect(runExport(rowsOf(people(10)), options({ listId: LIST }), { request, sleep: instantSleep })).rejects.toThrow(/API Key Invalid/);
		expect(released).toHaveBeenCalledTimes(1);
	});
});

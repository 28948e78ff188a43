// Field paths are data, not code: prototype paths neither pollute nor read inherited members,
// and huge paths or deep profiles neither hang nor crash.
import { ExportError, runExport } from '../../../nodes/MailchimpSegmentExport/core';
import { readCsvRows } from '../../../nodes/MailchimpSegmentExport/input';
import type { ProfileRow } from '../../../nodes/MailchimpSegmentExport/core';
import { type Audience, checkAccounting, exportOptions, recording, rowsOf, shortSleep, startAudience, writes } from './helpers';

let audience: Audience;
beforeAll(async () => {
	audience = await startAudience();
});
afterAll(() => audience.sim.stop());

const PROTO_PATHS = ['__proto__.polluted', 'constructor.prototype.x', '__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', '__proto__.__proto__.y', 'constructor.name', 'valueOf.call'];

function prototypeSnapshot(): string {
	return JSON.stringify([Object.prototype, Array.prototype, Function.prototype].map((p) => Object.getOwnPropertyNames(p).sort()));
}

const newList = () => audience.sim.state.addList({ name: 'paths', mergeFields: [{ tag: 'CITY', type: 'text' }] });

describe('field paths are data', () => {
	it.each(PROTO_PATHS)('mapping %s pollutes nothing and reads only the profile\'s own data', async (path) => {
		const before = prototypeSnapshot();
		const listId = newList();
		const data = [
			{ email: 'plain@example.com', segment: 'vip' },
			JSON.parse('{"email":"own@example.com","segment":"vip","__proto__":{"polluted":"own value","__proto__":{"y":"deep"}},"constructor":{"prototype":{"x":"own x"},"name":"own name"}}'),
			Object.assign(Object.create(null), { email: 'nullproto@example.com', segment: 'vip' }),
		];
		const rec = recording(audience.direct);
		const result = await runExport(
			rowsOf(data),
			exportOptions(listId, {
				mapping: { email: 'email', firstName: path, lastName: '', attributes: [{ mergeField: 'CITY', sourceField: path }] },
				consentField: undefined,
			}),
			{ request: rec.request, sleep: shortSleep },
		);
		checkAccounting(result, data.length);
		expect(prototypeSnapshot()).toBe(before);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(({} as Record<string, unknown>).x).toBeUndefined();
		// The plain profile has no such own field: nothing is sent for it (never an inherited function's text).
		expect(audience.sim.state.member(listId, 'plain@example.com')?.merge_fields).toEqual({});
		for (const r of rec.sent) expect(JSON.stringify(r.body ?? '')).not.toMatch(/function|\[native code\]|\[object Object\]/);
		expect(rec.schemaProblems).toEqual([]);
	});

	it('a prototype path as the email, segment or consent field pollutes nothing', async () => {
		const before = prototypeSnapshot();
		for (const path of PROTO_PATHS) {
			const listId = newList();
			const data = [{ email: 'a@example.com', segment: 'vip' }, JSON.parse(`{"email":"b@example.com","segment":"vip","__proto__":{"polluted":"x"}}`)];
			for (const over of [
				{ mapping: { email: path, attributes: [] } },
				{ segmentSource: { kind: 'field' as const, field: path } },
				{ consentField: path },
			]) {
				const result = await runExport(rowsOf(data), exportOptions(listId, over), { request: audience.direct, sleep: shortSleep });
				checkAccounting(result, data.length, path);
			}
		}
		expect(prototypeSnapshot()).toBe(before);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('a CSV column named __proto__ is just a column', async () => {
		const listId = newList();
		const csv = 'email,__proto__,segment\nc@example.com,{"polluted":1},vip\n';
		const source = async function* (): AsyncGenerator<ProfileRow> {
			for await (const r of readCsvRows([Buffer.from(csv)])) yield { index: r.row, itemIndex: 0, data: r.data, error: r.error };
		};
		const result = await runExport(source, exportOptions(listId, { mapping: { email: 'email', firstName: '__proto__', attributes: [] } }), {
			request: audience.direct,
			sleep: shortSleep,
		});
		expect(result.summary.exported).toBe(1);
		expect(audience.sim.state.member(listId, 'c@example.com')?.merge_fields.FNAME).toBe('{"polluted":1}');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it.each([
		['10,000 segments', Array.from({ length: 10_000 }, () => 'a').join('.')],
		['10,000 empty segments', '.'.repeat(9_999)],
		['a 1 MB path', 'x'.repeat(1_000_000)],
		['33 segments', Array.from({ length: 33 }, (_, i) => `k${i}`).join('.')],
	])('a path of %s is a clear error before any request that writes, in well under a second', async (_what, path) => {
		const lists: string[] = [];
		for (const over of [
			{ mapping: { email: path, attributes: [] } },
			{ mapping: { email: 'email', firstName: path, attributes: [] } },
			{ segmentSource: { kind: 'field' as const, field: path } },
			{ consentField: path },
		]) {
			const listId = newList();
			lists.push(listId);
			const started = Date.now();
			const error = await runExport(rowsOf([{ email: 'a@example.com', segment: 'vip' }]), exportOptions(listId, over), {
				request: audience.direct,
				sleep: shortSleep,
			}).catch((e: unknown) => e);
			expect(Date.now() - started).toBeLessThan(1000);
			expect(error).toBeInstanceOf(ExportError);
			expect((error as ExportError).message).toMatch(/too long|too many parts|Invalid export option/);
			expect((error as ExportError).message.length).toBeLessThan(300);
			expect((error as ExportError).description.length).toBeLessThan(300);
		}
		expect(writes(audience.sim).filter((e) => lists.some((id) => e.path.includes(id)))).toEqual([]);
	});

	it('a profile nested 10,000 deep (and a 32-part path into it) neither hangs nor overflows', async () => {
		const listId = newList();
		let deep: Record<string, unknown> = { leaf: 'Deep' };
		for (let i = 0; i < 10_000; i++) deep = { n: deep };
		const path = `${Array.from({ length: 31 }, () => 'n').join('.')}.leaf`;
		let shallow: Record<string, unknown> = { leaf: 'Found' };
		for (let i = 0; i < 31; i++) shallow = { n: shallow };
		const data = [
			{ email: 'deep@example.com', segment: 'vip', ...deep },
			{ email: 'shallow@example.com', segment: 'vip', ...shallow },
			{ email: 'obj@example.com', segment: 'vip', first: deep },
		];
		const started = Date.now();
		const result = await runExport(rowsOf(data), exportOptions(listId, { mapping: { email: 'email', firstName: path, lastName: 'first', attributes: [] } }), {
			request: audience.direct,
			sleep: shortSleep,
		});
		expect(Date.now() - started).toBeLessThan(2000);
		checkAccounting(result, 3);
		expect(audience.sim.state.member(listId, 'shallow@example.com')?.merge_fields.FNAME).toBe('Found');
		expect(result.rejected).toEqual([expect.objectContaining({ index: 2, field: 'LNAME', code: 'INVALID_VALUE' })]);
	});
});

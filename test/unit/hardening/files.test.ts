// CSV/NDJSON files through the readers into runExport against the simulator: a clear error
// before any write, or every row accounted for.
import { type ProfileRow, runExport } from '../../../nodes/MailchimpSegmentExport/core';
import { InputFileError, readCsvRows, readNdjsonRows } from '../../../nodes/MailchimpSegmentExport/input';
import type { ByteChunks } from '../../../nodes/MailchimpSegmentExport/input';
import { type Audience, checkAccounting, exportOptions, shortSleep, startAudience } from './helpers';

let audience: Audience;
beforeAll(async () => {
	audience = await startAudience();
});
afterAll(() => audience.sim.stop());

function fileSource(open: () => ByteChunks, format: 'csv' | 'ndjson'): () => AsyncIterable<ProfileRow> {
	return async function* () {
		const records = format === 'csv' ? readCsvRows(open()) : readNdjsonRows(open());
		for await (const r of records) yield r.error === undefined ? { index: r.row, itemIndex: 0, data: r.data } : { index: r.row, itemIndex: 0, data: undefined, error: r.error };
	};
}

async function exportFile(open: () => ByteChunks, format: 'csv' | 'ndjson') {
	const listId = audience.sim.state.addList({ name: 'file', mergeFields: [] });
	const outcome = await runExport(fileSource(open, format), exportOptions(listId, { mapping: { email: 'email', firstName: 'first', attributes: [] } }), {
		request: audience.direct,
		sleep: shortSleep,
	}).then((result) => ({ result, error: undefined }), (error: unknown) => ({ result: undefined, error }));
	const writes = audience.sim.state.requestLog.filter((e) => e.method !== 'GET' && e.path.includes(listId));
	return { ...outcome, writes, listId };
}

const bytes = (s: string | Buffer) => () => [typeof s === 'string' ? Buffer.from(s, 'utf8') : s];
/** A header, then one row whose `first` is `mb` MiB long, produced lazily. */
function* hugeLine(format: 'csv' | 'ndjson', mb: number): Generator<Buffer> {
	yield Buffer.from(format === 'csv' ? 'email,first,segment\nok@example.com,A,vip\nbig@example.com,' : '{"email":"ok@example.com","first":"A","segment":"vip"}\n{"email":"big@example.com","segment":"vip","first":"');
	const chunk = Buffer.alloc(1024 * 1024, 0x61);
	for (let i = 0; i < mb; i++) yield chunk;
	yield Buffer.from(format === 'csv' ? ',vip\nlast@example.com,Z,vip\n' : '"}\n{"email":"last@example.com","first":"Z","segment":"vip"}\n');
}

describe('files at the export level', () => {
	it.each([
		['CSV truncated inside a quote', 'csv', 'email,first,segment\na@example.com,"Ann,vip\n', 'TRUNCATED_QUOTE'],
		['CSV with invalid UTF-8', 'csv', Buffer.concat([Buffer.from('email,first,segment\na@example.com,'), Buffer.from([0xc3, 0x28]), Buffer.from(',vip\n')]), 'INVALID_UTF8'],
		['NDJSON with invalid UTF-8', 'ndjson', Buffer.concat([Buffer.from('{"email":"a@example.com","segment":"vip","first":"'), Buffer.from([0xff]), Buffer.from('"}\n')]), 'INVALID_UTF8'],
	] as const)('%s: a clear error before any write', async (_name, format, content, reason) => {
		const { error, writes } = await exportFile(bytes(content), format);
		expect(error).toBeInstanceOf(InputFileError);
		expect((error as InputFileError).reason).toBe(reason);
		expect((error as InputFileError).message).toMatch(/line \d+/);
		expect(writes).toEqual([]);
	});

	it('CSV with a 100 MB line: a clear error before any write, without reading the whole line into memory', async () => {
		const { error, writes } = await exportFile(() => hugeLine('csv', 100), 'csv');
		expect(error).toBeInstanceOf(InputFileError);
		expect((error as InputFileError).reason).toMatch(/TOO_LARGE/);
		expect(writes).toEqual([]);
	});

	it('NDJSON with a 100 MB line: that row is rejected with the reason, the others exported', async () => {
		const { result, error } = await exportFile(() => hugeLine('ndjson', 100), 'ndjson');
		expect(error).toBeUndefined();
		checkAccounting(result!, 3);
		expect(result!.summary.exported).toBe(2);
		expect(result!.rejected).toEqual([expect.objectContaining({ index: 1, code: 'UNREADABLE_ROW', reason: expect.stringMatching(/Row 1 \(line 2\)/) })]);
	}, 60_000);

	it.each([
		['CSV truncated mid-row', 'csv', 'email,first,segment\na@example.com,A,vip\nb@exam', { exported: 1, rejected: 1 }],
		['NDJSON truncated mid-line', 'ndjson', '{"email":"a@example.com","first":"A","segment":"vip"}\n{"email":"b@ex', { exported: 1, rejected: 1 }],
		['CSV with a BOM and CRLF line ends', 'csv', '\ufeffemail,first,segment\r\na@example.com,A,vip\r\nb@example.com,B,vip\r\n', { exported: 2, rejected: 0 }],
		['CSV with quoted newlines', 'csv', 'email,first,segment\na@example.com,"Ann\nMarie",vip\nb@example.com,"B ""q""",vip\n', { exported: 2, rejected: 0 }],
		// At the core level the rows are skipped (no segment column); the node refuses such a file before any request (its column check).
		['CSV with the wrong delimiter (semicolons read as commas)', 'csv', 'email;first;segment\na@example.com;A;vip\nb@example.com;B;vip\n', { exported: 0, rejected: 0, skipped: { notInSelectedSegments: 2 } }],
		['CSV without an email column', 'csv', 'mail,first,segment\na@example.com,A,vip\n', { exported: 0, rejected: 1 }],
		['CSV with a row of the wrong width', 'csv', 'email,first,segment\na@example.com,A,vip,extra\nb@example.com,B,vip\n', { exported: 1, rejected: 1 }],
		['NDJSON with a line that is not an object', 'ndjson', '[1,2]\n{"email":"b@example.com","segment":"vip"}\n', { exported: 1, rejected: 1 }],
		['an empty CSV file', 'csv', '', { exported: 0, rejected: 0 }],
		['an empty NDJSON file', 'ndjson', '', { exported: 0, rejected: 0 }],
	] as const)('%s: every row accounted for', async (_name, format, content, counts) => {
		const { result, error, writes, listId } = await exportFile(bytes(content), format);
		expect(error).toBeUndefined();
		const rows = result!.summary.profilesIn;
		checkAccounting(result!, rows);
		expect(result!.summary).toMatchObject(counts);
		for (const r of result!.rejected) expect(r.reason.length).toBeGreaterThan(10);
		expect(audience.sim.state.list(listId)!.members.size).toBe(counts.exported);
		// No member is written when none is exported (an empty tag may still be created: see the hardening report).
		if (counts.exported === 0) expect(writes.filter((e) => /\/lists\/[^/]+$/.test(e.path))).toEqual([]);
	});

	it('the wrong delimiter and a missing email column say which field is missing', async () => {
		const { result } = await exportFile(bytes('email;first;segment\na@example.com;A;vip\n'), 'csv');
		// The segment column is missing too, so the row is skipped, not rejected: nothing is half-silent.
		expect(result!.summary.profilesIn).toBe(1);
	});
});

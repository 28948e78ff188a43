// execute with CSV and NDJSON files carried by the input items, read as streams.

import { NodeOperationError } from 'n8n-workflow';

import { start, type Simulator } from '../../simulator/server';
import { API_KEY_CREDENTIAL, BinaryStore, apiKeyCredentials, audience, binaryItem, runNode } from './context';

let sim: Simulator;
let listId: string;

beforeAll(async () => {
	sim = await start({ port: 0 });
});
afterAll(async () => {
	await sim.stop();
});
beforeEach(() => {
	sim.state.reset();
	listId = sim.state.addList({ name: 'Customers', mergeFields: [{ tag: 'LTV', name: 'Lifetime value', type: 'number' }] });
});

const credentials = () => ({ [API_KEY_CREDENTIAL]: apiKeyCredentials(sim) });

const csvA = [
	'email,first_name,segment,ltv',
	'ann@example.com,Ann,VIP,1200',
	'broken@example.com,Too,Many,Fields,Here',
	'bob@example.com,Bob,VIP,80',
].join('\r\n');
const csvB = ['email,first_name,segment,ltv', 'cy@example.com,Cy,Churn risk,5', 'bad address,Dee,VIP,1'].join('\n');

describe('execute: binary CSV input', () => {
	it('streams every carried file into one export; rejected rows point at their file row and item', async () => {
		const store = new BinaryStore();
		const { summary, rejected, context } = await runNode({
			items: [
				{ json: { file: 'a' }, binary: { data: binaryItem(csvA, { store }) } },
				{ json: { note: 'no file here' } },
				{ json: { file: 'b' }, binary: { data: binaryItem(csvB) } },
			],
			binaryStore: store,
			credentials: credentials(),
			params: {
				audience: audience(listId),
				inputSource: 'binary',
				fileFormat: 'csv',
				firstNameField: 'first_name',
				segmentField: 'segment',
				attributes: { attribute: [{ mergeField: 'LTV', sourceField: 'ltv' }] },
			},
		});

		expect(summary[0].json).toMatchObject({ profilesIn: 5, exported: 3, rejected: 2 });
		expect(summary[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(sim.state.member(listId, 'ann@example.com')?.merge_fields).toMatchObject({ FNAME: 'Ann', LTV: 1200 });
		expect(sim.state.tagMembers(listId, 'VIP').sort()).toEqual(['ann@example.com', 'bob@example.com']);
		expect(sim.state.tagMembers(listId, 'Churn risk')).toEqual(['cy@example.com']);

		// Row 1 of file a (its second data row) and row 1 of file b.
		expect(rejected).toHaveLength(2);
		expect(rejected[0]).toMatchObject({ json: { index: 1, line: 3, code: 'UNREADABLE_ROW', email: '' }, pairedItem: { item: 0 } });
		expect(String(rejected[0].json.reason)).toMatch(/field/i);
		expect(rejected[1]).toMatchObject({
			json: { email: 'bad address', code: 'INVALID_EMAIL', index: 1, line: 3 },
			pairedItem: { item: 2 },
		});

		// The stored file is read as a stream, in chunks, once per pass of the core.
		expect(store.opened.length).toBeGreaterThanOrEqual(1);
		expect(store.opened.every((open) => open.chunkSize !== undefined && open.chunkSize > 0)).toBe(true);
		expect(context.requests.length).toBeGreaterThan(0);
	});

	it('numbers rejected rows by their line in the file, as an editor or a spreadsheet does', async () => {
		const csv = [
			'email,note,segments',
			'',
			'ok@example.com,"two',
			'lines",VIP',
			'',
			'bad address,x,VIP',
			'second bad,y,VIP',
		].join('\n');
		const { rejected } = await runNode({
			items: [{ json: {}, binary: { data: binaryItem(csv) } }],
			credentials: credentials(),
			params: { audience: audience(listId), inputSource: 'binary' },
		});
		expect(rejected.map((item) => [item.json.index, item.json.line])).toEqual([
			[1, 6],
			[2, 7],
		]);
	});

	it('a dry run lists the columns of the file, in the Summary and in the output pane', async () => {
		const { summary, context } = await runNode({
			items: [{ json: {}, binary: { data: binaryItem('email,first_name,segments,ltv\nann@example.com,Ann,VIP,3\n') } }],
			credentials: credentials(),
			params: { audience: audience(listId), inputSource: 'binary', firstNameField: 'first_name', options: { dryRun: true } },
		});
		expect(summary[0].json).toMatchObject({ dryRun: true, files: [{ inputItem: 1, columns: ['email', 'first_name', 'segments', 'ltv'] }] });
		expect(context.hints[0].message).toContain('The file\'s columns (for the field parameters): "email", "first_name", "segments", "ltv".');
		expect(sim.state.member(listId, 'ann@example.com')).toBeUndefined();
	});

	it('a real run does not add the columns to the Summary', async () => {
		const { summary } = await runNode({
			items: [{ json: {}, binary: { data: binaryItem('email,segments\nann@example.com,VIP\n') } }],
			credentials: credentials(),
			params: { audience: audience(listId), inputSource: 'binary' },
		});
		expect(summary[0].json.files).toBeUndefined();
	});

	it('reads a semicolon-separated file when Delimiter says so', async () => {
		const { summary } = await runNode({
			items: [{ json: {}, binary: { data: binaryItem('email;segments\nsemi@example.com;"VIP, Churn risk"\n') } }],
			credentials: credentials(),
			params: { audience: audience(listId), inputSource: 'binary', csvDelimiter: ';' },
		});
		expect(summary[0].json).toMatchObject({ exported: 1, rejected: 0 });
		expect(sim.state.tagMembers(listId, 'VIP')).toContain('semi@example.com');
		expect(sim.state.tagMembers(listId, 'Churn risk')).toContain('semi@example.com');
	});

	it('a custom binary property name', async () => {
		const { summary } = await runNode({
			items: [{ json: {}, binary: { profiles: binaryItem('email,segments\nz@example.com,VIP\n') } }],
			credentials: credentials(),
			params: { audience: audience(listId), inputSource: 'binary', binaryProperty: 'profiles' },
		});
		expect(summary[0].json).toMatchObject({ exported: 1 });
	});

	it('no item carries the binary property: an error that names the properties found', async () => {
		const run = runNode({
			items: [{ json: {}, binary: { file: binaryItem('email\n') } }],
			credentials: credentials(),
			params: { audience: audience(listId), inputSource: 'binary' },
		});
		await expect(run).rejects.toThrow(NodeOperationError);
		await expect(run).rejects.toMatchObject({
			message: 'No input item has a binary field named "data"',
			description: expect.stringContaining('"file"'),
		});
		expect(sim.state.requestLog).toHaveLength(0);
	});

	it('a mapped column missing from the CSV header stops the export before anything is written', async () => {
		const run = runNode({
			items: [{ json: {}, binary: { data: binaryItem('mail;segments\na@example.com;VIP\n') } }],
			credentials: credentials(),
			params: { audience: audience(listId), inputSource: 'binary' },
		});
		await expect(run).rejects.toMatchObject({
			message: expect.stringContaining('has no column "email"'),
			description: expect.stringContaining('semicolons'),
		});
		expect(sim.state.member(listId, 'a@example.com')).toBeUndefined();
	});

	it('a file that cannot be read (invalid UTF-8) stops the export naming the item', async () => {
		const bytes = Buffer.concat([Buffer.from('email,segments\na@example.com,VIP\nb@ex'), Buffer.from([0xff, 0xfe]), Buffer.from('.com,VIP\n')]);
		const run = runNode({
			items: [{ json: {} }, { json: {}, binary: { data: binaryItem(bytes) } }],
			credentials: credentials(),
			params: { audience: audience(listId), inputSource: 'binary' },
		});
		await expect(run).rejects.toMatchObject({
			message: 'The input file cannot be read (input item 2)',
			description: expect.stringContaining('UTF-8'),
		});
		expect(sim.state.member(listId, 'a@example.com')).toBeUndefined();
	});

	it('reads a Windows-1252 file from Excel when File Encoding says so', async () => {
		// "Zoë Dupré €" in Windows-1252 (ë 0xEB, é 0xE9, € 0x80).
		const bytes = Buffer.concat([
			Buffer.from('email,first_name,segments\r\nzoe@example.com,Zo'),
			Buffer.from([0xeb, 0x20, 0x44, 0x75, 0x70, 0x72, 0xe9, 0x20, 0x80]),
			Buffer.from(',VIP\r\n'),
		]);
		const { summary } = await runNode({
			items: [{ json: {}, binary: { data: binaryItem(bytes) } }],
			credentials: credentials(),
			params: { audience: audience(listId), inputSource: 'binary', fileEncoding: 'windows-1252', firstNameField: 'first_name' },
		});
		expect(summary[0].json).toMatchObject({ exported: 1 });
		expect(sim.state.member(listId, 'zoe@example.com')?.merge_fields).toMatchObject({ FNAME: 'Zoë Dupré €' });
	});

	it('a UTF-16 file read as UTF-8 stops the export, naming UTF-16LE', async () => {
		const run = runNode({
			items: [{ json: {}, binary: { data: binaryItem(Buffer.from('\ufeffemail,segments\na@example.com,VIP\n', 'utf16le')) } }],
			credentials: credentials(),
			params: { audience: audience(listId), inputSource: 'binary' },
		});
		await expect(run).rejects.toMatchObject({
			message: 'The input file cannot be read (input item 1)',
			description: expect.stringContaining('Choose UTF-16LE under File Encoding'),
		});
		expect(sim.state.member(listId, 'a@example.com')).toBeUndefined();
	});
});

describe('execute: binary NDJSON input', () => {
	it('reads one JSON object per line; bad lines are rejected with their row number', async () => {
		const store = new BinaryStore();
		const ndjson = [
			JSON.stringify({ contact: { email: 'n1@example.com' }, segments: ['A', 'B'], ltv: 3 }),
			'{"contact": {"email": "n2@example.com"',
			'',
			JSON.stringify({ contact: { email: 'n3@example.com' }, segments: 'A' }),
			'[1,2,3]',
		].join('\n');
		const { summary, rejected } = await runNode({
			items: [{ json: {}, binary: { data: binaryItem(ndjson, { store, fileName: 'p.ndjson', mimeType: 'application/x-ndjson' }) } }],
			binaryStore: store,
			credentials: credentials(),
			params: {
				audience: audience(listId),
				inputSource: 'binary',
				fileFormat: 'ndjson',
				emailField: 'contact.email',
				attributes: { attribute: [{ mergeField: 'LTV', sourceField: 'ltv' }] },
			},
		});
		expect(summary[0].json).toMatchObject({ profilesIn: 4, exported: 2, rejected: 2 });
		expect(sim.state.member(listId, 'n1@example.com')?.merge_fields).toMatchObject({ LTV: 3 });
		expect(sim.state.tagMembers(listId, 'A').sort()).toEqual(['n1@example.com', 'n3@example.com']);
		expect(rejected.map((item) => [item.json.index, item.pairedItem])).toEqual([
			[1, { item: 0 }],
			[3, { item: 0 }],
		]);
	});
});

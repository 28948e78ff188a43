// Secrets: the API key and the OAuth token never reach the report, a rejected row or an
// ExportError (message or description), whatever the network or Mailchimp put them in.
import { type ApiRequest, type ApiResponse, ExportError, type RequestFn, runExport } from '../../../nodes/MailchimpSegmentExport/core';
import { problemText, redact } from '../../../nodes/MailchimpSegmentExport/core/redact';
import { type Audience, exportOptions, rowsOf, shortSleep, startAudience } from './helpers';

const KEY = '0123456789abcdef0123456789abcdef-us6';
/** Mailchimp OAuth tokens are 32 hex characters, without a data center. */
const TOKEN = 'fedcba9876543210fedcba9876543210';
const SECRETS = [KEY, TOKEN];

/** Any 8 consecutive characters of a secret: a cut-off key is still a leak. */
function leaks(text: string): string[] {
	const found: string[] = [];
	for (const secret of SECRETS) {
		for (let i = 0; i + 8 <= secret.length; i++) {
			const part = secret.slice(i, i + 8);
			if (text.includes(part)) {
				found.push(`${part} (of ${secret === KEY ? 'the key' : 'the token'})`);
				break;
			}
		}
	}
	return found;
}

function everythingOf(outcome: { result?: unknown; error?: unknown }): string {
	const e = outcome.error;
	if (e instanceof Error) {
		const { message, name } = e;
		return JSON.stringify({ error: { name, message, description: (e as ExportError).description, partial: (e as { partial?: unknown }).partial } });
	}
	return JSON.stringify(outcome);
}

/** The places a secret shows up in real failures. */
const CARRIERS = [
	(s: string) => s,
	(s: string) => `${'x'.repeat(170)} ${s}`, // at the 200-character cut
	(s: string) => `${'y'.repeat(480)}: ${s}`, // at the 500-character cut
	(s: string) => `Authorization: Bearer ${s}`,
	(s: string) => `Authorization: OAuth ${s}`,
	(s: string) => `Authorization: Basic ${Buffer.from(`anystring:${s}`).toString('base64')}`,
	(s: string) => `connect ECONNREFUSED https://anystring:${s}@us6.api.mailchimp.com/3.0/lists`,
	(s: string) => `GET https://us6.api.mailchimp.com/3.0/lists?access_token=${s}&count=10 failed`,
	(s: string) => `apikey=${s}`,
	(s: string) => `the key ${s.toUpperCase()} is wrong`,
];

const carried = (): string[] => CARRIERS.flatMap((carry) => SECRETS.map((secret) => carry(secret)));

let audience: Audience;
beforeAll(async () => {
	// Tags go by tag calls here (Mailchimp ignoring the upsert's tags), so that their errors can carry secrets.
	audience = await startAudience({ behaviour: { batchTags: 'ignore' } });
});
afterAll(() => audience.sim.stop());

const people = (n: number) => Array.from({ length: n }, (_, i) => ({ email: `p${i}@example.com`, first: 'P', segment: 'vip', city: 'X' }));

/** Runs an export with `inject` answering (or throwing for) some requests instead of the simulator. */
async function runWith(inject: (r: ApiRequest) => Promise<ApiResponse> | undefined, rows = 3): Promise<string> {
	const request: RequestFn = (r) => inject(r) ?? audience.direct(r);
	const listId = audience.sim.state.addList({ name: 'secrets', mergeFields: [] });
	const outcome = await runExport(rowsOf(people(rows)), exportOptions(listId, { retry: { maxTries: 2, baseDelayMs: 0, maxDelayMs: 0 } }), {
		request,
		sleep: shortSleep,
	}).then(
		(result) => ({ result }),
		(error: unknown) => ({ error }),
	);
	return everythingOf(outcome);
}

const isUpsert = (r: ApiRequest) => r.method === 'POST' && /^\/lists\/[^/]+$/.test(r.path);
const isTagCall = (r: ApiRequest) => r.method === 'POST' && /^\/lists\/[^/]+\/segments\/\d+$/.test(r.path);

describe('secrets never reach the report or the errors', () => {
	it('redact() removes keys, tokens and auth headers wherever they are', () => {
		for (const text of carried()) expect(leaks(redact(text))).toEqual([]);
	});

	it('problemText() redacts before it cuts (a key at the cut is not left half-visible)', () => {
		for (const text of carried()) {
			expect(leaks(problemText({ title: 'Internal Server Error', detail: text }))).toEqual([]);
			expect(leaks(problemText(text))).toEqual([]);
			expect(leaks(problemText({ title: text, detail: 'x' }))).toEqual([]);
		}
	});

	it.each(carried().map((t, i) => [i, t]))('network error carrying a secret (%i): BATCH_FAILED reason is clean', async (_i, text) => {
		const out = await runWith((r) => (isUpsert(r) ? Promise.reject(new Error(text)) : undefined));
		expect(out).toContain('BATCH_FAILED');
		expect(leaks(out)).toEqual([]);
	});

	it.each(carried().map((t, i) => [i, t]))('5xx problem detail echoing a secret (%i): clean', async (_i, text) => {
		const out = await runWith((r) =>
			isUpsert(r) ? Promise.resolve({ status: 503, body: { title: 'Service Unavailable', detail: text } }) : undefined,
		);
		expect(out).toContain('BATCH_FAILED');
		expect(leaks(out)).toEqual([]);
	});

	it.each(carried().map((t, i) => [i, t]))('row errors inside a 200 echoing a secret (%i): clean', async (_i, text) => {
		const out = await runWith((r) => {
			if (!isUpsert(r)) return undefined;
			const members = (r.body as { members: Array<{ email_address: string }> }).members;
			return Promise.resolve({
				status: 200,
				body: {
					new_members: [],
					updated_members: [],
					errors: members.map((m) => ({ email_address: m.email_address, error: text, error_code: 'ERROR_GENERIC', field: 'FNAME', field_message: text })),
				},
			});
		});
		expect(out).toContain('ERROR_GENERIC');
		expect(leaks(out)).toEqual([]);
	});

	it.each(carried().map((t, i) => [i, t]))('tag call errors echoing a secret (%i): clean', async (_i, text) => {
		const out = await runWith((r) => {
			if (!isTagCall(r)) return undefined;
			const add = (r.body as { members_to_add: string[] }).members_to_add;
			return Promise.resolve({ status: 200, body: { members_added: [], total_added: 0, errors: [{ email_addresses: add, error: text }], error_count: add.length } });
		});
		expect(out).toContain('not tagged');
		expect(leaks(out)).toEqual([]);
	});

	it.each(carried().map((t, i) => [i, t]))('export-level failures echoing a secret (%i): message and description clean', async (_i, text) => {
		const outs = [
			// 403 with an explanation: ExportError (no permission)
			await runWith((r) => (r.method === 'GET' ? Promise.resolve({ status: 403, body: { title: 'Forbidden', detail: `User ${text} lacks access` } }) : undefined)),
			// 400 on reading the audience: ExportError with Mailchimp's text as description
			await runWith((r) => (r.method === 'GET' ? Promise.resolve({ status: 400, body: { title: 'Invalid Resource', detail: text } }) : undefined)),
			// network failure for good on the first read
			await runWith((r) => (r.method === 'GET' ? Promise.reject(new Error(text)) : undefined)),
			// 500 for good on creating a tag
			await runWith((r) =>
				r.method === 'POST' && r.path.endsWith('/segments') ? Promise.resolve({ status: 500, body: { title: text, detail: text } }) : undefined,
			),
			// a non-Error rejection
			await runWith((r) => (r.method === 'GET' ? Promise.reject(text) : undefined)),
		];
		for (const out of outs) {
			expect(out).toContain('"error"');
			expect(leaks(out)).toEqual([]);
		}
	});

	it('a 401 from Mailchimp is an ExportError without the key', async () => {
		const out = await runWith(() => Promise.resolve({ status: 401, body: { title: 'API Key Invalid', detail: `Key ${KEY} is invalid` } }));
		expect(out).toContain('API Key Invalid');
		expect(leaks(out)).toEqual([]);
	});
});

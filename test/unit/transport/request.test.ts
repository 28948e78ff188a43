import type { IAdditionalCredentialOptions, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	createRequestFn,
	credentialTypeFor,
	DEFAULT_TIMEOUT_MS,
} from '../../../nodes/MailchimpSegmentExport/transport/request';
import { jsonBody } from '../../../nodes/MailchimpSegmentExport/core/jsonBody';

const KEY = '0123456789abcdef0123456789abcdef-us6';
const TOKEN = 'oauth-token-5f4dcc3b5aa765d61d8327deb882cf99';

interface Calls {
	getCredentials: string[];
	httpRequest: IHttpRequestOptions[];
	withAuth: Array<{ credentialType: string; options: IHttpRequestOptions; additional?: IAdditionalCredentialOptions }>;
}

interface MockOptions {
	credentials: Record<string, unknown>;
	httpRequest?: (options: IHttpRequestOptions) => Promise<unknown>;
	withAuth?: (options: IHttpRequestOptions) => Promise<unknown>;
}

/** An execute context whose helpers record every call. */
function mockContext({ credentials, httpRequest, withAuth }: MockOptions) {
	const calls: Calls = { getCredentials: [], httpRequest: [], withAuth: [] };
	const node = {
		id: 'n1',
		name: 'Mailchimp Segment Export',
		type: 'n8n-nodes-mailchimp-segments.mailchimpSegmentExport',
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters: {},
		credentials: {
			mailchimpSegmentsApi: { id: '1', name: 'Mailchimp account' },
			mailchimpSegmentsOAuth2Api: { id: '2', name: 'Mailchimp OAuth' },
		},
	};
	const ctx = {
		getNode: () => node,
		getCredentials: async (type: string) => {
			calls.getCredentials.push(type);
			return credentials;
		},
		getExecutionCancelSignal: () => undefined,
		helpers: {
			httpRequest: async (options: IHttpRequestOptions) => {
				calls.httpRequest.push(options);
				if (!httpRequest) throw new Error('unexpected httpRequest');
				return httpRequest(options);
			},
			httpRequestWithAuthentication: async (credentialType: string, options: IHttpRequestOptions, additional?: IAdditionalCredentialOptions) => {
				calls.withAuth.push({ credentialType, options, additional });
				if (!withAuth) throw new Error('unexpected httpRequestWithAuthentication');
				return withAuth(options);
			},
		},
	};
	return { ctx: ctx as unknown as IExecuteFunctions, calls };
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
	try {
		await promise;
	} catch (error) {
		return error as Error;
	}
	throw new Error('expected a rejection');
}

function totalRequests(calls: Calls): number {
	return calls.httpRequest.length + calls.withAuth.length;
}

describe('createRequestFn with an API key', () => {
	it('sends each request to the data center of the key, authenticated by n8n', async () => {
		const { ctx, calls } = mockContext({
			credentials: { apiKey: KEY, consent: true, baseUrl: '' },
			withAuth: async () => ({ statusCode: 200, body: { health_status: "Everything's Chimpy!" }, headers: {} }),
		});
		const request = await createRequestFn(ctx, 'apiKey');
		expect(totalRequests(calls)).toBe(0);

		const response = await request({ method: 'GET', path: '/ping', qs: { fields: 'health_status' } });
		expect(response).toEqual({ status: 200, body: { health_status: "Everything's Chimpy!" } });
		expect(calls.withAuth).toHaveLength(1);
		expect(calls.withAuth[0].credentialType).toBe('mailchimpSegmentsApi');
		expect(calls.withAuth[0].options).toMatchObject({
			method: 'GET',
			url: 'https://us6.api.mailchimp.com/3.0/ping',
			qs: { fields: 'health_status' },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: DEFAULT_TIMEOUT_MS,
		});
		expect(calls.withAuth[0].options.body).toBeUndefined();
	});

	it('reads the credential once: every request hands n8n the decrypted credential', async () => {
		const credentials = { apiKey: KEY, consent: true, baseUrl: '' };
		const { ctx, calls } = mockContext({ credentials, withAuth: async () => ({ statusCode: 200, body: {} }) });
		const request = await createRequestFn(ctx, 'apiKey');
		for (let i = 0; i < 3; i++) await request({ method: 'POST', path: '/lists/abc', body: { members: [] } });
		expect(calls.getCredentials).toEqual(['mailchimpSegmentsApi']);
		expect(calls.withAuth.map((call) => call.additional)).toEqual(
			Array(3).fill({ credentialsDecrypted: { id: '1', name: 'Mailchimp account', type: 'mailchimpSegmentsApi', data: credentials } }),
		);
	});

	it('sends to the base URL when set, with the body and timeout given', async () => {
		const { ctx, calls } = mockContext({
			credentials: { apiKey: KEY, consent: true, baseUrl: 'http://127.0.0.1:4010/3.0/' },
			withAuth: async () => ({ statusCode: 200, body: {} }),
		});
		const request = await createRequestFn(ctx, 'apiKey', { timeoutMs: 5000 });
		await request({ method: 'POST', path: '/lists/abc', body: { members: [] } });
		expect(calls.withAuth[0].options).toMatchObject({
			method: 'POST',
			url: 'http://127.0.0.1:4010/3.0/lists/abc',
			body: { members: [] },
			timeout: 5000,
		});
	});


	it('sends a pre-serialised body as its JSON text (a Buffer n8n and axios pass on untouched), typed application/json', async () => {
		const { ctx, calls } = mockContext({ credentials: { apiKey: KEY, consent: true, baseUrl: '' }, withAuth: async () => ({ statusCode: 200, body: {} }) });
		const request = await createRequestFn(ctx, 'apiKey');
		const text = '{"members":[{"email_address":"zoë@example.com","status_if_new":"subscribed"}],"update_existing":true}';
		await request({ method: 'POST', path: '/lists/abc', body: jsonBody(Buffer.from(text, 'utf8'), ['members', 'update_existing'], 1) });
		const { body, headers } = calls.withAuth[0].options;
		expect(Buffer.isBuffer(body)).toBe(true);
		expect((body as Buffer).toString('utf8')).toBe(text);
		expect(headers).toEqual({ 'content-type': 'application/json' });
	});
	it("moves a parsed answer out of the helper's object, so that what n8n keeps of the request holds none of it", async () => {
		const members = [{ email_address: 'a@example.com', tags: [{ id: 1 }] }];
		const parsed: Record<string, unknown> = JSON.parse('{"new_members":[],"errors":[],"__proto__":{"polluted":true}}') as Record<string, unknown>;
		parsed.new_members = members;
		const list = [{ id: 'l1' }, { id: 'l2' }];
		const answers = [parsed, list];
		const { ctx } = mockContext({ credentials: { apiKey: KEY, consent: true }, withAuth: async () => ({ statusCode: 200, body: answers.shift() }) });
		const request = await createRequestFn(ctx, 'apiKey');

		const first = await request({ method: 'POST', path: '/lists/abc' });
		expect(Object.keys(parsed)).toEqual([]);
		expect((first.body as Record<string, unknown>).new_members).toBe(members);
		expect(Object.keys(first.body as object)).toEqual(['new_members', 'errors', '__proto__']);
		expect(Object.getPrototypeOf(first.body)).toBe(Object.prototype);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();

		const second = await request({ method: 'GET', path: '/lists' });
		expect(list).toEqual([]);
		expect(second.body).toEqual([{ id: 'l1' }, { id: 'l2' }]);
	});

	it('resolves 4xx and 5xx answers, parsing problem+json text', async () => {
		const problem = { title: 'API Key Invalid', status: 401, detail: 'Your API key may be invalid.' };
		const { ctx } = mockContext({
			credentials: { apiKey: KEY, consent: true },
			withAuth: async () => ({ statusCode: 401, body: JSON.stringify(problem) }),
		});
		const request = await createRequestFn(ctx, 'apiKey');
		await expect(request({ method: 'GET', path: '/ping' })).resolves.toEqual({ status: 401, body: problem });
	});

	it('resolves when the helper throws an error that still carries an HTTP answer', async () => {
		const { ctx } = mockContext({
			credentials: { apiKey: KEY, consent: true },
			withAuth: async () => {
				throw Object.assign(new Error('Request failed with status code 429'), {
					response: { status: 429, data: { title: 'Too Many Requests' } },
				});
			},
		});
		const request = await createRequestFn(ctx, 'apiKey');
		await expect(request({ method: 'GET', path: '/lists' })).resolves.toEqual({
			status: 429,
			body: { title: 'Too Many Requests' },
		});
	});

	it('rejects on a network error, with the key scrubbed from the message', async () => {
		const { ctx } = mockContext({
			credentials: { apiKey: KEY, consent: true },
			withAuth: async () => {
				throw new Error(`socket hang up while sending Basic anystring:${KEY}`);
			},
		});
		const request = await createRequestFn(ctx, 'apiKey');
		const error = await rejectionOf(request({ method: 'GET', path: '/ping' }));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain('Mailchimp request GET /ping failed: socket hang up');
		expect(error.message).not.toContain(KEY);
		expect(error.message).not.toContain(KEY.slice(0, 32));
		expect(JSON.stringify(error)).not.toContain(KEY.slice(0, 32));
	});

	it.each(['', 'abc', '0123456789abcdef0123456789abcdef', 'abc-us1.evil.com', 'abc-us1/..', 'abc-US1', 'abc-us1234'])(
		'refuses the malformed key %j before any request, without echoing it',
		async (apiKey) => {
			const { ctx, calls } = mockContext({ credentials: { apiKey, consent: true } });
			const error = await rejectionOf(createRequestFn(ctx, 'apiKey'));
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe(
				'The API key does not end in a Mailchimp data center such as -us6. Copy the whole key from Mailchimp > Profile > Extras > API keys.',
			);
			if (apiKey.length > 4) expect(error.message).not.toContain(apiKey);
			expect(totalRequests(calls)).toBe(0);
		},
	);

	it('refuses a bad base URL before any request', async () => {
		const { ctx, calls } = mockContext({ credentials: { apiKey: KEY, consent: true, baseUrl: 'ftp://x/3.0' } });
		const error = await rejectionOf(createRequestFn(ctx, 'apiKey'));
		expect(error.message).toContain('http:// or https://');
		expect(totalRequests(calls)).toBe(0);
	});

	it('blocks an export while consent is false, naming the credential, before any request', async () => {
		const { ctx, calls } = mockContext({ credentials: { apiKey: KEY, consent: false } });
		const error = await rejectionOf(createRequestFn(ctx, 'apiKey', { requireConsent: true }));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain('Exporting is blocked');
		expect(error.message).toContain('Credentials > Mailchimp account');
		expect(error.message).toContain("turn on 'I Agree to the Data Privacy and Compliance Notice'");
		expect(error.message).not.toContain(KEY.slice(0, 32));
		expect(totalRequests(calls)).toBe(0);
	});

	it('lets non-export uses (listing audiences) through without consent', async () => {
		const { ctx } = mockContext({
			credentials: { apiKey: KEY, consent: false },
			withAuth: async () => ({ statusCode: 200, body: { lists: [] } }),
		});
		const request = await createRequestFn(ctx, 'apiKey');
		await expect(request({ method: 'GET', path: '/lists' })).resolves.toEqual({ status: 200, body: { lists: [] } });
	});
});

describe('createRequestFn with OAuth2', () => {
	const metadata = { dc: 'us6', api_endpoint: 'https://us6.api.mailchimp.com', accountname: 'Acme' };

	it('looks the data center up once, then sends every request through n8n OAuth2', async () => {
		const { ctx, calls } = mockContext({
			credentials: { consent: true, baseUrl: '', oauthTokenData: { access_token: TOKEN } },
			httpRequest: async () => metadata,
			withAuth: async () => ({ statusCode: 200, body: {} }),
		});
		const request = await createRequestFn(ctx, 'oAuth2', { requireConsent: true });
		await request({ method: 'GET', path: '/lists' });
		await request({ method: 'GET', path: '/lists/abc/merge-fields' });
		await request({ method: 'POST', path: '/lists/abc', body: {} });

		expect(calls.httpRequest).toHaveLength(1);
		expect(calls.httpRequest[0]).toMatchObject({
			method: 'GET',
			url: 'https://login.mailchimp.com/oauth2/metadata',
			headers: { Authorization: `OAuth ${TOKEN}` },
			json: true,
		});
		expect(calls.withAuth.map((call) => call.credentialType)).toEqual([
			'mailchimpSegmentsOAuth2Api',
			'mailchimpSegmentsOAuth2Api',
			'mailchimpSegmentsOAuth2Api',
		]);
		expect(calls.withAuth.map((call) => call.options.url)).toEqual([
			'https://us6.api.mailchimp.com/3.0/lists',
			'https://us6.api.mailchimp.com/3.0/lists/abc/merge-fields',
			'https://us6.api.mailchimp.com/3.0/lists/abc',
		]);
		// No request carries the token itself: n8n signs them.
		for (const call of calls.withAuth) expect(JSON.stringify(call.options)).not.toContain(TOKEN);
	});

	it('scrubs the refresh token and client secret from a failed request (n8n refreshes tokens inside its helper)', async () => {
		const refresh = 'rt-0123456789abcdef0123456789abcdef';
		const clientSecret = 'cs-fedcba9876543210fedcba9876543210';
		const { ctx } = mockContext({
			credentials: { consent: true, baseUrl: '', clientSecret, oauthTokenData: { access_token: TOKEN, refresh_token: refresh } },
			httpRequest: async () => metadata,
			withAuth: async () => {
				throw new Error(`token refresh failed: grant_type=refresh_token&refresh_token=${refresh}&client_secret=${clientSecret}`);
			},
		});
		const request = await createRequestFn(ctx, 'oAuth2', { requireConsent: true });
		const error = await rejectionOf(request({ method: 'GET', path: '/lists' }));
		expect(error.message).toContain('token refresh failed');
		expect(JSON.stringify(error)).not.toContain(refresh);
		expect(JSON.stringify(error)).not.toContain(clientSecret);
	});

	it('asks the base URL origin for metadata when a base URL is set', async () => {
		const { ctx, calls } = mockContext({
			credentials: { consent: true, baseUrl: 'http://127.0.0.1:4010/3.0', oauthTokenData: { access_token: TOKEN } },
			httpRequest: async () => ({ dc: 'us6', api_endpoint: 'http://127.0.0.1:4010' }),
			withAuth: async () => ({ statusCode: 200, body: {} }),
		});
		const request = await createRequestFn(ctx, 'oAuth2');
		await request({ method: 'GET', path: '/ping' });
		expect(calls.httpRequest[0].url).toBe('http://127.0.0.1:4010/oauth2/metadata');
		expect(calls.withAuth[0].options.url).toBe('http://127.0.0.1:4010/3.0/ping');
	});

	it('refuses metadata whose api_endpoint points elsewhere, sending nothing there', async () => {
		const { ctx, calls } = mockContext({
			credentials: { consent: true, oauthTokenData: { access_token: TOKEN } },
			httpRequest: async () => ({ dc: 'us6', api_endpoint: 'https://evil.example.com' }),
		});
		const error = await rejectionOf(createRequestFn(ctx, 'oAuth2'));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain('unexpected address');
		expect(calls.withAuth).toHaveLength(0);
	});

	it('turns invalid_token (HTTP 200) into a reconnect message without the token', async () => {
		const { ctx } = mockContext({
			credentials: { consent: true, oauthTokenData: { access_token: TOKEN } },
			httpRequest: async () => ({ error: 'invalid_token' }),
		});
		const error = await rejectionOf(createRequestFn(ctx, 'oAuth2'));
		expect(error.message).toContain('reconnect it to Mailchimp');
		expect(error.message).not.toContain(TOKEN);
	});

	it('scrubs the token from a failed metadata call', async () => {
		const { ctx } = mockContext({
			credentials: { consent: true, oauthTokenData: { access_token: TOKEN } },
			httpRequest: async () => {
				throw new Error(`metadata service unavailable (Authorization: OAuth ${TOKEN})`);
			},
		});
		const error = await rejectionOf(createRequestFn(ctx, 'oAuth2'));
		expect(error.message).toContain('Could not read the Mailchimp OAuth2 metadata: metadata service unavailable');
		expect(error.message).not.toContain(TOKEN);
		expect(JSON.stringify(error)).not.toContain(TOKEN);
	});

	it('asks to connect a credential that has no token yet', async () => {
		const { ctx, calls } = mockContext({ credentials: { consent: true } });
		await expect(createRequestFn(ctx, 'oAuth2')).rejects.toThrow(/not connected/);
		expect(totalRequests(calls)).toBe(0);
	});

	it('blocks an export while consent is false, before the metadata call', async () => {
		const { ctx, calls } = mockContext({ credentials: { consent: false, oauthTokenData: { access_token: TOKEN } } });
		await expect(createRequestFn(ctx, 'oAuth2', { requireConsent: true })).rejects.toThrow(
			/Credentials > Mailchimp OAuth/,
		);
		expect(totalRequests(calls)).toBe(0);
	});
});

describe('credentialTypeFor', () => {
	it('maps the authentication choice to our credential types', () => {
		expect(credentialTypeFor('apiKey')).toBe('mailchimpSegmentsApi');
		expect(credentialTypeFor('oAuth2')).toBe('mailchimpSegmentsOAuth2Api');
	});
});

describe('createRequestFn passes Retry-After on to the core', () => {
	it('keeps the Retry-After header of an answer, and of an answer that came back as an error', async () => {
		const answers: unknown[] = [
			{ statusCode: 429, body: { title: 'Too Many Requests' }, headers: { 'retry-after': '7', 'x-request-id': 'r1' } },
			{ statusCode: 200, body: {}, headers: { 'x-request-id': 'r2' } },
		];
		const { ctx } = mockContext({
			credentials: { apiKey: KEY, consent: true, baseUrl: '' },
			withAuth: async () => {
				const next = answers.shift();
				if (next === undefined) throw Object.assign(new Error('429'), { response: { status: 429, data: '{}', headers: { 'retry-after': '3' } } });
				return next;
			},
		});
		const request = await createRequestFn(ctx, 'apiKey');
		expect(await request({ method: 'GET', path: '/ping' })).toEqual({ status: 429, body: { title: 'Too Many Requests' }, headers: { 'retry-after': '7' } });
		expect(await request({ method: 'GET', path: '/ping' })).toEqual({ status: 200, body: {} });
		expect(await request({ method: 'GET', path: '/ping' })).toMatchObject({ status: 429, headers: { 'retry-after': '3' } });
	});
});

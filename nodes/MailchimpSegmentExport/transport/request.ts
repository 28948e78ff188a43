// The node's one way to Mailchimp: resolves the API root once, then sends each request
// through n8n's authenticated HTTP helper. The export core only ever sees the RequestFn.

import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { jsonBytesOf } from '../core/jsonBody';
import { scrubSecrets } from '../core/redact';
import type { ApiRequest, ApiResponse, RequestFn } from '../core/types';
import {
	apiRootFromApiKey,
	apiRootFromMetadata,
	assertConsent,
	baseUrlOverride,
	ConnectionError,
	messageOf,
	metadataUrl,
	secretsOf,
} from './connection';

export type Authentication = 'apiKey' | 'oAuth2';

export type RequestContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface RequestFnOptions {
	/** Per-request timeout; Mailchimp itself gives up after 120 s. */
	timeoutMs?: number;
	/** Refuse (before any request) unless the credential's consent toggle is on. Set it for exports. */
	requireConsent?: boolean;
	/** The credential, when the caller has read it already (it is then not read again). */
	credentials?: ICredentialDataDecryptedObject;
}

/** The n8n credential type behind each authentication choice. */
export function credentialTypeFor(authentication: Authentication): string {
	return authentication === 'apiKey' ? 'mailchimpSegmentsApi' : 'mailchimpSegmentsOAuth2Api';
}

export const DEFAULT_TIMEOUT_MS = 120_000;

/** The HTTP status and body of a helper error that still carries an HTTP answer, if any. */
function httpAnswerOf(error: unknown): ApiResponse | undefined {
	if (typeof error !== 'object' || error === null) return undefined;
	const candidate = error as {
		response?: { status?: unknown; data?: unknown; body?: unknown; headers?: unknown };
		statusCode?: unknown;
	};
	const status = candidate.response?.status ?? candidate.statusCode;
	if (typeof status !== 'number' || status < 100) return undefined;
	return withRetryAfter({ status, body: parseBody(candidate.response?.data ?? candidate.response?.body) }, candidate.response?.headers);
}

/** Keeps the one header the core reads (Retry-After), when the answer has it. */
function withRetryAfter(response: ApiResponse, headers: unknown): ApiResponse {
	const value = typeof headers === 'object' && headers !== null ? (headers as Record<string, unknown>)['retry-after'] : undefined;
	if (value !== undefined) response.headers = { 'retry-after': value };
	return response;
}

/** Bodies come back parsed when JSON; problem+json or a Buffer may come back raw. */
function parseBody(body: unknown): unknown {
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : body;
	if (typeof text !== 'string') return text;
	const trimmed = text.trim();
	if (trimmed === '') return undefined;
	if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
		try {
			return JSON.parse(trimmed) as unknown;
		} catch {
			return text;
		}
	}
	return text;
}

/**
 * The answer's contents moved into an object of our own, the helper's emptied. n8n's helper keeps
 * its own reference to the parsed answer in objects of the request (axios's response) that often
 * live long enough to reach V8's old space; the young-generation collector cannot see that those
 * are dead, and promotes all they point to. A batch answer (500 members) then waited for a full
 * collection: in n8n 1.x, most of what the export promoted. Once moved, the answer dies young.
 */
function ownAnswer(body: unknown): unknown {
	if (Array.isArray(body)) return body.splice(0);
	if (typeof body !== 'object' || body === null) return body;
	const own = {};
	const from = body as Record<string, unknown>;
	for (const key of Object.keys(from)) {
		// defineProperty: a key named __proto__ stays data.
		Object.defineProperty(own, key, { value: from[key], enumerable: true, writable: true, configurable: true });
		delete from[key];
	}
	return own;
}

function credentialDisplayName(ctx: RequestContext, credentialType: string): string | undefined {
	const name = ctx.getNode().credentials?.[credentialType]?.name;
	return typeof name === 'string' && name !== '' ? name : undefined;
}

/** Reads the OAuth2 metadata once and returns the API root it names. */
async function resolveOAuthRoot(
	ctx: RequestContext,
	credentials: ICredentialDataDecryptedObject,
	baseUrl: string | undefined,
	timeout: number,
): Promise<string> {
	const token = (credentials.oauthTokenData as IDataObject | undefined)?.access_token;
	if (typeof token !== 'string' || token === '') {
		throw new ConnectionError(
			'The Mailchimp OAuth2 credential is not connected. Open the credential and click "Connect my account".',
		);
	}
	let metadata: unknown;
	try {
		// Mailchimp's metadata endpoint wants the "OAuth" scheme, which n8n's OAuth2 helper
		// does not send, so this one call sets the header itself.
		metadata = await ctx.helpers.httpRequest({
			method: 'GET',
			url: metadataUrl(baseUrl),
			headers: { Accept: 'application/json', Authorization: `OAuth ${token}` },
			json: true,
			timeout,
			disableFollowRedirect: true,
		});
	} catch (error) {
		throw new NodeOperationError(
			ctx.getNode(),
			scrubSecrets(`Could not read the Mailchimp OAuth2 metadata: ${messageOf(error)}`, [token]),
		);
	}
	return apiRootFromMetadata(parseBody(metadata), baseUrl);
}

type Send = (options: IHttpRequestOptions) => Promise<{ statusCode?: unknown; body?: unknown }>;

/**
 * n8n's helper, with an API key credential read once per execution: by itself the helper would
 * fetch and decrypt the credential again for each of the thousands of requests of a large
 * export. The decrypted credential goes in its additionalCredentialOptions (same signature in
 * n8n-workflow 1.x and 2.x), so that n8n still applies the credential's own `authenticate`.
 * OAuth2 has no such option: n8n signs each request with the token it reads itself.
 */
function sendWithCredential(ctx: RequestContext, credentialType: string, credentials: ICredentialDataDecryptedObject): Send {
	if (credentialType !== credentialTypeFor('apiKey')) {
		return async (options) => await ctx.helpers.httpRequestWithAuthentication.call(ctx, credentialType, options);
	}
	const node = ctx.getNode().credentials?.[credentialType];
	const credentialsDecrypted = { id: node?.id ?? '', name: node?.name ?? '', type: credentialType, data: credentials };
	return async (options) => await ctx.helpers.httpRequestWithAuthentication.call(ctx, credentialType, options, { credentialsDecrypted });
}

/**
 * Resolves where requests go (for OAuth2: one metadata call) and returns a RequestFn that
 * sends each request with the credential's authentication. Setup problems (malformed key,
 * bad base URL, consent missing, token refused) throw a NodeOperationError before any
 * request is sent; no message ever contains the key or token.
 */
export async function createRequestFn(
	ctx: RequestContext,
	authentication: Authentication,
	opts: RequestFnOptions = {},
): Promise<RequestFn> {
	const credentialType = credentialTypeFor(authentication);
	const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	const credentials = opts.credentials ?? (await ctx.getCredentials<ICredentialDataDecryptedObject>(credentialType));
	const secrets = secretsOf(credentials);

	let root: string;
	try {
		if (opts.requireConsent) assertConsent(credentials, credentialDisplayName(ctx, credentialType));
		root =
			authentication === 'apiKey'
				? apiRootFromApiKey(credentials)
				: await resolveOAuthRoot(ctx, credentials, baseUrlOverride(credentials), timeout);
	} catch (error) {
		// Messages are already free of secrets; scrubbing again costs nothing.
		throw new NodeOperationError(ctx.getNode(), scrubSecrets(messageOf(error), secrets));
	}

	const send = sendWithCredential(ctx, credentialType, credentials);

	return async (request: ApiRequest, signal?: AbortSignal): Promise<ApiResponse> => {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: root + request.path,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
			timeout,
		};
		if (request.qs !== undefined) options.qs = request.qs;
		const json = jsonBytesOf(request.body);
		if (json !== undefined) {
			// Sent as built: a Buffer is passed on by n8n and axios untouched (a string would be
			// parsed again by axios to check it), so the content type is set here.
			options.body = json;
			options.headers = { 'content-type': 'application/json' };
		} else if (request.body !== undefined) options.body = request.body as IDataObject;
		if (signal !== undefined) options.abortSignal = signal;

		let response: { statusCode?: unknown; body?: unknown; headers?: unknown };
		try {
			response = await send(options);
		} catch (error) {
			const answer = httpAnswerOf(error);
			if (answer !== undefined) return answer;
			throw new NodeOperationError(
				ctx.getNode(),
				scrubSecrets(`Mailchimp request ${request.method} ${request.path} failed: ${messageOf(error)}`, secrets),
			);
		}
		const status = typeof response.statusCode === 'number' ? response.statusCode : 0;
		return withRetryAfter({ status, body: ownAnswer(parseBody(response.body)) }, response.headers);
	};
}

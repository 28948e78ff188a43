// The one fake n8n context, for the tests and the benchmarks (bench/context.ts): it runs the
// node's `execute`, `listSearch` and `loadOptions` without n8n: parameters from a plain object
// (over the node's declared defaults), input items, credentials, binary files (in memory or on
// disk), and HTTP through axios to a real server (the Mailchimp simulator) with the credential's
// authentication applied as n8n would apply it, or through the `http` function given.
//
// See `createExecuteContext`, `createLoadOptionsContext`, `binaryItem` and `BinaryStore`.

import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

import axios, { type AxiosRequestConfig } from 'axios';
import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	INodeExecutionData,
	INodeProperties,
	NodeExecutionHint,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

// `.js`: without it, tsx (the bench) resolves `MailchimpSegmentExport.node` to the codex file `.node.json`.
import { MailchimpSegmentExport } from '../../../nodes/MailchimpSegmentExport/MailchimpSegmentExport.node.js';

export const NODE_TYPE = 'n8n-nodes-mailchimp-segments.mailchimpSegmentExport';
export const API_KEY_CREDENTIAL = 'mailchimpSegmentsApi';
export const OAUTH2_CREDENTIAL = 'mailchimpSegmentsOAuth2Api';

/** One HTTP request the context sent, in order. */
export interface SentRequest {
	method: string;
	url: string;
	credentialType?: string;
}

/** Binary files kept "in n8n's binary data store", by id, for `getBinaryStream`. */
export class BinaryStore {
	private readonly files = new Map<string, Buffer | { path: string }>();
	private next = 1;
	/** Every `getBinaryStream` call: id and chunk size. */
	readonly opened: Array<{ id: string; chunkSize?: number }> = [];

	put(content: Buffer | string): string {
		const id = `filesystem-v2:test/${this.next++}`;
		this.files.set(id, Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'));
		return id;
	}

	/** A file on disk, streamed from there as n8n's filesystem store does (for large inputs). */
	putFile(path: string): string {
		const id = `filesystem-v2:test/${this.next++}`;
		this.files.set(id, { path });
		return id;
	}

	stream(id: string, chunkSize = 64 * 1024): Readable {
		const content = this.files.get(id);
		if (!content) throw new Error(`No binary data with id ${id}`);
		this.opened.push({ id, chunkSize });
		if (!Buffer.isBuffer(content)) return createReadStream(content.path, { highWaterMark: chunkSize });
		const bytes = content;
		function* chunks() {
			for (let at = 0; at < bytes.length; at += chunkSize) yield bytes.subarray(at, at + chunkSize);
		}
		return Readable.from(chunks());
	}
}

/**
 * A binary property for an input item. With a `store`, the file lives in the store and the
 * property has an `id` (how n8n keeps files in filesystem/S3 mode); without, it is inline
 * base64 `data` (n8n's default in-memory mode).
 */
export function binaryItem(
	content: Buffer | string,
	{
		store,
		fileName = 'profiles.csv',
		mimeType = 'text/csv',
	}: { store?: BinaryStore; fileName?: string; mimeType?: string } = {},
): IBinaryData {
	const buffer = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
	if (store) {
		return { id: store.put(buffer), data: 'filesystem-v2', fileName, mimeType, fileSize: String(buffer.length) };
	}
	return { data: buffer.toString('base64'), fileName, mimeType, fileSize: String(buffer.length) };
}

/** Credentials pointed at the simulator (consent given) unless overridden. */
export function apiKeyCredentials(
	sim: { url: string; apiKey: string },
	overrides: IDataObject = {},
): ICredentialDataDecryptedObject {
	return { apiKey: sim.apiKey, consent: true, baseUrl: sim.url, ...overrides };
}

export function oAuth2Credentials(
	sim: { url: string },
	accessToken: string,
	overrides: IDataObject = {},
): ICredentialDataDecryptedObject {
	return {
		clientId: 'test-client',
		clientSecret: 'test-client-secret',
		consent: true,
		baseUrl: sim.url,
		oauthTokenData: { access_token: accessToken, token_type: 'bearer' },
		...overrides,
	};
}

/** The node's declared defaults for its top-level parameters, as n8n fills them in. */
export function defaultParameters(properties: INodeProperties[] = new MailchimpSegmentExport().description.properties): IDataObject {
	const defaults: IDataObject = {};
	for (const property of properties) {
		if (!(property.name in defaults)) defaults[property.name] = property.default as IDataObject[string];
	}
	return defaults;
}

function readPath(source: IDataObject, path: string): unknown {
	let current: unknown = source;
	for (const key of path.split('.')) {
		if (current === null || typeof current !== 'object' || !(key in (current as object))) return undefined;
		current = (current as IDataObject)[key];
	}
	return current;
}

function basicAuth(apiKey: unknown): string {
	return `Basic ${Buffer.from(`anystring:${String(apiKey)}`).toString('base64')}`;
}

/** n8n's `httpRequest` semantics over axios: full response or body, HTTP errors thrown unless ignored. */
export async function httpRequest(options: IHttpRequestOptions, log?: SentRequest[], credentialType?: string): Promise<unknown> {
	const url = options.baseURL ? new URL(options.url, options.baseURL).toString() : options.url;
	log?.push({ method: options.method ?? 'GET', url, credentialType });
	const config: AxiosRequestConfig = {
		method: options.method ?? 'GET',
		url,
		params: options.qs,
		data: options.body,
		headers: { ...(options.headers ?? {}) } as AxiosRequestConfig['headers'],
		timeout: options.timeout,
		signal: options.abortSignal,
		maxRedirects: options.disableFollowRedirect ? 0 : 5,
		validateStatus: () => true,
		maxBodyLength: Infinity,
		maxContentLength: Infinity,
		responseType: options.json === false ? 'text' : 'json',
	};
	if (options.auth) config.auth = { username: options.auth.username, password: options.auth.password };
	const response = await axios.request(config);
	if (response.status >= 400 && !options.ignoreHttpStatusErrors) {
		const error = new Error(`Request failed with status code ${response.status}`) as Error & {
			response: { status: number; data: unknown; headers: unknown };
			httpCode: string;
		};
		error.response = { status: response.status, data: response.data, headers: response.headers };
		error.httpCode = String(response.status);
		throw error;
	}
	if (options.returnFullResponse) {
		return {
			body: response.data,
			headers: response.headers,
			statusCode: response.status,
			statusMessage: response.statusText,
		};
	}
	return response.data;
}

/** Sends an authenticated request as n8n's `httpRequestWithAuthentication` does. */
export type HttpWithAuth = (credentialType: string, options: IHttpRequestOptions) => Promise<unknown>;

export interface ContextOptions {
	/** Parameter values; missing ones take the node's declared defaults. */
	params?: IDataObject;
	/** Credentials by credential type (`mailchimpSegmentsApi`, `mailchimpSegmentsOAuth2Api`). */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Sends the authenticated requests instead of axios (the bench's sockets or instant responder). */
	http?: HttpWithAuth;
	/** Shared request log; a new one when omitted (see `context.requests`). */
	requests?: SentRequest[];
	node?: Partial<INode>;
}

export interface ExecuteContextOptions extends ContextOptions {
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	binaryStore?: BinaryStore;
	signal?: AbortSignal;
	/** false: no `this.logger`, as when n8n gives none (the bench; no progress lines). Default true. */
	logger?: boolean;
}

interface Harness {
	/** Every HTTP request sent through the context's helpers. */
	requests: SentRequest[];
	/** Execution hints the node added for the output pane. */
	hints: NodeExecutionHint[];
	/** Lines the node wrote to n8n's log (this.logger), with their level. */
	logs: Array<{ level: string; message: string; meta?: unknown }>;
}

function makeNode(options: ContextOptions): INode {
	return {
		id: 'node-1',
		name: 'Mailchimp Segment Export',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: {
			[API_KEY_CREDENTIAL]: { id: '1', name: 'Mailchimp account' },
			[OAUTH2_CREDENTIAL]: { id: '2', name: 'Mailchimp OAuth2 account' },
		},
		...options.node,
	};
}

function makeBase(options: ContextOptions) {
	const params = { ...defaultParameters(), ...(options.params ?? {}) };
	const requests = options.requests ?? [];
	const node = makeNode(options);
	node.parameters = params as INode['parameters'];

	const getParameter = (name: string, fallback: unknown, extra?: { extractValue?: boolean }) => {
		let value = readPath(params, name);
		if (value === undefined) {
			if (fallback === undefined) throw new Error(`Could not get parameter "${name}"`);
			value = fallback;
		}
		if (extra?.extractValue && value !== null && typeof value === 'object' && '__rl' in (value as object)) {
			return (value as IDataObject).value;
		}
		if (extra?.extractValue && value !== null && typeof value === 'object' && 'mode' in (value as object)) {
			return (value as IDataObject).value;
		}
		return value;
	};

	const getCredentials = async (type: string) => {
		const found = options.credentials?.[type];
		if (!found) throw new NodeOperationError(node, `Node does not have any credentials set for "${type}"`);
		return found;
	};

	const helpers = {
		httpRequest: (request: IHttpRequestOptions) => httpRequest(request, requests),
		async httpRequestWithAuthentication(type: string, request: IHttpRequestOptions) {
			if (options.http !== undefined) return await options.http(type, request);
			const credentials = await getCredentials(type);
			const headers = { ...(request.headers ?? {}) };
			if (type === API_KEY_CREDENTIAL) headers.Authorization = basicAuth(credentials.apiKey);
			else {
				const token = (credentials.oauthTokenData as IDataObject | undefined)?.access_token;
				headers.Authorization = `Bearer ${String(token)}`;
			}
			return await httpRequest({ ...request, headers }, requests, type);
		},
	};

	return { params, requests, node, getParameter, getCredentials, helpers };
}

/** An IExecuteFunctions for `node.execute.call(context)`. */
export function createExecuteContext(options: ExecuteContextOptions = {}): IExecuteFunctions & Harness {
	const base = makeBase(options);
	const items = options.items ?? [];
	const store = options.binaryStore;
	const hints: NodeExecutionHint[] = [];
	const logs: Harness['logs'] = [];
	const log = (level: string) => (message: string, meta?: unknown) => void logs.push({ level, message, meta });
	const context = {
		requests: base.requests,
		hints,
		logs,
		logger: options.logger === false ? undefined : { info: log('info'), debug: log('debug'), warn: log('warn'), error: log('error') },
		addExecutionHints: (...added: NodeExecutionHint[]) => void hints.push(...added),
		getNode: () => base.node,
		getInputData: () => items,
		getNodeParameter: (name: string, _itemIndex: number, fallback?: unknown, extra?: { extractValue?: boolean }) =>
			base.getParameter(name, fallback, extra),
		getCredentials: base.getCredentials,
		continueOnFail: () => options.continueOnFail ?? false,
		getExecutionCancelSignal: () => options.signal,
		getMode: () => 'manual',
		helpers: {
			...base.helpers,
			assertBinaryData(itemIndex: number, property: string): IBinaryData {
				const binary = items[itemIndex]?.binary?.[property];
				if (!binary) {
					throw new NodeOperationError(base.node, `This operation expects the node's input data to contain a binary file '${property}', but none was found [item ${itemIndex}]`, { itemIndex });
				}
				return binary;
			},
			async getBinaryStream(id: string, chunkSize?: number): Promise<Readable> {
				if (!store) throw new Error('No BinaryStore given to the context');
				return store.stream(id, chunkSize);
			},
		},
	};
	return context as unknown as IExecuteFunctions & Harness;
}

/** An ILoadOptionsFunctions for `searchAudiences.call(context, filter, token)` and `getMergeFields.call(context)`. */
export function createLoadOptionsContext(options: ContextOptions = {}): ILoadOptionsFunctions & Harness {
	const base = makeBase(options);
	const context = {
		requests: base.requests,
		hints: [],
		logs: [],
		getNode: () => base.node,
		getNodeParameter: (name: string, fallback?: unknown, extra?: { extractValue?: boolean }) =>
			base.getParameter(name, fallback, extra),
		getCurrentNodeParameter: (name: string, extra?: { extractValue?: boolean }) =>
			base.getParameter(name, null, extra),
		getCredentials: base.getCredentials,
		helpers: base.helpers,
	};
	return context as unknown as ILoadOptionsFunctions & Harness;
}

/** A resource locator value for the Audience parameter. */
export function audience(value: string, mode: 'id' | 'list' = 'id', cachedResultName?: string): IDataObject {
	return { __rl: true, mode, value, ...(cachedResultName ? { cachedResultName } : {}) };
}

/** Runs the node's execute with a context; returns the outputs and the context. */
export async function runNode(options: ExecuteContextOptions) {
	const context = createExecuteContext(options);
	const outputs = await new MailchimpSegmentExport().execute.call(context);
	const [summary, rejected] = outputs;
	return { outputs, summary, rejected, context };
}

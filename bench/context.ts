// A minimal n8n execution context for running the node's real `execute` outside n8n, built for
// large inputs: binary files are streamed from disk (fs.createReadStream, the way n8n's
// filesystem binary data store hands them out), and HTTP goes through the helper given (real
// sockets or the instant responder, see http.ts). Only what the node uses is implemented.

import { createReadStream, statSync } from 'fs';
import { basename } from 'path';
import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
} from 'n8n-workflow';

import type { HttpWithAuth } from './http';

export interface BenchContextOptions {
	parameters: Record<string, unknown>;
	items: INodeExecutionData[];
	credentials: ICredentialDataDecryptedObject;
	http: HttpWithAuth;
}

const BINARY_PREFIX = 'bench-file:';

/** An input item carrying `path` as binary property `property`, stored by reference (not in memory). */
export function fileItem(path: string, property = 'data'): INodeExecutionData {
	const binary: IBinaryData = {
		id: `${BINARY_PREFIX}${path}`,
		data: 'filesystem-v2',
		mimeType: 'text/csv',
		fileName: basename(path),
		fileExtension: 'csv',
		fileSize: String(statSync(path).size),
	};
	return { json: { fileName: basename(path) }, binary: { [property]: binary } };
}

function isResourceLocator(value: unknown): value is { __rl: true; value: unknown } {
	return typeof value === 'object' && value !== null && (value as { __rl?: unknown }).__rl === true;
}

export function benchContext(opts: BenchContextOptions): IExecuteFunctions {
	const node: INode = {
		id: 'bench-node',
		name: 'Mailchimp Segment Export',
		type: 'n8n-nodes-mailchimp-segments.mailchimpSegmentExport',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { mailchimpSegmentsApi: { id: '1', name: 'Mailchimp (bench)' } },
	};
	const abort = new AbortController();
	const ctx = {
		getNode: () => node,
		getInputData: () => opts.items,
		continueOnFail: () => false,
		getExecutionCancelSignal: () => abort.signal,
		addExecutionHints: () => undefined,
		getNodeParameter(name: string, _itemIndex: number, fallback?: unknown, options?: { extractValue?: boolean }): unknown {
			const value = name in opts.parameters ? opts.parameters[name] : fallback;
			if (options?.extractValue && isResourceLocator(value)) return value.value;
			return value;
		},
		getCredentials: async () => opts.credentials,
		helpers: {
			httpRequestWithAuthentication(this: unknown, credentialType: string, options: Parameters<HttpWithAuth>[1]) {
				return opts.http(credentialType, options);
			},
			assertBinaryData(itemIndex: number, property: string): IBinaryData {
				const binary = opts.items[itemIndex]?.binary?.[property];
				if (binary === undefined) throw new Error(`Item ${itemIndex} has no binary property "${property}"`);
				return binary;
			},
			async getBinaryStream(id: string, chunkSize?: number) {
				if (!id.startsWith(BINARY_PREFIX)) throw new Error(`Unknown binary data id ${id}`);
				return createReadStream(id.slice(BINARY_PREFIX.length), { highWaterMark: chunkSize ?? 64 * 1024 });
			},
		},
	};
	return ctx as unknown as IExecuteFunctions;
}

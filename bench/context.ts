// The bench's n8n context: the tests' fake context (test/unit/node/context.ts) with binary files
// streamed from disk (as n8n's filesystem binary data store hands them out), HTTP through the
// helper given (real sockets or the instant responder, see http.ts) and no logger.

import { statSync } from 'fs';
import { basename } from 'path';
import type { ICredentialDataDecryptedObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { API_KEY_CREDENTIAL, BinaryStore, createExecuteContext, type HttpWithAuth } from '../test/unit/node/context';

export interface BenchContextOptions {
	parameters: Record<string, unknown>;
	items: INodeExecutionData[];
	credentials: ICredentialDataDecryptedObject;
	http: HttpWithAuth;
}

const files = new BinaryStore();

/** An input item carrying the file at `path` as binary property `property`, stored by reference (not in memory). */
export function fileItem(path: string, property = 'data'): INodeExecutionData {
	const binary = {
		id: files.putFile(path),
		data: 'filesystem-v2',
		mimeType: 'text/csv',
		fileName: basename(path),
		fileExtension: 'csv',
		fileSize: String(statSync(path).size),
	};
	return { json: { fileName: basename(path) }, binary: { [property]: binary } };
}

export function benchContext(opts: BenchContextOptions): IExecuteFunctions {
	return createExecuteContext({
		params: opts.parameters as INodeExecutionData['json'],
		items: opts.items,
		credentials: { [API_KEY_CREDENTIAL]: opts.credentials },
		http: opts.http,
		binaryStore: files,
		signal: new AbortController().signal,
		logger: false,
	});
}

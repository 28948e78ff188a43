// A small axios client for tests: answers every HTTP status, rejects only on network errors.
// `createRequestFn` matches RequestFn in nodes/MailchimpSegmentExport/core/types.ts.
import axios, { type AxiosInstance } from 'axios';
import type { ApiRequest, ApiResponse, RequestFn } from '../../nodes/MailchimpSegmentExport/core/types';

export interface SimulatorAddress {
	url: string;
	apiKey: string;
}

function instance(sim: SimulatorAddress, timeoutMs?: number): AxiosInstance {
	return axios.create({
		baseURL: sim.url,
		auth: { username: 'anystring', password: sim.apiKey },
		timeout: timeoutMs,
		validateStatus: () => true,
		maxBodyLength: Infinity,
		maxContentLength: Infinity,
	});
}

export function createRequestFn(sim: SimulatorAddress, opts: { timeoutMs?: number } = {}): RequestFn {
	const http = instance(sim, opts.timeoutMs);
	return async (request: ApiRequest): Promise<ApiResponse> => {
		const response = await http.request({
			method: request.method,
			url: request.path,
			params: request.qs,
			data: request.body,
		});
		// Like the node's transport: only the header the core reads.
		const retryAfter: unknown = response.headers['retry-after'];
		return retryAfter === undefined
			? { status: response.status, body: response.data }
			: { status: response.status, body: response.data, headers: { 'retry-after': retryAfter } };
	};
}

/** One request to the simulator with its API key. */
export function simulatorRequest(sim: SimulatorAddress, request: ApiRequest): Promise<ApiResponse> {
	return createRequestFn(sim)(request);
}

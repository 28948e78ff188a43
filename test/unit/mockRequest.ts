// A mocked request function for the fast test layer (as n8n's Airtable v2 tests mock their
// request helper): canned answers by `METHOD path`, every request sent kept in order.
import { jsonBytesOf } from '../../nodes/MailchimpSegmentExport/core/jsonBody';
import type { ApiRequest, ApiResponse, RequestFn } from '../../nodes/MailchimpSegmentExport/core/types';

type Answer = ApiResponse | ((request: ApiRequest) => ApiResponse);

export interface MockRequest {
	request: RequestFn;
	/** Every request sent, in order, a body serialised by the core as the text sent (read when sent, as a transport reads it). */
	sent: ApiRequest[];
}

/** Answers `METHOD path` from `answers`; a request with no answer is a 404 problem document. */
export function mockRequest(answers: Record<string, Answer>): MockRequest {
	const sent: ApiRequest[] = [];
	const request: RequestFn = async (call) => {
		sent.push(asSent(call));
		const answer = answers[`${call.method} ${call.path}`];
		if (answer === undefined) return { status: 404, body: { title: 'Resource Not Found', detail: 'The requested resource could not be found.' } };
		return typeof answer === 'function' ? answer(call) : answer;
	};
	return { request, sent };
}

/**
 * The request as a transport sends it: a body the core serialised (jsonBody.ts) read as the
 * object its text holds. Its bytes may be reused once the request settles, so a test that looks
 * at a body afterwards keeps this instead.
 */
export function asSent(call: ApiRequest): ApiRequest {
	const bytes = jsonBytesOf(call.body);
	return bytes === undefined ? call : { ...call, body: JSON.parse(bytes.toString('utf8')) as unknown };
}

/**
 * A request's JSON body as an object, whether the core sent it as an object or as JSON text
 * (a batch may be serialised while it is built): tests read bodies only through this.
 */
export function bodyOf<T = Record<string, unknown>>(call: ApiRequest): T {
	return (typeof call.body === 'string' ? JSON.parse(call.body) : call.body) as T;
}

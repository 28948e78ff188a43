// Stand-ins for n8n's `helpers.httpRequestWithAuthentication`, the one door the node's transport
// uses (transport/request.ts): it passes n8n's IHttpRequestOptions with json, qs, body,
// returnFullResponse and ignoreHttpStatusErrors, and reads `{statusCode, body}`.
//
// - realHttp: what n8n does, over real sockets: axios, the credential's Basic auth, JSON bodies,
//   and a keep-alive agent with at most 10 sockets (Mailchimp's connection limit).
// - instantResponder: no sockets and no latency. It serialises the body as the HTTP client would
//   (JSON.stringify; a pre-serialised Buffer as it is) and answers at once like Mailchimp
//   (`fields` honoured as the simulator does). The CPU time of its Mailchimp side (reading the
//   body, building the answer) is counted apart, so that a run through it measures only our own
//   work: mapping, validation and serialising.

import http from 'http';
import https from 'https';
import axios from 'axios';
import type { IHttpRequestOptions } from 'n8n-workflow';

import { filterFields } from '../test/simulator/paging';

export interface FullResponse {
	statusCode: number;
	body: unknown;
	headers: Record<string, unknown>;
}

export type HttpWithAuth = (credentialType: string, options: IHttpRequestOptions) => Promise<FullResponse | unknown>;

export function realHttp(apiKey: string, maxSockets = 10): { request: HttpWithAuth; close: () => void } {
	const httpAgent = new http.Agent({ keepAlive: true, maxSockets });
	const httpsAgent = new https.Agent({ keepAlive: true, maxSockets });
	const client = axios.create({ httpAgent, httpsAgent, proxy: false });
	const request: HttpWithAuth = async (_credentialType, options) => {
		const response = await client.request({
			method: options.method ?? 'GET',
			url: options.url,
			params: options.qs,
			data: options.body,
			headers: { Accept: 'application/json', ...(options.headers as Record<string, string> | undefined) },
			auth: { username: 'anystring', password: apiKey },
			timeout: options.timeout,
			signal: options.abortSignal,
			maxRedirects: options.disableFollowRedirect ? 0 : 5,
			validateStatus: options.ignoreHttpStatusErrors ? () => true : undefined,
			responseType: 'json',
		});
		if (options.returnFullResponse) {
			return { statusCode: response.status, body: response.data, headers: response.headers as Record<string, unknown> };
		}
		return response.data;
	};
	return {
		request,
		close: () => {
			httpAgent.destroy();
			httpsAgent.destroy();
		},
	};
}

// Where a member starts in a batch's JSON text (the node writes each member's email first), and
// its tag names. Inside a JSON string a quote is escaped, so neither can match inside a value;
// the bench's merge fields are none of them.
const MEMBER_START = Buffer.from('{"email_address":"');
const TAGS_START = Buffer.from('"tags":[');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;

/** Where the JSON string opening at `at` (a quote) closes. */
function stringEnd(bytes: Buffer, at: number): number {
	let i = at + 1;
	while (bytes[i] !== QUOTE) i += bytes[i] === BACKSLASH ? 2 : 1;
	return i;
}

/** Where the list of strings opening at `at` (a bracket) closes. */
function listEnd(bytes: Buffer, at: number): number {
	let i = at + 1;
	while (bytes[i] !== CLOSE_BRACKET) i = bytes[i] === QUOTE ? stringEnd(bytes, i) + 1 : i + 1;
	return i;
}

/**
 * What the responder reads of a pre-serialised body (only batch upserts are): the members'
 * emails and tag names, found in the bytes rather than parsed with the rest. Its garbage is
 * collected on our side's CPU (one heap), so it makes as little as it can.
 */
function readSerialised(body: Buffer): { members: Array<{ email_address: string; tags?: string[] }> } {
	const members: Array<{ email_address: string; tags?: string[] }> = [];
	let at = body.indexOf(MEMBER_START);
	// The first tags at or after the current member (searched again only once passed, so that
	// members without tags do not each search the rest of the body).
	let tags = 0;
	while (at >= 0) {
		const open = at + MEMBER_START.length - 1;
		const close = stringEnd(body, open);
		const next = body.indexOf(MEMBER_START, close);
		const member: { email_address: string; tags?: string[] } = { email_address: JSON.parse(body.toString('utf8', open, close + 1)) as string };
		if (tags !== -1 && tags < close) tags = body.indexOf(TAGS_START, close);
		if (tags >= 0 && (next < 0 || tags < next)) {
			const list = tags + TAGS_START.length - 1;
			member.tags = JSON.parse(body.toString('utf8', list, listEnd(body, list) + 1)) as string[];
		}
		members.push(member);
		at = next;
	}
	return { members };
}

interface Counters {
	calls: number;
	bytesSent: number;
	/** CPU time spent playing Mailchimp (reading the bodies, building the answers): not ours, subtracted from the run's. */
	responderCpuMs: number;
	byEndpoint: Record<string, number>;
}

/**
 * Answers like Mailchimp, at once. Keeps only what answers need: the audience's merge fields and
 * the tags created, and which emails it has seen (so created/updated are right on a re-run).
 */
export function instantResponder(mergeFields: Array<{ tag: string; name: string; type: string; options?: Record<string, unknown> }>): {
	request: HttpWithAuth;
	counters: Counters;
} {
	const counters: Counters = { calls: 0, bytesSent: 0, responderCpuMs: 0, byEndpoint: {} };
	const tags: Array<{ id: number; name: string; member_count: number; type: 'static' }> = [];
	const tagByName = new Map<string, { id: number; name: string }>();
	const fields = [
		{ tag: 'FNAME', name: 'First Name', type: 'text', options: {} },
		{ tag: 'LNAME', name: 'Last Name', type: 'text', options: {} },
		...mergeFields,
	].map((f, i) => ({
		merge_id: i + 1,
		tag: f.tag,
		name: f.name,
		type: f.type,
		required: false,
		default_value: '',
		public: true,
		display_order: i + 1,
		options: f.options ?? {},
		help_text: '',
		list_id: 'bench',
	}));
	const ok = (body: unknown): FullResponse => ({ statusCode: 200, body, headers: {} });
	const tagsNamed = (names: string[] | undefined): Array<{ id: number; name: string }> => {
		const found: Array<{ id: number; name: string }> = [];
		for (const name of names ?? []) {
			const tag = tagByName.get(name);
			if (tag !== undefined) found.push(tag);
		}
		return found;
	};
	const count = (key: string): void => {
		counters.byEndpoint[key] = (counters.byEndpoint[key] ?? 0) + 1;
	};

	const request: HttpWithAuth = async (_credentialType, options) => {
		counters.calls++;
		// What the HTTP client would do with the body: a Buffer goes as it is, an object is serialised.
		const sent = options.body;
		const payload = sent === undefined ? '' : Buffer.isBuffer(sent) ? sent : JSON.stringify(sent);
		counters.bytesSent += payload.length;
		// From here on, Mailchimp's side.
		const cpu0 = process.cpuUsage();
		const answer = respond(options, Buffer.isBuffer(sent) ? readSerialised(sent) : sent);
		const cpu = process.cpuUsage(cpu0);
		counters.responderCpuMs += (cpu.user + cpu.system) / 1000;
		return options.returnFullResponse ? answer : answer.body;
	};

	const respond = (options: IHttpRequestOptions, received: unknown): FullResponse => {
		const method = options.method ?? 'GET';
		const path = new URL(options.url).pathname.replace(/^.*?\/3\.0/, '');
		const qs = (options.qs ?? {}) as Record<string, unknown>;
		const body = (received ?? {}) as Record<string, unknown>;
		let answer: FullResponse;
		if (method === 'GET' && /^\/lists\/[^/]+\/merge-fields$/.test(path)) {
			count('merge-fields');
			answer = ok({ merge_fields: fields, total_items: fields.length });
		} else if (method === 'GET' && /^\/lists\/[^/]+\/segments$/.test(path)) {
			count('segments:list');
			const offset = Number(qs.offset ?? 0);
			const size = Number(qs.count ?? 10);
			answer = ok({ segments: tags.slice(offset, offset + size), total_items: tags.length });
		} else if (method === 'GET' && /^\/lists\/[^/]+$/.test(path)) {
			count('list');
			answer = ok({ id: 'bench', name: 'Bench', double_optin: false, stats: { member_count: 0 } });
		} else if (method === 'POST' && /^\/lists\/[^/]+\/segments$/.test(path)) {
			count('segments:create');
			const tag = { id: 1000 + tags.length, name: String(body.name), member_count: 0, type: 'static' as const };
			tags.push(tag);
			tagByName.set(tag.name, { id: tag.id, name: tag.name });
			// A new object, as an HTTP client parses one: the node takes an answer's contents over.
			answer = ok({ ...tag });
		} else if (method === 'POST' && /^\/lists\/[^/]+\/segments\/\d+$/.test(path)) {
			count('segments:members');
			const add = (body.members_to_add ?? []) as string[];
			const remove = (body.members_to_remove ?? []) as string[];
			answer = ok({
				members_added: add.map((email) => ({ email_address: email, status: 'subscribed' })),
				members_removed: remove.map((email) => ({ email_address: email, status: 'subscribed' })),
				errors: [],
				total_added: add.length,
				total_removed: remove.length,
				error_count: 0,
			});
		} else if (method === 'GET' && /^\/lists\/[^/]+\/segments\/\d+\/members$/.test(path)) {
			count('segments:members:list');
			answer = ok({ members: [], total_items: 0 });
		} else if (method === 'POST' && /^\/lists\/[^/]+$/.test(path)) {
			count('upsert');
			const members = (body.members ?? []) as Array<{ email_address: string; status?: string; status_if_new?: string; tags?: string[] }>;
			// Mailchimp applies the members' tags (names) and shows each member with its tags.
			const created = members.map((mm) => ({
				id: '',
				email_address: mm.email_address,
				status: mm.status_if_new ?? mm.status ?? 'subscribed',
				tags: tagsNamed(mm.tags),
			}));
			answer = ok({
				new_members: created,
				updated_members: [],
				errors: [],
				total_created: created.length,
				total_updated: 0,
				error_count: 0,
			});
		} else if (method === 'GET' && path === '/ping') {
			answer = ok({ health_status: "Everything's Chimpy!" });
		} else {
			count(`other:${method} ${path}`);
			answer = { statusCode: 404, body: { status: 404, title: 'Resource Not Found', detail: path }, headers: {} };
		}
		// `fields` as the simulator honours it (on POST too).
		if (qs.fields !== undefined) answer.body = filterFields(answer.body, new URLSearchParams({ fields: String(qs.fields) }));
		return answer;
	};
	return { request, counters };
}

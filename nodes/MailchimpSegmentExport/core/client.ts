// The Mailchimp endpoints the export uses, one function each: build the request, check the
// answer (zod), return plain data. Export-level failures (bad key, missing audience) throw
// ExportError; a batch call that Mailchimp refused throws RequestFailedError so the caller can
// reject that batch's rows and go on.

import { z } from 'zod';

import { ExportError, RequestFailedError } from './errors';
import { BodyBuffers, BodyWriter } from './bodyBuffers';
import { jsonBody, jsonBytesOf, releaseJsonBody } from './jsonBody';
import { LIST_ID_RE } from './options';
import { problemText } from './redact';
import { isThrottling403 } from './retry';
import type { ApiResponse, AudiencePage, MergeFieldDefinition, RequestFn } from './types';

export const PAGE_SIZE = 1000;
export const MAX_BATCH = 500;


export function checkListId(listId: string): string {
	if (typeof listId !== 'string' || !LIST_ID_RE.test(listId)) {
		throw new ExportError('The audience ID is not valid', 'Pick the audience from the list, or enter its ID (letters and digits).');
	}
	return listId;
}

const ok = (r: ApiResponse): boolean => r.status >= 200 && r.status < 300;

/** Throws ExportError for the answers no export can go on from (bad key, no permission). */
export function throwIfFatal(response: ApiResponse): void {
	if (response.status === 401) {
		throw new ExportError(
			'Mailchimp refused the credentials (API Key Invalid)',
			'Check the API key (or reconnect the OAuth2 credential): it may be invalid, revoked, or for another data center.',
			401,
		);
	}
	if (response.status === 403 && !isThrottling403(response.body)) {
		throw new ExportError(
			`Mailchimp refused access: ${problemText(response.body)}`,
			'The Mailchimp user behind this credential lacks permission for this audience; check its role in Mailchimp.',
			403,
		);
	}
}

function expectOk(response: ApiResponse, what: string): unknown {
	throwIfFatal(response);
	if (!ok(response)) {
		const text = problemText(response.body);
		throw new ExportError(
			`Mailchimp could not ${what} (HTTP ${response.status})`,
			text || `Mailchimp answered HTTP ${response.status}.`,
			response.status,
		);
	}
	return response.body;
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
	const result = schema.safeParse(body);
	if (!result.success) {
		const issue = result.error.issues[0];
		throw new ExportError(
			`Unexpected answer from Mailchimp when trying to ${what}`,
			`The answer did not have the expected shape (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}).`,
		);
	}
	return result.data;
}

// ---- audiences ----

const listsSchema = z.object({
	lists: z.array(
		z.object({
			id: z.string(),
			name: z.string(),
			stats: z.object({ member_count: z.number().optional() }).partial().optional(),
		}),
	),
	total_items: z.number(),
});

/** One page of the account's audiences; with `search`, the audiences whose name contains it. */
export async function listAudiences(
	request: RequestFn,
	options: { search?: string; offset?: number; count?: number } = {},
): Promise<AudiencePage> {
	const offset = Math.max(0, Math.floor(options.offset ?? 0));
	const count = Math.max(1, Math.min(PAGE_SIZE, Math.floor(options.count ?? 100)));
	const fields = 'lists.id,lists.name,lists.stats.member_count,total_items';
	const toAudience = (l: z.infer<typeof listsSchema>['lists'][number]) => ({
		id: l.id,
		name: l.name,
		memberCount: l.stats?.member_count ?? 0,
	});
	const search = (options.search ?? '').trim().toLowerCase();
	if (search === '') {
		const res = await request({ method: 'GET', path: '/lists', qs: { count, offset, fields } });
		const body = parse(listsSchema, expectOk(res, 'list the audiences'), 'list the audiences');
		return { audiences: body.lists.map(toAudience), total: body.total_items };
	}
	// Mailchimp has no name search for audiences: read them all (accounts have few) and filter.
	const matches: AudiencePage['audiences'] = [];
	for (let page = 0, total = Infinity; page * PAGE_SIZE < total && page < 100; page++) {
		const res = await request({ method: 'GET', path: '/lists', qs: { count: PAGE_SIZE, offset: page * PAGE_SIZE, fields } });
		const body = parse(listsSchema, expectOk(res, 'list the audiences'), 'list the audiences');
		total = body.total_items;
		for (const l of body.lists) if (l.name.toLowerCase().includes(search)) matches.push(toAudience(l));
		if (body.lists.length === 0) break;
	}
	return { audiences: matches.slice(offset, offset + count), total: matches.length };
}

const listSchema = z.object({
	id: z.string(),
	name: z.string(),
	double_optin: z.boolean().optional(),
	stats: z.object({ member_count: z.number().optional(), total_contacts: z.number().optional() }).partial().optional(),
});

export interface ListInfo {
	id: string;
	name: string;
	doubleOptin: boolean;
	memberCount: number;
	/** Every contact the members list holds (subscribed or not); member_count when not answered. */
	totalContacts: number;
}

export async function getList(request: RequestFn, listId: string): Promise<ListInfo> {
	checkListId(listId);
	const res = await request({
		method: 'GET',
		path: `/lists/${listId}`,
		qs: { fields: 'id,name,double_optin,stats.member_count,stats.total_contacts' },
	});
	if (res.status === 404) {
		throw new ExportError(`Audience ${listId} not found`, 'Pick an existing audience: it may have been deleted, or belong to another account.', 404);
	}
	const body = parse(listSchema, expectOk(res, 'read the audience'), 'read the audience');
	const memberCount = body.stats?.member_count ?? 0;
	return { id: body.id, name: body.name, doubleOptin: body.double_optin ?? false, memberCount, totalContacts: body.stats?.total_contacts ?? memberCount };
}

// ---- merge fields ----

const mergeFieldsSchema = z.object({
	merge_fields: z.array(
		z.object({
			merge_id: z.number().optional(),
			tag: z.string(),
			name: z.string().optional(),
			type: z.string(),
			required: z.boolean().optional(),
			options: z
				.object({
					date_format: z.string().optional(),
					choices: z.array(z.string()).optional(),
					phone_format: z.string().optional(),
					default_country: z.number().optional(),
				})
				.partial()
				.optional(),
		}),
	),
	total_items: z.number().optional(),
});

/** The audience's merge fields (tags, types, required, date formats, choices). */
export async function getMergeFields(request: RequestFn, listId: string): Promise<MergeFieldDefinition[]> {
	checkListId(listId);
	const out: MergeFieldDefinition[] = [];
	for (let offset = 0; ; offset += PAGE_SIZE) {
		const res = await request({ method: 'GET', path: `/lists/${listId}/merge-fields`, qs: { count: PAGE_SIZE, offset } });
		if (res.status === 404) {
			throw new ExportError(`Audience ${listId} not found`, 'Pick an existing audience.', 404);
		}
		const body = parse(mergeFieldsSchema, expectOk(res, 'read the merge fields'), 'read the merge fields');
		for (const f of body.merge_fields) {
			out.push({
				mergeId: f.merge_id ?? 0,
				tag: f.tag,
				name: f.name ?? f.tag,
				type: f.type,
				required: f.required ?? false,
				options: {
					dateFormat: f.options?.date_format,
					choices: f.options?.choices,
					phoneFormat: f.options?.phone_format,
					defaultCountry: f.options?.default_country,
				},
			});
		}
		if (body.merge_fields.length < PAGE_SIZE || out.length >= (body.total_items ?? 0)) return out;
	}
}

// ---- tags (static segments) ----

const segmentsSchema = z.object({
	segments: z.array(z.object({ id: z.number(), name: z.string(), member_count: z.number().optional() })),
	total_items: z.number(),
});

export interface StaticSegment {
	id: number;
	name: string;
}

export async function listStaticSegments(request: RequestFn, listId: string): Promise<StaticSegment[]> {
	const out: StaticSegment[] = [];
	for (let offset = 0; ; offset += PAGE_SIZE) {
		const res = await request({
			method: 'GET',
			path: `/lists/${listId}/segments`,
			qs: { type: 'static', count: PAGE_SIZE, offset, fields: 'segments.id,segments.name,total_items' },
		});
		const body = parse(segmentsSchema, expectOk(res, 'read the tags'), 'read the tags');
		for (const s of body.segments) out.push({ id: s.id, name: s.name });
		if (body.segments.length === 0 || offset + PAGE_SIZE >= body.total_items) return out;
	}
}

const createdSegmentSchema = z.object({ id: z.number(), name: z.string() });

export async function createStaticSegment(request: RequestFn, listId: string, name: string): Promise<StaticSegment> {
	const res = await request({ method: 'POST', path: `/lists/${listId}/segments`, body: { name, static_segment: [] } });
	const body = parse(createdSegmentSchema, expectOk(res, `create the tag "${name}"`), 'create a tag');
	return { id: body.id, name: body.name };
}

const segmentMembersSchema = z.object({
	members: z.array(z.object({ email_address: z.string() })),
	total_items: z.number(),
});

/** One page of a tag's members' emails. */
export async function listSegmentMembers(
	request: RequestFn,
	listId: string,
	segmentId: number,
	offset: number,
): Promise<{ emails: string[]; total: number }> {
	const res = await request({
		method: 'GET',
		path: `/lists/${listId}/segments/${segmentId}/members`,
		// Without the include_* flags Mailchimp lists subscribed members only, and a tag's
		// unsubscribed, cleaned and transactional members would keep it for ever.
		qs: {
			count: PAGE_SIZE,
			offset,
			fields: 'members.email_address,total_items',
			include_unsubscribed: true,
			include_cleaned: true,
			include_transactional: true,
		},
	});
	const body = parse(segmentMembersSchema, expectOk(res, 'read the members of a tag'), 'read the members of a tag');
	return { emails: body.members.map((m) => m.email_address), total: body.total_items };
}

// ---- the audience's members ----

/** A member as the members list answers it: only what an export compares. */
export interface ListedMember {
	email: string;
	status: string;
	/** The mapped merge fields as Mailchimp holds them (its own formatting). */
	mergeFields: Record<string, unknown>;
	tagIds: number[];
}

/** The members list's answer, read by hand (a million members come through here), or ShapeError. */
export function readMembersPage(body: unknown): { members: ListedMember[]; total: number } {
	if (!isObject(body)) throw new ShapeError('body');
	const list = listAt(body, 'members');
	const members: ListedMember[] = new Array(list.length);
	for (let i = 0; i < list.length; i++) {
		const m = list[i];
		if (typeof m.email_address !== 'string') throw new ShapeError(`members.${i}.email_address`);
		const merge = m.merge_fields ?? {};
		if (!isObject(merge)) throw new ShapeError(`members.${i}.merge_fields`);
		members[i] = {
			email: m.email_address,
			status: textAt(m, 'status') ?? '',
			mergeFields: merge,
			tagIds: tagsAt(m, `members.${i}`)?.map((t) => t.id) ?? [],
		};
	}
	const total = countAt(body, 'total_items');
	if (total === undefined) throw new ShapeError('total_items');
	return { members, total };
}

/**
 * One page of the audience's members (every status but archived), with `fields` limited to the
 * email, the status, the merge fields `mergeTags` and the tags' ids. Throws RequestFailedError
 * when Mailchimp cannot answer.
 */
export async function listMembers(
	request: RequestFn,
	listId: string,
	offset: number,
	mergeTags: readonly string[],
): Promise<{ members: ListedMember[]; total: number }> {
	const fields = ['members.email_address', 'members.status', ...mergeTags.map((t) => `members.merge_fields.${t}`), 'members.tags.id', 'total_items'];
	const res = await request({ method: 'GET', path: `/lists/${listId}/members`, qs: { count: PAGE_SIZE, offset, fields: fields.join(',') } });
	throwIfFatal(res);
	if (!ok(res)) throw batchFailure(res);
	return readAnswer(res, readMembersPage, "the audience's members list");
}

// ---- batch writes ----

function batchFailure(response: ApiResponse): RequestFailedError {
	const text = problemText(response.body);
	return new RequestFailedError(`Mailchimp refused the batch: HTTP ${response.status}${text ? ` (${text})` : ''}`, response.status);
}

// The batch answers are read by hand rather than with zod: they come 2,000 times for a million
// profiles, and only a few fields of them are read. `fields` asks Mailchimp for just those (the
// members' emails, the errors and the counts instead of 500 full member records); an answer
// that ignores `fields` and carries everything is read the same way.

export interface UpsertError {
	email_address?: string;
	error?: string;
	error_code?: string;
	field?: string;
	field_message?: string;
}

/**
 * A member in the batch answer: its email, and (when asked for) its status and its tags. The
 * answer's own object, checked but not copied (a million profiles bring 2,000 answers of 500).
 */
export interface AnsweredMember {
	readonly email_address: string;
	readonly status?: string | null;
	readonly tags?: ReadonlyArray<{ readonly id: number }> | null;
}

export interface UpsertResult {
	new_members: AnsweredMember[];
	updated_members: AnsweredMember[];
	errors: UpsertError[];
	total_created?: number;
	total_updated?: number;
	error_count?: number;
}

export const UPSERT_FIELDS = [
	'new_members.email_address',
	'new_members.tags.id',
	'updated_members.email_address',
	'updated_members.status',
	'updated_members.tags.id',
	'errors.email_address',
	'errors.error',
	'errors.error_code',
	'errors.field',
	'errors.field_message',
	'total_created',
	'total_updated',
	'error_count',
].join(',');

/** Thrown by the readers below: the answer does not have the expected shape. */
class ShapeError extends Error {}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `body[key]` as a list of objects; a missing key is an empty list. */
function listAt(body: Record<string, unknown>, key: string): Array<Record<string, unknown>> {
	const list = body[key];
	if (list === undefined || list === null) return [];
	if (!Array.isArray(list)) throw new ShapeError(key);
	for (let i = 0; i < list.length; i++) if (!isObject(list[i])) throw new ShapeError(`${key}.${i}`);
	return list as Array<Record<string, unknown>>;
}

function textAt(item: Record<string, unknown>, key: string): string | undefined {
	const value = item[key];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string') throw new ShapeError(key);
	return value;
}

function countAt(body: Record<string, unknown>, key: string): number | undefined {
	const value = body[key];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'number') throw new ShapeError(key);
	return value;
}

/** `item.tags`, checked to be a list of `{ id }`, or undefined when the answer leaves the tags out. */
function tagsAt(item: Record<string, unknown>, where: string): ReadonlyArray<{ readonly id: number }> | undefined {
	const tags = item.tags;
	if (tags === undefined || tags === null) return undefined;
	if (!Array.isArray(tags)) throw new ShapeError(`${where}.tags`);
	for (let i = 0; i < tags.length; i++) {
		const t: unknown = tags[i];
		if (!isObject(t) || typeof t.id !== 'number') throw new ShapeError(`${where}.tags.${i}.id`);
	}
	return tags as ReadonlyArray<{ readonly id: number }>;
}

/** The members listed at `body[key]`, checked in place. */
function membersAt(body: Record<string, unknown>, key: string): AnsweredMember[] {
	const list = listAt(body, key);
	for (let i = 0; i < list.length; i++) {
		if (typeof list[i].email_address !== 'string') throw new ShapeError(`${key}.${i}.email_address`);
		textAt(list[i], 'status');
		tagsAt(list[i], `${key}.${i}`);
	}
	return list as unknown as AnsweredMember[];
}

/** The batch upsert's answer, or ShapeError. */
export function readUpsertResult(body: unknown): UpsertResult {
	if (!isObject(body)) throw new ShapeError('body');
	return {
		new_members: membersAt(body, 'new_members'),
		updated_members: membersAt(body, 'updated_members'),
		errors: listAt(body, 'errors').map((e) => ({
			email_address: textAt(e, 'email_address'),
			error: textAt(e, 'error'),
			error_code: textAt(e, 'error_code'),
			field: textAt(e, 'field'),
			field_message: textAt(e, 'field_message'),
		})),
		total_created: countAt(body, 'total_created'),
		total_updated: countAt(body, 'total_updated'),
		error_count: countAt(body, 'error_count'),
	};
}

/** Reads a batch answer; an answer of another shape fails the batch (RequestFailedError). */
function readAnswer<T>(response: ApiResponse, read: (body: unknown) => T, what: string): T {
	let problem: ShapeError;
	try {
		return read(response.body);
	} catch (error) {
		// Only ShapeError can come from the readers.
		problem = error as ShapeError;
	}
	throw new RequestFailedError(`Mailchimp answered ${what} with an unexpected shape (${problem.message})`, response.status);
}

/**
 * The member as the batch upsert takes it: `status_if_new` only, never `status`. `tags`: names of
 * tags to add (never `sync_tags`, which would remove the others); the answer shows which it got.
 */
export interface MemberUpsert {
	email_address: string;
	status_if_new: 'subscribed' | 'pending' | 'transactional';
	merge_fields?: Record<string, unknown>;
	tags?: string[];
}

// What starts each member in a batch's JSON text (MemberBuilder writes the email first), after
// the `[` of the list or the `,` between members. Nothing else can: inside a JSON string a quote
// is escaped, and an object inside a member (its merge fields, an address) follows a colon.
const MEMBER_START = Buffer.from('{"email_address":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const COMMA = 0x2c;

/** Members serialised together: few enough to die young, enough that JSON.stringify costs no more than for the whole batch. */
const PENDING_MEMBERS = 64;

/**
 * A batch upsert's members, serialised into the request body's bytes as they are added: a batch
 * waits for up to 500 members, for room in the pool and for Mailchimp's answer, long enough for
 * what it holds to be promoted to V8's old space and wait there for a full collection (in a heap
 * near its limit V8 keeps the young generation small, and promotes most of what outlives a
 * scavenge). So it holds the JSON text only, and the member objects die young (see jsonBody.ts).
 * The members' emails are read back from that text when the answer comes (`hasEmail`,
 * `emailAt`): the batch holds no string per member.
 */
export class UpsertBatch {
	private writer: BodyWriter | undefined;
	/** Members not written yet: serialised in groups, as one JSON.stringify per member costs about 12% more CPU. */
	private pending: MemberUpsert[] = [];
	private sealed: object | undefined;
	private count = 0;
	/** Where each member's email is in the text, as [start, end) byte offsets inside its quotes. */
	private emails: number[] | undefined;

	/** `buffers`: where the body's bytes are written (reused memory, see `release`). */
	constructor(private readonly buffers = new BodyBuffers()) {}

	get size(): number {
		return this.count;
	}

	add(member: MemberUpsert): void {
		if (this.sealed !== undefined) throw new Error('The batch is sealed');
		this.pending.push(member);
		this.count++;
		if (this.pending.length === PENDING_MEMBERS) this.flushPending();
	}

	/** Writes the pending members: their list's text without its brackets, after a comma unless they are the first. */
	private flushPending(): void {
		if (this.pending.length === 0) return;
		const writer = this.opened();
		if (this.count > this.pending.length) writer.write(',');
		const text = JSON.stringify(this.pending);
		writer.write(text.slice(1, -1));
		this.pending = [];
	}

	/** Ends the text: `{"members":[...],"update_existing":true}`, as JSON.stringify writes it. */
	seal(): void {
		if (this.sealed !== undefined) return;
		this.flushPending();
		const writer = this.opened();
		writer.write('],"update_existing":true}');
		this.writer = undefined;
		this.sealed = jsonBody(writer.bytes(), ['members', 'update_existing'], this.count);
	}

	private opened(): BodyWriter {
		if (this.writer !== undefined) return this.writer;
		this.writer = new BodyWriter(this.buffers);
		this.writer.write('{"members":[');
		return this.writer;
	}

	/**
	 * Gives the body's bytes back to the buffers they were written into, once its request has
	 * settled for good (answered, or failed after its retries): neither the body nor the
	 * members' emails can be read afterwards.
	 */
	release(): void {
		if (this.sealed === undefined) return;
		const bytes = releaseJsonBody(this.sealed);
		if (bytes !== undefined) this.buffers.release(bytes);
	}

	/** The request body: `{ members, update_existing: true }`. */
	body(): object {
		this.seal();
		return this.sealed!;
	}

	/** Whether member `i`'s email, as sent, is `email`: compared in the text, decoded only past ASCII or an escape. */
	hasEmail(i: number, email: string): boolean {
		const bytes = this.bytes();
		const spans = this.emailSpans();
		const start = spans[2 * i];
		const length = spans[2 * i + 1] - start;
		for (let k = 0; k < length; k++) {
			const b = bytes[start + k];
			if (b >= 0x80 || b === BACKSLASH) return this.emailAt(i) === email;
			if (b !== email.charCodeAt(k)) return false;
		}
		return length === email.length;
	}

	/** Member `i`'s email, as sent. */
	emailAt(i: number): string {
		const spans = this.emailSpans();
		return JSON.parse(this.bytes().toString('utf8', spans[2 * i] - 1, spans[2 * i + 1] + 1)) as string;
	}

	private bytes(): Buffer {
		this.seal();
		return jsonBytesOf(this.sealed)!;
	}

	private emailSpans(): number[] {
		if (this.emails !== undefined) return this.emails;
		const bytes = this.bytes();
		const spans = new Array<number>(2 * this.count);
		let from = 0;
		for (let i = 0; i < this.count; i++) {
			const before = i === 0 ? OPEN_BRACKET : COMMA;
			let at = bytes.indexOf(MEMBER_START, from);
			while (at > 0 && bytes[at - 1] !== before) at = bytes.indexOf(MEMBER_START, at + 1);
			if (at < 0) throw new Error(`Member ${i} of the batch was not found in its text`);
			let end = at + MEMBER_START.length;
			spans[2 * i] = end;
			while (end < bytes.length && bytes[end] !== QUOTE) end += bytes[end] === BACKSLASH ? 2 : 1;
			spans[2 * i + 1] = end;
			from = end + 1;
		}
		this.emails = spans;
		return spans;
	}
}

/**
 * `POST /lists/{id}` with up to 500 members, `update_existing: true`; with `skipMergeValidation`,
 * Mailchimp accepts members whose required merge fields are empty.
 */
export async function upsertMembers(
	request: RequestFn,
	listId: string,
	members: UpsertBatch,
	skipMergeValidation = false,
): Promise<UpsertResult> {
	const res = await request({
		method: 'POST',
		path: `/lists/${listId}`,
		qs: skipMergeValidation ? { fields: UPSERT_FIELDS, skip_merge_validation: true } : { fields: UPSERT_FIELDS },
		body: members.body(),
	});
	throwIfFatal(res);
	if (!ok(res)) throw batchFailure(res);
	return readAnswer(res, readUpsertResult, 'the batch');
}

export interface SegmentUpdateResult {
	members_added?: Array<{ email_address: string }>;
	total_added?: number;
	total_removed?: number;
	errors: Array<{ email_addresses: string[]; error?: string }>;
}

export const SEGMENT_UPDATE_FIELDS = 'members_added.email_address,total_added,total_removed,errors.email_addresses,errors.error,error_count';

/** The answer to adding or removing tag members (without the members' records), or ShapeError. */
export function readSegmentUpdate(body: unknown): SegmentUpdateResult {
	if (!isObject(body)) throw new ShapeError('body');
	const added = body.members_added === undefined || body.members_added === null ? undefined : membersAt(body, 'members_added');
	return {
		members_added: added?.map((m) => ({ email_address: m.email_address })),
		total_added: countAt(body, 'total_added'),
		total_removed: countAt(body, 'total_removed'),
		errors: listAt(body, 'errors').map((e, i) => {
			const emails = e.email_addresses ?? [];
			if (!Array.isArray(emails) || !emails.every((x) => typeof x === 'string')) throw new ShapeError(`errors.${i}.email_addresses`);
			return { email_addresses: emails as string[], error: textAt(e, 'error') };
		}),
	};
}

/** `POST /lists/{id}/segments/{segment}` with up to 500 emails to add or to remove. */
export async function updateSegmentMembers(
	request: RequestFn,
	listId: string,
	segmentId: number,
	change: { add?: string[]; remove?: string[] },
): Promise<SegmentUpdateResult> {
	const body: Record<string, string[]> = {};
	if (change.add !== undefined) body.members_to_add = change.add;
	if (change.remove !== undefined) body.members_to_remove = change.remove;
	const res = await request({ method: 'POST', path: `/lists/${listId}/segments/${segmentId}`, qs: { fields: SEGMENT_UPDATE_FIELDS }, body });
	throwIfFatal(res);
	if (!ok(res)) throw batchFailure(res);
	return readAnswer(res, readSegmentUpdate, 'the tag update');
}

// ---- one member ----

const memberSchema = z.object({
	status: z.string(),
	tags: z.array(z.object({ id: z.number() })).default([]),
});

/** A member as Mailchimp holds it now: its status (`archived` included) and its tags' ids. */
export interface MemberPresence {
	status: string;
	tagIds: number[];
}

/**
 * `GET /lists/{id}/members/{email}` (the API takes the address in place of the subscriber
 * hash): the member, or null when the audience has no such contact. Throws RequestFailedError
 * when Mailchimp cannot answer.
 */
export async function getMember(request: RequestFn, listId: string, email: string): Promise<MemberPresence | null> {
	const res = await request({
		method: 'GET',
		path: `/lists/${listId}/members/${encodeURIComponent(email)}`,
		qs: { fields: 'status,tags' },
	});
	if (res.status === 404) return null;
	throwIfFatal(res);
	if (!ok(res)) throw batchFailure(res);
	const parsed = memberSchema.safeParse(res.body);
	if (!parsed.success) throw new RequestFailedError('Mailchimp answered a member lookup with an unexpected shape', res.status);
	return { status: parsed.data.status, tagIds: parsed.data.tags.map((t) => t.id) };
}

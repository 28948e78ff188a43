// Builders for the fast layer of the export core: a planned export, the tags it sends to, and
// Mailchimp's answers to upserts, tag calls and lookups, with no server (mockRequest).
import { MemberIndex, buildPlan } from '../../../nodes/MailchimpSegmentExport/core/plan';
import { checkOptions } from '../../../nodes/MailchimpSegmentExport/core/options';
import { ProfileMapper } from '../../../nodes/MailchimpSegmentExport/core/profile';
import { Report } from '../../../nodes/MailchimpSegmentExport/core/report';
import { Runner } from '../../../nodes/MailchimpSegmentExport/core/runner';
import { Sender, countExported } from '../../../nodes/MailchimpSegmentExport/core/send';
import { type TagTarget, ensureTags, segmentReport } from '../../../nodes/MailchimpSegmentExport/core/tags';
import type { ApiRequest, ApiResponse, ExportOptions, ExportSummary, ProfileSource, RequestFn } from '../../../nodes/MailchimpSegmentExport/core/types';
import { bodyOf, mockRequest } from '../mockRequest';
import { field, instantSleep, options } from './helpers';

export const LIST = 'list1';
export const UPSERT = `POST /lists/${LIST}`;
export const TAGS = `/lists/${LIST}/segments`;
export const tagCall = (tagId: number): string => `POST ${TAGS}/${tagId}`;
export const lookup = (email: string): string => `GET /lists/${LIST}/members/${encodeURIComponent(email)}`;

export const MERGE_FIELDS = [field('FNAME', 'text'), field('LNAME', 'text'), field('LTV', 'number')];
/** Two tries, no wait: a batch that fails twice has failed for good. */
const FAST_RETRY = { maxTries: 2, baseDelayMs: 0, maxDelayMs: 0 };

type Answers = Parameters<typeof mockRequest>[0];
type Answer = (call: ApiRequest) => ApiResponse;

export const email = (i: number): string => `user${i}@example.com`;
export const person = (i: number, segment: unknown = 'vip'): Record<string, unknown> => ({ email: email(i), first: `F${i}`, last: `L${i}`, segment });
export const people = (n: number, segment: unknown = 'vip'): Array<Record<string, unknown>> => Array.from({ length: n }, (_, i) => person(i, segment));

/** Rows of one file: row i of input item `itemIndex`. */
export const fileRows = (data: readonly unknown[], itemIndex: number): ProfileSource => () => data.map((d, index) => ({ index, itemIndex, data: d }));

export const runner = (request: RequestFn, maxConcurrency = 10): Runner =>
	new Runner(request, { maxConcurrency, retry: FAST_RETRY, sleep: instantSleep });

export interface Planned {
	mapper: ProfileMapper;
	report: Report;
	index: MemberIndex;
	options: ExportOptions;
}

/** Pass 1 over `source` with the test options (list1, email/first/last/segment) changed by `over`. */
export async function plan(source: ProfileSource, over: Partial<ExportOptions> = {}): Promise<Planned> {
	const checked = checkOptions(options({ retry: FAST_RETRY, ...over }));
	const mapper = new ProfileMapper(checked, MERGE_FIELDS);
	const report = new Report();
	const index = await buildPlan(source, mapper, checked.maxProfiles, report, () => undefined);
	return { mapper, report, index, options: checked };
}

/** The export's tags as ensureTags finds them in an audience holding `existing` (name: id). */
export async function tagsIn(planned: Planned, existing: Record<string, number>): Promise<TagTarget[]> {
	const segments = Object.entries(existing).map(([name, id]) => ({ id, name }));
	const { request } = mockRequest({ [`GET ${TAGS}`]: { status: 200, body: { segments, total_items: segments.length } } });
	return await ensureTags(runner(request), LIST, planned.mapper.segments.names, planned.index.usedSegments(), false);
}

export interface Sent extends Planned {
	/** Every request pass 2 sent, in order. */
	sent: ApiRequest[];
	summary: ExportSummary;
}

/**
 * Plans `source` and runs pass 2 (Sender.run) against `answers`; the tags vip (7) and churn (8)
 * exist. `second` is what the second read of the input yields (default: the same rows).
 */
export async function send(source: ProfileSource, answers: Answers, over: Partial<ExportOptions> = {}, second: ProfileSource = source): Promise<Sent> {
	const planned = await plan(source, over);
	const targets = await tagsIn(planned, { vip: 7, churn: 8 });
	const mock = mockRequest(answers);
	const pool = runner(mock.request, planned.options.maxConcurrency);
	const { options: o, report, index } = planned;
	const sender = new Sender({
		runner: pool,
		listId: LIST,
		mapper: planned.mapper,
		index,
		report,
		targets,
		// audienceDefault is runExport's to resolve (from the audience's double opt-in).
		statusIfNew: o.statusIfNew === 'audienceDefault' ? 'subscribed' : o.statusIfNew,
		skipMergeValidation: false,
		dryRun: o.dryRun,
		maxConcurrency: o.maxConcurrency,
	});
	await sender.run(second);
	const { summary } = report.result({
		exported: countExported(index),
		segments: targets.map(segmentReport),
		apiCalls: pool.apiCalls,
		retries: pool.retries,
		durationMs: 0,
		dryRun: o.dryRun,
	});
	return { ...planned, sent: mock.sent, summary };
}

// ---- Mailchimp's answers ----

interface UpsertBody {
	members: Array<{ email_address: string; status_if_new: string; merge_fields?: Record<string, unknown> }>;
	update_existing: boolean;
}

export const upsertBody = (call: ApiRequest): UpsertBody => bodyOf<UpsertBody>(call);
export const membersOf = (call: ApiRequest): string[] => upsertBody(call).members.map((m) => m.email_address);
export const requestsTo = (sent: readonly ApiRequest[], key: string): ApiRequest[] => sent.filter((call) => `${call.method} ${call.path}` === key);

/** How Mailchimp answers for one member of an upsert: created, updated, left out of the answer, or refused. */
export type MemberFate = 'new' | 'updated' | 'archived' | 'left out' | { error: string; error_code?: string; field?: string };

/** An upsert answer: each member as `fate` says (default: new), as Mailchimp's batch answer lists them. */
export function upsertAnswer(fate: (email: string) => MemberFate = () => 'new'): Answer {
	return (call) => {
		const body = { new_members: [] as object[], updated_members: [] as object[], errors: [] as object[] };
		for (const address of membersOf(call)) {
			const f = fate(address);
			if (f === 'new') body.new_members.push({ email_address: address, tags: [] });
			else if (f === 'updated') body.updated_members.push({ email_address: address, status: 'subscribed', tags: [] });
			else if (f === 'archived') body.updated_members.push({ email_address: address, status: 'archived', tags: [] });
			else if (f !== 'left out') body.errors.push({ email_address: address, ...f });
		}
		return { status: 200, body };
	};
}

interface TagBody {
	members_to_add?: string[];
	members_to_remove?: string[];
}

export const tagBody = (call: ApiRequest): TagBody => bodyOf<TagBody>(call);

/** A tag call's answer: every email added or removed, but those `refused` lists, with `error`. */
export function tagAnswer(refused: readonly string[] = [], error = 'Member is not in the audience'): Answer {
	return (call) => {
		const { members_to_add: add = [], members_to_remove: remove = [] } = tagBody(call);
		const done = (emails: string[]) => emails.filter((e) => !refused.includes(e));
		const failed = [...add, ...remove].filter((e) => refused.includes(e));
		const errors = failed.length === 0 ? [] : [{ email_addresses: failed, error }];
		return {
			status: 200,
			body: {
				members_added: done(add).map((e) => ({ email_address: e })),
				total_added: done(add).length,
				total_removed: done(remove).length,
				errors,
			},
		};
	};
}

/** Answers every upsert as new and every tag call as done, for the tags vip (7) and churn (8). */
export const mailchimp = (over: Answers = {}): Answers => ({ [UPSERT]: upsertAnswer(), [tagCall(7)]: tagAnswer(), [tagCall(8)]: tagAnswer(), ...over });

/** A Mailchimp error answer (problem document). */
export const problem = (status: number, title: string): ApiResponse => ({ status, body: { title, detail: `${title}.` } });

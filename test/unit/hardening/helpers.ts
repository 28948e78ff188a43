// Shared set-up of the hardening suites: a simulator audience with a merge field of every
// type, a request function that records (and schema-checks) every body it sends, and the
// accounting check that every input row ended exported, rejected (with a reason) or skipped.

import type {
	ApiRequest,
	ExportOptions,
	ExportResult,
	RequestFn,
} from '../../../nodes/MailchimpSegmentExport/core';
import { options, rowsOf } from '../core/helpers';
import { createRequestFn } from '../../simulator/client';
import { asSent } from '../mockRequest';
import { type Simulator, start } from '../../simulator/server';
import type { MergeFieldSpec, SimulatorOptions } from '../../simulator/types';
import { schemaErrors } from '../../simulator/validation';

/** One merge field of each type (FNAME, LNAME, ADDRESS, PHONE are the audience's defaults). */
export const AUDIENCE_FIELDS: MergeFieldSpec[] = [
	{ tag: 'LTV', type: 'number' },
	{ tag: 'SIGNUP', type: 'date', options: { date_format: 'DD/MM/YYYY' } },
	{ tag: 'BDAY', type: 'birthday', options: { date_format: 'MM/DD' } },
	{ tag: 'SITE', type: 'url' },
	{ tag: 'PLAN', type: 'dropdown', options: { choices: ['Gold', 'Silver', 'Bronze'] } },
	{ tag: 'CHANNEL', type: 'radio', options: { choices: ['Email', 'SMS'] } },
	{ tag: 'CITY', type: 'text', required: true },
];

/** Every merge field mapped from a same-named lower-case profile field. */
export const ALL_ATTRIBUTES: ExportOptions['mapping']['attributes'] = [
	{ mergeField: 'LTV', sourceField: 'ltv' },
	{ mergeField: 'SIGNUP', sourceField: 'signup' },
	{ mergeField: 'BDAY', sourceField: 'bday' },
	{ mergeField: 'SITE', sourceField: 'site' },
	{ mergeField: 'PLAN', sourceField: 'plan' },
	{ mergeField: 'CHANNEL', sourceField: 'channel' },
	{ mergeField: 'CITY', sourceField: 'city' },
	{ mergeField: 'ADDRESS', sourceField: 'address' },
	{ mergeField: 'PHONE', sourceField: 'phone' },
];

export const FAST_RETRY = { maxTries: 20, baseDelayMs: 1, maxDelayMs: 5 };

/** A real but capped sleep (at most 50 ms; tests use small retry delays) that honours the signal. */
export const shortSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
	new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(new Error('aborted'));
		setTimeout(resolve, Math.min(ms, 50));
	});

export function exportOptions(listId: string, over: Partial<ExportOptions> = {}): ExportOptions {
	return options({ listId, retry: FAST_RETRY, ...over });
}

export { rowsOf };

/** Bodies the core sent, with any schema errors found in them (checked here, not only by the simulator). */
export interface Recorder {
	request: RequestFn;
	sent: ApiRequest[];
	schemaProblems: string[];
}

const SCHEMAS: Array<[RegExp, string]> = [
	[/^\/lists\/[^/]+$/, 'Members_to_Subscribe_Unsubscribe_to_from_a_List_in_batch'],
	[/^\/lists\/[^/]+\/segments$/, 'List_8'],
	[/^\/lists\/[^/]+\/segments\/\d+$/, 'Members_to_add_remove_to_from_a_static_segment'],
];

export function recording(inner: RequestFn): Recorder {
	const sent: ApiRequest[] = [];
	const schemaProblems: string[] = [];
	const request: RequestFn = (r) => {
		sent.push(asSent(r));
		if (r.method !== 'GET') {
			const schema = SCHEMAS.find(([re]) => re.test(r.path))?.[1];
			if (schema === undefined) schemaProblems.push(`${r.method} ${r.path}: no known schema`);
			else for (const e of schemaErrors(schema, r.body)) schemaProblems.push(`${r.method} ${r.path}: ${e.field} ${e.message}`);
		}
		return inner(r);
	};
	return { request, sent, schemaProblems };
}

/** True when `value` has a key named `name` at any depth. */
export function hasKeyDeep(value: unknown, name: string): boolean {
	if (value === null || typeof value !== 'object') return false;
	if (Array.isArray(value)) return value.some((v) => hasKeyDeep(v, name));
	for (const key of Object.keys(value)) {
		if (key === name || hasKeyDeep((value as Record<string, unknown>)[key], name)) return true;
	}
	return false;
}

export interface Audience {
	sim: Simulator;
	listId: string;
	/** The simulator client (no recording). */
	direct: RequestFn;
}

export async function startAudience(simOptions: SimulatorOptions = {}, timeoutMs?: number): Promise<Audience> {
	const sim = await start({ port: 0, ...simOptions });
	const listId = sim.state.addList({ name: 'Hardening', mergeFields: AUDIENCE_FIELDS });
	return { sim, listId, direct: createRequestFn({ url: sim.url, apiKey: sim.apiKey }, { timeoutMs }) };
}

/** Requests that wrote something (anything but GET), as the simulator logged them. */
export const writes = (sim: Simulator) => sim.state.requestLog.filter((e) => e.method !== 'GET');

/** The simulator answered no request with a 400 (schema or otherwise). */
export const badRequests = (sim: Simulator) => sim.state.requestLog.filter((e) => e.status === 400);

/**
 * The count invariant and the per-row accounting: every rejected row once, with a reason (and
 * the field for our own value codes); the rows not rejected are exported or skipped.
 */
export function checkAccounting(result: ExportResult, rows: number, emailPath = 'email'): void {
	const { summary, rejected } = result;
	expect(summary.profilesIn).toBe(rows);
	expect(summary.profilesIn).toBe(
		summary.exported + summary.rejected + summary.skipped.noConsent + summary.skipped.notInSelectedSegments + summary.skipped.duplicate,
	);
	expect(rejected).toHaveLength(summary.rejected);
	const seen = new Set<number>();
	for (const r of rejected) {
		expect(seen.has(r.index)).toBe(false);
		seen.add(r.index);
		expect(r.index).toBeGreaterThanOrEqual(0);
		expect(r.index).toBeLessThan(rows);
		expect(typeof r.reason).toBe('string');
		expect(r.reason.trim().length).toBeGreaterThan(0);
		if (r.code === 'INVALID_VALUE') {
			expect(r.field).toBeDefined();
			expect(r.reason).toContain(r.field as string);
		}
		if (r.code === 'INVALID_EMAIL' || r.code === 'MISSING_EMAIL') expect(r.field).toBe(emailPath);
	}
}

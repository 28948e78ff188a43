// The state API under /_sim/ (no auth, no faults, no latency): seed and inspect the
// simulator from tests, demos and other processes. Real Mailchimp paths all start with /3.0.
import { z } from 'zod';
import { behaviourOf } from '../behaviour';
import type { Faults } from '../faults';
import { ApiError, invalidResource, notFound } from '../problem';
import type { SimulatorState } from '../state';
import type { FaultOptions, ListSeed, MemberSeed } from '../types';

const status = z.enum(['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional']);
const memberSeed = z.object({
	email: z.string(),
	status: status.optional(),
	mergeFields: z.record(z.unknown()).optional(),
	locked: z.boolean().optional(),
	tags: z.array(z.string()).optional(),
});
const members = z.object({
	members: z.array(memberSeed).default([]),
	/** Emails to add as permanently deleted contacts. */
	forgotten: z.array(z.string()).default([]),
	/** Contacts archived (not in the audience); locked ones cannot be subscribed again. */
	archived: z.array(z.object({ email: z.string(), locked: z.boolean().default(false) })).default([]),
});
const mergeField = z.object({
	tag: z.string(),
	name: z.string().optional(),
	type: z.enum(['text', 'number', 'address', 'phone', 'date', 'url', 'imageurl', 'radio', 'dropdown', 'birthday', 'zip']),
	required: z.boolean().optional(),
	options: z
		.object({ date_format: z.string().optional(), choices: z.array(z.string()).optional(), phone_format: z.string().optional() })
		.optional(),
});
const listSeed = members.extend({
	id: z.string().optional(),
	name: z.string(),
	doubleOptin: z.boolean().optional(),
	mergeFields: z.array(mergeField).optional(),
});
const faultsBody = z.object({
	faults: z.object({
		errorRate: z.number().min(0).max(1).optional(),
		errorStatuses: z.array(z.number().int()).optional(),
		resetRate: z.number().min(0).max(1).optional(),
		slowRate: z.number().min(0).max(1).optional(),
		slowMs: z.number().min(0).optional(),
		storm: z
			.object({ startAfterRequests: z.number().int().min(0), count: z.number().int().min(0), status: z.union([z.literal(429), z.literal(403)]).optional() })
			.optional(),
	}),
	seed: z.number().int().optional(),
});

const behaviourBody = z.object({
	listUnchangedMembers: z.boolean().optional(),
	archivedUpsert: z.enum(['restore', 'stayArchived', 'listedAsUpdated']).optional(),
	listAlreadyTagged: z.boolean().optional(),
	reportUnknownTagEmails: z.boolean().optional(),
	retryAfterSeconds: z.number().int().min(0).optional(),
	batchTags: z.enum(['apply', 'newOnly', 'ignore']).optional(),
});

export interface SimControl {
	state: SimulatorState;
	faults: Faults;
}

function parse<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, body: unknown): T {
	const result = schema.safeParse(body ?? {});
	if (!result.success) {
		throw invalidResource(
			'The state API body is invalid.',
			result.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message })),
		);
	}
	return result.data;
}

function seedMembers(
	state: SimulatorState,
	listId: string,
	body: { members: MemberSeed[]; forgotten: string[]; archived: Array<{ email: string; locked: boolean }> },
): number {
	for (const member of body.members) state.addMember(listId, member);
	for (const email of body.forgotten) state.forget(listId, email);
	for (const contact of body.archived) state.archive(listId, contact.email, contact.locked);
	return body.members.length + body.forgotten.length + body.archived.length;
}

function requireList(state: SimulatorState, listId: string): void {
	if (!state.list(listId)) throw notFound();
}

/** Answers a /_sim/ request; `path` is without the /_sim prefix. */
export function handleSim(control: SimControl, method: string, path: string, body: unknown): { status: number; body: unknown } {
	const { state } = control;
	const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
	const route = `${method} ${parts.map((part, i) => (i % 2 === 1 && parts[0] === 'lists' ? ':' : part)).join('/')}`;
	switch (route) {
		case 'POST reset':
			state.reset();
			return { status: 200, body: { ok: true } };
		case 'POST lists': {
			const seed = parse(listSeed, body);
			let id: string;
			try {
				id = state.addList(seed as ListSeed);
			} catch (error) {
				throw invalidResource((error as Error).message);
			}
			const added = seedMembers(state, id, seed);
			return { status: 200, body: { id, members: added } };
		}
		case 'POST lists/:/members':
			requireList(state, parts[1]);
			return { status: 200, body: { members: seedMembers(state, parts[1], parse(members, body)) } };
		case 'GET lists/:/members/:': {
			requireList(state, parts[1]);
			const member = state.member(parts[1], parts[3]);
			if (!member) throw notFound();
			return { status: 200, body: member };
		}
		case 'GET lists/:/tags':
			requireList(state, parts[1]);
			return {
				status: 200,
				body: {
					tags: state.tags(parts[1]).map((tag) => ({ ...tag, members: state.tagMembers(parts[1], tag.name) })),
				},
			};
		case 'GET requests':
			return { status: 200, body: { requests: state.requestLog } };
		case 'GET counters':
			return { status: 200, body: { ...state.counters, maxInFlightSeen: state.maxInFlightSeen } };
		case 'POST faults': {
			const { faults, seed } = parse(faultsBody, body);
			control.faults.configure(faults as FaultOptions, seed);
			return { status: 200, body: { faults } };
		}
		case 'POST behaviour':
			// Replaces every switch: the ones left out go back to their defaults.
			state.behaviour = behaviourOf(parse(behaviourBody, body));
			return { status: 200, body: { behaviour: state.behaviour } };
		default:
			throw new ApiError(404, 'Resource Not Found', `No state API route ${method} /_sim${path}.`);
	}
}

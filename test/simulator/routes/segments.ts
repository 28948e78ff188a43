// Tags as static segments: list, create, add/remove members, page through members.
import { subscriberHash } from '../email';
import { invalidResource, notFound } from '../problem';
import { paging } from '../paging';
import type { Route } from '../router';
import type { List, Segment } from '../state';
import type { MemberStatus } from '../types';
import { memberView, segmentView } from '../views';
import { listOr404 } from './common';

const NOT_ON_LIST = 'Email addresses are not subscribed to the list';

function segmentOr404(list: List, id: string): Segment {
	const segment = list.segments.get(Number(id));
	if (!segment) throw notFound();
	return segment;
}

/** Hashes of the emails that are on the list, and the emails that are not. */
function resolve(list: List, emails: string[]): { hashes: string[]; missing: string[] } {
	const hashes: string[] = [];
	const missing: string[] = [];
	for (const email of emails) {
		const hash = subscriberHash(email);
		if (list.members.has(hash)) hashes.push(hash);
		else missing.push(email);
	}
	return { hashes, missing };
}

function visiblePage(list: List, segment: Segment, hidden: ReadonlySet<MemberStatus>, offset: number, count: number) {
	const visible = [...segment.members].filter((hash) => !hidden.has(list.members.get(hash)!.status));
	return { page: visible.slice(offset, offset + count), total: visible.length };
}

export const segmentRoutes: Route[] = [
	{
		method: 'GET',
		path: '/lists/:list_id/segments',
		endpoint: 'segments',
		latency: 'read',
		handle: ({ state, params, query }) => {
			const list = listOr404(state, params.list_id);
			const type = query.get('type');
			const { offset, count } = paging(query);
			// Every segment here is static, so another type filter matches none.
			const segments = type && type !== 'static' ? [] : [...list.segments.values()];
			return {
				status: 200,
				body: {
					segments: segments.slice(offset, offset + count).map((segment) => segmentView(list, segment)),
					list_id: list.id,
					total_items: segments.length,
				},
			};
		},
	},
	{
		method: 'POST',
		path: '/lists/:list_id/segments',
		endpoint: 'segmentCreate',
		latency: 'segmentMembers',
		bodySchema: 'List_8',
		handle: ({ state, params, body }) => {
			const list = listOr404(state, params.list_id);
			const { name, static_segment: emails, options } = body as { name: string; static_segment?: string[]; options?: unknown };
			if (options !== undefined || emails === undefined) {
				throw invalidResource('The simulator supports static segments only: send static_segment.');
			}
			if (state.behaviour.sameNameTag === 'refuse' && list.segmentByName(name)) throw invalidResource(`A tag or segment named "${name}" already exists.`);
			const segment = list.createSegment(name);
			for (const hash of resolve(list, emails).hashes) segment.add(hash);
			return { status: 200, members: emails.length, body: segmentView(list, segment) };
		},
	},
	{
		method: 'POST',
		path: '/lists/:list_id/segments/:segment_id',
		endpoint: 'segmentMembers',
		latency: 'segmentMembers',
		bodySchema: 'Members_to_add_remove_to_from_a_static_segment',
		handle: ({ state, params, body }) => {
			const list = listOr404(state, params.list_id);
			const segment = segmentOr404(list, params.segment_id);
			const { members_to_add: toAdd = [], members_to_remove: toRemove = [] } = body as {
				members_to_add?: string[];
				members_to_remove?: string[];
			};
			const { behaviour } = state;
			const added = resolve(list, toAdd);
			const removed = resolve(list, toRemove);
			const newlyAdded = behaviour.listAlreadyTagged ? added.hashes : added.hashes.filter((hash) => !segment.members.has(hash));
			for (const hash of added.hashes) segment.add(hash);
			for (const hash of removed.hashes) segment.remove(hash);
			const view = (hash: string) => memberView(list, hash, list.members.get(hash)!);
			// "Any emails provided that are not present on the list will be ignored" (API definition).
			const missing = behaviour.reportUnknownTagEmails ? [...added.missing, ...removed.missing] : [];
			return {
				status: 200,
				members: toAdd.length + toRemove.length,
				body: {
					members_added: newlyAdded.map(view),
					members_removed: removed.hashes.map(view),
					errors: missing.length ? [{ email_addresses: missing, error: NOT_ON_LIST }] : [],
					total_added: newlyAdded.length,
					total_removed: removed.hashes.length,
					error_count: missing.length,
					_links: [],
				},
			};
		},
	},
	{
		method: 'GET',
		path: '/lists/:list_id/segments/:segment_id/members',
		endpoint: 'segmentMemberList',
		latency: 'read',
		handle: ({ state, params, query }) => {
			const list = listOr404(state, params.list_id);
			const segment = segmentOr404(list, params.segment_id);
			const { offset, count } = paging(query);
			// Subscribed (and pending) members only, unless the include_* flags ask for the others
			// (API definition, GET /lists/{list_id}/segments/{segment_id}/members).
			const hidden = new Set<MemberStatus>();
			for (const status of ['unsubscribed', 'cleaned', 'transactional'] as const) {
				if (query.get(`include_${status}`) !== 'true') hidden.add(status);
			}
			const shown =
				hidden.size === 0
					? { page: segment.page(offset, count), total: segment.members.size }
					: visiblePage(list, segment, hidden, offset, count);
			const members = shown.page.map((hash) => memberView(list, hash, list.members.get(hash)!));
			return { status: 200, body: { members, total_items: shown.total } };
		},
	},
];

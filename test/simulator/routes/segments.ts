// Tags as static segments: list, create, add/remove members, page through members.
import { subscriberHash } from '../email';
import { invalidResource, notFound } from '../problem';
import { paging } from '../paging';
import type { Route } from '../router';
import type { List, Segment } from '../state';
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
		handle: ({ state, behaviour, params, body }) => {
			const list = listOr404(state, params.list_id);
			const { name, static_segment: emails, options } = body as { name: string; static_segment?: string[]; options?: unknown };
			if (options !== undefined || emails === undefined) {
				throw invalidResource('The simulator supports static segments only: send static_segment.');
			}
			if (behaviour.sameNameTag === 'refuse' && list.segmentByName(name)) throw invalidResource(`A tag or segment named "${name}" already exists.`);
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
			const added = resolve(list, toAdd);
			const removed = resolve(list, toRemove);
			for (const hash of added.hashes) segment.add(hash);
			for (const hash of removed.hashes) segment.remove(hash);
			const view = (hash: string) => memberView(list, hash, list.members.get(hash)!);
			const missing = [...added.missing, ...removed.missing];
			return {
				status: 200,
				members: toAdd.length + toRemove.length,
				body: {
					members_added: added.hashes.map(view),
					members_removed: removed.hashes.map(view),
					errors: missing.length ? [{ email_addresses: missing, error: NOT_ON_LIST }] : [],
					total_added: added.hashes.length,
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
			const members = segment.page(offset, count).map((hash) => memberView(list, hash, list.members.get(hash)!));
			return { status: 200, body: { members, total_items: segment.members.size } };
		},
	},
];

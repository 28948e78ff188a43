// The members list, and one member: read it, or add/update it with PUT (n8n's
// one-request-per-member pattern).
import { subscriberHash } from '../email';
import { paging } from '../paging';
import { ApiError, invalidResource, notFound } from '../problem';
import type { Route } from '../router';
import { upsertMember, type MemberInput } from '../upsert';
import { Member } from '../state';
import { archivedView, memberView } from '../views';
import { listOr404 } from './common';

const STATUSES = new Set(['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional', 'archived']);

export const memberRoutes: Route[] = [
	{
		method: 'GET',
		path: '/lists/:list_id/members',
		endpoint: 'members',
		latency: 'memberList',
		handle: ({ state, params, query }) => {
			const list = listOr404(state, params.list_id);
			const { offset, count } = paging(query);
			const status = query.get('status');
			if (status !== null && !STATUSES.has(status)) {
				throw invalidResource('The resource submitted could not be validated.', [{ field: 'status', message: 'Data presented is not one of the accepted values.' }]);
			}
			const page = list.memberPage(offset, count, status);
			const members = page.hashes.map((hash) => {
				const member = list.members.get(hash);
				if (member) return memberView(list, hash, member, state.behaviour);
				const archived = list.archived.get(hash)!;
				return archivedView(list, hash, new Member(archived.email, 'unsubscribed', undefined, archived.locked, list.created));
			});
			return { status: 200, members: members.length, body: { members, list_id: list.id, total_items: page.total, _links: [] } };
		},
	},
	{
		method: 'GET',
		path: '/lists/:list_id/members/:hash',
		endpoint: 'member',
		latency: 'read',
		handle: ({ state, params }) => {
			const list = listOr404(state, params.list_id);
			const hash = params.hash.includes('@') ? subscriberHash(params.hash) : params.hash.toLowerCase();
			const member = list.members.get(hash);
			if (member) return { status: 200, body: memberView(list, hash, member, state.behaviour) };
			// Archived contacts are still read, with status archived (the members list filters by it).
			const archived = list.archived.get(hash);
			if (!archived) throw notFound();
			return { status: 200, body: archivedView(list, hash, new Member(archived.email, 'unsubscribed', undefined, archived.locked, list.created)) };
		},
	},
	{
		method: 'PUT',
		path: '/lists/:list_id/members/:hash',
		endpoint: 'memberPut',
		latency: 'memberPut',
		bodySchema: 'Add_List_Members_2',
		handle: ({ state, params, query, body }) => {
			const list = listOr404(state, params.list_id);
			const input = body as MemberInput;
			const hash = params.hash.includes('@') ? subscriberHash(params.hash) : params.hash.toLowerCase();
			if (subscriberHash(input.email_address) !== hash) {
				throw invalidResource("The email address doesn't match the subscriber hash in the URL.", [
					{ field: 'email_address', message: 'Does not match the subscriber hash.' },
				]);
			}
			const skip = query.get('skip_merge_validation');
			const result = upsertMember(list, input, {
				updateExisting: true,
				syncTags: false,
				skipMergeValidation: skip === 'true' || skip === '1',
				restoreArchived: state.behaviour.archivedUpsert === 'restore',
				tags: 'apply',
			});
			if (result.kind === 'error') {
				if (result.field && result.field !== 'email_address') {
					throw invalidResource('Your merge fields were invalid.', [
						{ field: result.field, message: result.fieldMessage ?? result.error },
					]);
				}
				throw new ApiError(400, result.title, result.error);
			}
			const view = result.kind === 'archived' ? archivedView : memberView;
			return { status: 200, members: 1, body: view(list, result.hash, result.member) };
		},
	},
];

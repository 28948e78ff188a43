// Ping, audiences, merge fields and the batch upsert (POST /lists/{id}).
import { paging } from '../paging';
import type { Route } from '../router';
import { upsertMember, type MemberInput } from '../upsert';
import { archivedView, listView, memberView, mergeFieldView } from '../views';
import { listOr404 } from './common';

interface BatchBody {
	members: MemberInput[];
	update_existing?: boolean;
	sync_tags?: boolean;
}

const isTrue = (value: string | null): boolean => value === 'true' || value === '1';

export const listRoutes: Route[] = [
	{
		method: 'GET',
		path: '/ping',
		endpoint: 'ping',
		latency: 'read',
		handle: () => ({ status: 200, body: { health_status: "Everything's Chimpy!" } }),
	},
	{
		method: 'GET',
		path: '/lists',
		endpoint: 'lists',
		latency: 'read',
		handle: ({ state, query }) => {
			const { offset, count } = paging(query);
			const lists = [...state.lists.values()];
			return {
				status: 200,
				body: { lists: lists.slice(offset, offset + count).map(listView), total_items: lists.length },
			};
		},
	},
	{
		method: 'GET',
		path: '/lists/:list_id',
		endpoint: 'list',
		latency: 'read',
		handle: ({ state, params }) => ({ status: 200, body: listView(listOr404(state, params.list_id)) }),
	},
	{
		method: 'GET',
		path: '/lists/:list_id/merge-fields',
		endpoint: 'mergeFields',
		latency: 'read',
		handle: ({ state, params, query }) => {
			const list = listOr404(state, params.list_id);
			const { offset, count } = paging(query);
			const fields = [...list.mergeFields.values()];
			return {
				status: 200,
				body: {
					merge_fields: fields.slice(offset, offset + count).map((field) => mergeFieldView(list, field)),
					list_id: list.id,
					total_items: fields.length,
				},
			};
		},
	},
	{
		method: 'POST',
		path: '/lists/:list_id',
		endpoint: 'upsert',
		latency: 'upsert',
		bodySchema: 'Members_to_Subscribe_Unsubscribe_to_from_a_List_in_batch',
		handle: ({ state, params, query, body }) => {
			const list = listOr404(state, params.list_id);
			const batch = body as BatchBody;
			const { behaviour } = state;
			const rules = {
				updateExisting: batch.update_existing ?? false,
				syncTags: batch.sync_tags ?? false,
				skipMergeValidation: isTrue(query.get('skip_merge_validation')),
				restoreArchived: behaviour.archivedUpsert === 'restore',
				tags: behaviour.batchTags,
			};
			let tagged = 0;
			const created: unknown[] = [];
			const updated: unknown[] = [];
			const errors: unknown[] = [];
			for (const input of batch.members) {
				const result = upsertMember(list, input, rules);
				if ('tagged' in result) tagged += result.tagged;
				if (result.kind === 'error') {
					const row: Record<string, string> = {
						email_address: input.email_address,
						error: result.error,
						error_code: result.code,
					};
					if (result.field) {
						row.field = result.field;
						row.field_message = result.fieldMessage ?? result.error;
					}
					errors.push(row);
				} else if (result.kind === 'created') {
					created.push(memberView(list, result.hash, result.member));
				} else if (result.kind === 'archived') {
					if (behaviour.archivedUpsert === 'listedAsUpdated') updated.push(archivedView(list, result.hash, result.member));
				} else if (result.kind === 'updated' || behaviour.listUnchangedMembers) {
					updated.push(memberView(list, result.hash, result.member));
				}
			}
			return {
				status: 200,
				members: batch.members.length,
				tagged,
				body: {
					new_members: created,
					updated_members: updated,
					errors,
					total_created: created.length,
					total_updated: updated.length,
					error_count: errors.length,
					_links: [],
				},
			};
		},
	},
];

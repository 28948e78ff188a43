// Adding or updating one member, shared by the batch upsert and the single-member PUT.
import { isValidEmail, looksFake, subscriberHash } from './email';
import { checkMergeFields } from './merge';
import { Member, type List } from './state';
import type { MemberStatus } from './types';

export interface MemberInput {
	email_address: string;
	status?: MemberStatus;
	status_if_new?: MemberStatus;
	merge_fields?: Record<string, unknown>;
	tags?: string[];
}

export interface UpsertRules {
	updateExisting: boolean;
	skipMergeValidation: boolean;
	syncTags: boolean;
	/** An archived contact sent without `status` comes back (BehaviourOptions.archivedUpsert). */
	restoreArchived: boolean;
	/** What happens to the member's `tags` (BehaviourOptions.batchTags). */
	tags: 'apply' | 'newOnly' | 'ignore';
}

export type UpsertResult =
	/** `unchanged`: an existing member whose status, merge values and tags stay as they were. */
	| { kind: 'created' | 'updated' | 'unchanged'; hash: string; member: Member; tagged: number }
	/** An archived contact left archived. */
	| { kind: 'archived'; hash: string; member: Member }
	| {
			kind: 'error';
			/** Problem title when answered as a whole request (PUT). */
			title: string;
			error: string;
			code: 'ERROR_CONTACT_EXISTS' | 'ERROR_GENERIC';
			field?: string;
			fieldMessage?: string;
	  };

function rowError(title: string, error: string, field?: string, fieldMessage?: string): UpsertResult {
	return { kind: 'error', title, error, code: 'ERROR_GENERIC', field, fieldMessage };
}

export function upsertMember(list: List, input: MemberInput, rules: UpsertRules): UpsertResult {
	const email = input.email_address;
	if (!isValidEmail(email)) {
		const message = 'Please provide a valid email address.';
		return rowError('Invalid Resource', message, 'email_address', message);
	}
	const hash = subscriberHash(email);
	if (list.forgotten.has(hash)) {
		return rowError(
			'Forgotten Email Not Subscribed',
			`${email} was permanently deleted and cannot be re-imported. The contact must re-subscribe to get back on the list.`,
		);
	}
	if (looksFake(email)) {
		return rowError('Invalid Resource', `${email} looks fake or invalid, please enter a real email address.`);
	}
	const existing = list.members.get(hash);
	if (existing && !rules.updateExisting) {
		return {
			kind: 'error',
			title: 'Member Exists',
			error: `${email} is already a list member. Use PUT to insert or update list members.`,
			code: 'ERROR_CONTACT_EXISTS',
		};
	}

	const archived = existing ? undefined : list.archived.get(hash);
	if (archived && !rules.restoreArchived && input.status === undefined) {
		return { kind: 'archived', hash, member: new Member(archived.email, 'unsubscribed', undefined, archived.locked, Date.now()) };
	}

	let status: MemberStatus | undefined;
	if (existing) status = existing.status === 'cleaned' ? 'cleaned' : (input.status ?? existing.status);
	else status = input.status ?? input.status_if_new;
	if (!status) {
		const message = 'Please provide a status for new members (status or status_if_new).';
		return rowError('Invalid Resource', message, 'status', message);
	}
	const locked = existing ? existing.locked : archived?.locked === true;
	if (locked && status === 'subscribed' && existing?.status !== 'subscribed') {
		return rowError(
			'Member In Compliance State',
			`${email} is in a compliance state due to unsubscribe, bounce, or compliance review and cannot be subscribed.`,
		);
	}

	const before = existing ? JSON.stringify(existing.merge ?? {}) : '';
	const merge = rules.skipMergeValidation
		? { values: input.merge_fields ? { ...existing?.merge, ...input.merge_fields } : existing?.merge }
		: checkMergeFields(list.mergeFields, list.requiredTags, input.merge_fields, existing?.merge);
	if ('error' in merge) return rowError('Invalid Resource', merge.error.message, merge.error.field, merge.error.message);

	const now = Date.now();
	const tags = input.tags !== undefined && (rules.tags === 'apply' || (rules.tags === 'newOnly' && !existing)) ? input.tags : undefined;
	const tagged = tags?.length ?? 0;
	let member: Member;
	if (existing) {
		const same = status === existing.status && JSON.stringify(merge.values ?? {}) === before && (tags === undefined || !changesTags(list, hash, tags, rules.syncTags));
		if (same) return { kind: 'unchanged', hash, member: existing, tagged };
		member = existing;
		if (status !== existing.status) list.setStatus(existing, status);
		existing.merge = merge.values;
		existing.changed = now;
	} else {
		member = new Member(email, status, merge.values, locked, now);
		list.archived.delete(hash);
		list.insert(hash, member);
	}
	if (tags !== undefined) applyTags(list, hash, tags, rules.syncTags);
	return { kind: existing ? 'updated' : 'created', hash, member, tagged };
}

function changesTags(list: List, hash: string, names: string[], sync: boolean): boolean {
	if (names.some((name) => list.segmentByName(name)?.members.has(hash) !== true)) return true;
	return sync && [...list.segments.values()].some((segment) => segment.members.has(hash) && !names.includes(segment.name));
}

function applyTags(list: List, hash: string, names: string[], sync: boolean): void {
	for (const name of names) (list.segmentByName(name) ?? list.createSegment(name)).add(hash);
	if (sync) {
		for (const segment of list.segments.values()) if (!names.includes(segment.name)) segment.remove(hash);
	}
}

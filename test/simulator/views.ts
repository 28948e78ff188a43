// What the API answers for lists, members, merge fields and segments: small but
// valid against the definition's response schemas.
import type { Behaviour } from './behaviour';
import { answeredValue } from './merge';
import type { List, Member, MergeField, Segment } from './state';

let lastSecond = -1;
let lastStamp = '';

/** Mailchimp's timestamp form, e.g. 2024-05-01T10:00:00+00:00 (cached: a batch shares its second). */
export function timestamp(ms: number): string {
	const second = Math.floor(ms / 1000);
	if (second !== lastSecond) {
		lastSecond = second;
		lastStamp = new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
	}
	return lastStamp;
}

/** A member as the API answers it; with `behaviour`, its merge values as a member read formats them. */
export function memberView(list: List, hash: string, member: Member, behaviour?: Behaviour): Record<string, unknown> {
	const mergeFields: Record<string, unknown> = {};
	for (const [tag, field] of list.mergeFields) {
		const value = member.merge?.[tag] ?? '';
		mergeFields[tag] = behaviour === undefined ? value : answeredValue(field, value, behaviour);
	}
	const tags = list.tagsOf(hash).map((segment) => ({ id: segment.id, name: segment.name }));
	return {
		id: hash,
		email_address: member.email,
		unique_email_id: hash.slice(0, 10),
		status: member.status,
		merge_fields: mergeFields,
		last_changed: timestamp(member.changed),
		tags,
		list_id: list.id,
	};
}

/** An archived contact as a member read answers it: status `archived`, no tags. */
export function archivedView(list: List, hash: string, member: Member): Record<string, unknown> {
	return { ...memberView(list, hash, member), status: 'archived', tags: [] };
}

export function listView(list: List): Record<string, unknown> {
	return {
		id: list.id,
		web_id: list.webId,
		name: list.name,
		date_created: timestamp(list.created),
		list_rating: 0,
		email_type_option: false,
		visibility: 'prv',
		double_optin: list.doubleOptin,
		marketing_permissions: false,
		stats: {
			member_count: list.counts.subscribed,
			total_contacts: list.members.size,
			unsubscribe_count: list.counts.unsubscribed,
			cleaned_count: list.counts.cleaned,
			merge_field_count: list.mergeFields.size,
		},
	};
}

export function mergeFieldView(list: List, field: MergeField): Record<string, unknown> {
	const options: Record<string, unknown> = {};
	if (field.options?.date_format) options.date_format = field.options.date_format;
	if (field.options?.choices) options.choices = field.options.choices;
	if (field.type === 'phone') options.phone_format = field.options?.phone_format ?? 'none';
	if (field.type === 'text') options.size = 25;
	return {
		merge_id: field.mergeId,
		tag: field.tag,
		name: field.name,
		type: field.type,
		required: field.required,
		default_value: '',
		public: true,
		display_order: field.mergeId,
		options,
		help_text: '',
		list_id: list.id,
	};
}

export function segmentView(list: List, segment: Segment): Record<string, unknown> {
	return {
		id: segment.id,
		name: segment.name,
		member_count: segment.members.size,
		type: 'static',
		created_at: timestamp(segment.created),
		updated_at: timestamp(segment.updated),
		list_id: list.id,
	};
}

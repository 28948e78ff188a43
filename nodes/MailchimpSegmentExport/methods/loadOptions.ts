import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { getMergeFields as fetchMergeFields } from '../core';
import { asAuthentication, toNodeError } from '../execute/errors';
import { createRequestFn } from '../transport/request';

/**
 * The chosen audience's merge fields for the attribute mapping, shown as `NAME (TAG, type)`
 * with the tag as value. EMAIL is left out: the Email Field parameter maps it.
 */
export async function getMergeFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const listId = this.getNodeParameter('audience', '', { extractValue: true }) as string;
	if (typeof listId !== 'string' || listId.trim() === '') return [];
	try {
		const request = await createRequestFn(this, asAuthentication(this.getNodeParameter('authentication', 'apiKey')));
		const fields = await fetchMergeFields(request, listId.trim());
		return fields
			.filter((field) => field.tag !== 'EMAIL')
			.map((field) => ({
				name: `${field.name} (${field.tag}, ${field.type})`,
				value: field.tag,
				description: describeField(field),
			}));
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

function describeField(field: { required: boolean; options?: unknown }): string | undefined {
	const notes: string[] = [];
	if (field.required) notes.push('Required by the audience');
	const choices = (field.options as { choices?: unknown } | undefined)?.choices;
	if (Array.isArray(choices) && choices.length > 0) notes.push(`One of: ${choices.join(', ')}`);
	return notes.length > 0 ? notes.join('. ') : undefined;
}

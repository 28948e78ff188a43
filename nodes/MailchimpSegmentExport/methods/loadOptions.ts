import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { getMergeFields as fetchMergeFields, listStaticSegments } from '../core';
import { asAuthentication, toNodeError } from '../execute/errors';
import { createRequestFn } from '../transport/request';

/** Merge fields that have their own parameter: Email Field, First Name Field, Last Name Field. */
const OWN_PARAMETER = new Set(['EMAIL', 'FNAME', 'LNAME']);

/**
 * The chosen audience's merge fields for the attribute mapping, shown as `NAME (TAG, type)`
 * with the tag as value. EMAIL, FNAME and LNAME are left out: their own parameters map them,
 * and mapping one twice would stop the export.
 */
export async function getMergeFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const listId = this.getNodeParameter('audience', '', { extractValue: true }) as string;
	if (typeof listId !== 'string' || listId.trim() === '') return [];
	try {
		const request = await createRequestFn(this, asAuthentication(this.getNodeParameter('authentication', 'apiKey')));
		const fields = await fetchMergeFields(request, listId.trim());
		return fields
			.filter((field) => !OWN_PARAMETER.has(field.tag))
			.map((field) => ({
				name: `${field.name} (${field.tag}, ${field.type})`,
				value: field.tag,
				description: describeField(field),
			}));
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

/** What a person needs to know to map a field: required, its choices, the shape of an address. */
export function describeField(field: { type: string; required: boolean; options?: unknown }): string | undefined {
	const notes: string[] = [];
	if (field.required) notes.push('Required by the audience');
	if (field.type === 'address') {
		notes.push('Map a field holding an object with addr1, city, state and zip (addr2 and country optional)');
	}
	const choices = (field.options as { choices?: unknown } | undefined)?.choices;
	if (Array.isArray(choices) && choices.length > 0) notes.push(`One of: ${choices.join(', ')}`);
	return notes.length > 0 ? notes.join('. ') : undefined;
}

/**
 * The chosen audience's tags for Segments to Export, by name (segments are matched to tags by
 * name). Names that are not tags yet go in New Segments to Export.
 */
export async function getTags(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const listId = this.getNodeParameter('audience', '', { extractValue: true }) as string;
	if (typeof listId !== 'string' || listId.trim() === '') return [];
	try {
		const request = await createRequestFn(this, asAuthentication(this.getNodeParameter('authentication', 'apiKey')));
		const tags = await listStaticSegments(request, listId.trim());
		return tags
			.map((tag) => ({ name: tag.name, value: tag.name }))
			.sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }));
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { getMergeFields as fetchMergeFields, listStaticSegments } from '../core';
import type { RequestFn } from '../core/types';
import { toNodeError } from '../execute/errors';
import { asAuthentication } from '../execute/parameters';
import { createRequestFn } from '../transport/request';

/**
 * The options `load` makes from the chosen audience; none while no audience is chosen. Errors
 * come out as n8n errors with Mailchimp's reason.
 */
async function fromAudience(
	ctx: ILoadOptionsFunctions,
	load: (request: RequestFn, listId: string) => Promise<INodePropertyOptions[]>,
): Promise<INodePropertyOptions[]> {
	const listId = ctx.getNodeParameter('audience', '', { extractValue: true }) as string;
	if (typeof listId !== 'string' || listId.trim() === '') return [];
	try {
		const request = await createRequestFn(ctx, asAuthentication(ctx.getNodeParameter('authentication', 'apiKey')));
		return await load(request, listId.trim());
	} catch (error) {
		throw toNodeError(ctx.getNode(), error);
	}
}

/** Merge fields that have their own parameter: Email Field, First Name Field, Last Name Field. */
const OWN_PARAMETER = new Set(['EMAIL', 'FNAME', 'LNAME']);

/**
 * The chosen audience's merge fields for the attribute mapping, shown as `NAME (TAG, type)`
 * with the tag as value. EMAIL, FNAME and LNAME are left out: their own parameters map them,
 * and mapping one twice would stop the export.
 */
export async function getMergeFields(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	return await fromAudience(this, async (request, listId) =>
		(await fetchMergeFields(request, listId))
			.filter((field) => !OWN_PARAMETER.has(field.tag))
			.map((field) => ({
				name: `${field.name} (${field.tag}, ${field.type})`,
				value: field.tag,
				description: describeField(field),
			})),
	);
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
	return await fromAudience(this, async (request, listId) =>
		(await listStaticSegments(request, listId))
			.map((tag) => ({ name: tag.name, value: tag.name }))
			.sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' })),
	);
}

import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listAudiences } from '../core';
import { toNodeError } from '../execute/errors';
import { asAuthentication } from '../execute/parameters';
import { createRequestFn } from '../transport/request';

/** Audiences per page of the "From List" picker. */
export const AUDIENCE_PAGE_SIZE = 100;

/**
 * The account's audiences for the Audience picker, a page at a time. The pagination token is
 * the offset of the next page, as a string.
 */
export async function searchAudiences(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const offset = Math.max(0, Number.parseInt(paginationToken ?? '0', 10) || 0);
	try {
		const request = await createRequestFn(this, asAuthentication(this.getNodeParameter('authentication', 'apiKey')));
		const search = filter?.trim() || undefined;
		const { audiences, total } = await listAudiences(request, {
			search,
			offset,
			count: AUDIENCE_PAGE_SIZE,
		});
		const next = offset + AUDIENCE_PAGE_SIZE;
		return {
			results: audiences.map((audience) => ({
				name: audience.name,
				value: audience.id,
				description: `${audience.memberCount} members, ID ${audience.id}`,
			})),
			paginationToken: audiences.length > 0 && next < total ? String(next) : undefined,
		};
	} catch (error) {
		throw toNodeError(this.getNode(), error);
	}
}

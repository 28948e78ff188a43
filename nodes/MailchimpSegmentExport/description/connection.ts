import type { INodeProperties } from 'n8n-workflow';

import { LIST_ID_PATTERN } from '../core/options';

/** How the node signs in, and which audience it writes to. */
export const connectionProperties: INodeProperties[] = [
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [
			{ name: 'API Key', value: 'apiKey' },
			{ name: 'OAuth2', value: 'oAuth2' },
		],
		default: 'apiKey',
	},
	{
		displayName: 'Audience',
		name: 'audience',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The Mailchimp audience (list) that receives the profiles and the segment tags',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select an audience...',
				typeOptions: {
					searchListMethod: 'searchAudiences',
					searchable: true,
				},
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. a1b2c3d4e5',
				hint: 'The audience ID from Audience > Settings > Audience name and defaults',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: LIST_ID_PATTERN,
							errorMessage: 'An audience ID has only letters and digits, e.g. a1b2c3d4e5',
						},
					},
				],
			},
		],
	},
];

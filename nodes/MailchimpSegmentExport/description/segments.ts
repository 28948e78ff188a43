import type { INodeProperties } from 'n8n-workflow';

/** Which segment each profile belongs to; every segment becomes a Mailchimp tag. */
export const segmentProperties: INodeProperties[] = [
	{
		displayName: 'Segment Source',
		name: 'segmentSource',
		type: 'options',
		options: [
			{
				name: 'Fixed Segment',
				value: 'fixed',
				description: 'The whole input is one segment',
			},
			{
				name: 'From a Field',
				value: 'field',
				description: 'A field of each profile holds a segment name or a list of names',
			},
		],
		default: 'field',
	},
	{
		displayName: 'Segment Field',
		name: 'segmentField',
		type: 'string',
		default: 'segments',
		requiresDataPath: 'single',
		placeholder: 'e.g. segments',
		description:
			'Path of the field holding the segment name, a list of names, or names separated by commas (for a CSV file: the column name)',
		displayOptions: { show: { segmentSource: ['field'] } },
	},
	{
		displayName: 'Segment Name',
		name: 'segmentName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. High value customers',
		description: 'Name of the segment, exported as a Mailchimp tag of that name',
		displayOptions: { show: { segmentSource: ['fixed'] } },
	},
	{
		displayName: 'Segments to Export',
		name: 'segmentTags',
		type: 'multiOptions',
		typeOptions: {
			loadOptionsMethod: 'getTags',
			loadOptionsDependsOn: ['audience.value'],
		},
		default: [],
		description:
			'The audience\'s tags whose segments are exported; segments that are not tags yet go in New Segments to Export, and with both empty every segment found in the input is exported. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName: 'New Segments to Export',
		name: 'segments',
		type: 'string',
		default: '',
		placeholder: 'e.g. High value customers, Churn risk',
		description:
			'Comma-separated names of more segments to export, e.g. ones that are not tags of the audience yet (their tags are created)',
	},
];

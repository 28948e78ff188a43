import type { INodeProperties } from 'n8n-workflow';

// Field parameters hold a path into each profile (`email`, `contact.email`, a CSV column
// name), not an expression evaluated per item: `requiresDataPath` makes a field dragged from
// the input panel fill in its path, and the node reads every profile directly.

export const mappingProperties: INodeProperties[] = [
	{
		displayName: 'Email Field',
		name: 'emailField',
		type: 'string',
		default: 'email',
		required: true,
		requiresDataPath: 'single',
		placeholder: 'e.g. contact.email',
		description:
			'Path of the field holding the email address, e.g. contact.email (for a CSV file: the column name)',
	},
	{
		displayName: 'First Name Field',
		name: 'firstNameField',
		type: 'string',
		default: '',
		requiresDataPath: 'single',
		placeholder: 'e.g. firstName',
		description: 'Path of the field exported as the FNAME merge field; leave empty to not export it',
	},
	{
		displayName: 'Last Name Field',
		name: 'lastNameField',
		type: 'string',
		default: '',
		requiresDataPath: 'single',
		placeholder: 'e.g. lastName',
		description: 'Path of the field exported as the LNAME merge field; leave empty to not export it',
	},
	{
		displayName: 'Attributes',
		name: 'attributes',
		type: 'fixedCollection',
		placeholder: 'Add Attribute',
		typeOptions: { multipleValues: true },
		default: {},
		description: 'More profile fields to export, each to a merge field of the audience',
		options: [
			{
				displayName: 'Attribute',
				name: 'attribute',
				values: [
					// The list is the audience's merge fields; "Name or ID" and the expression
					// boilerplate would say nothing to a person picking one.
					{
						// eslint-disable-next-line n8n-nodes-base/node-param-display-name-wrong-for-dynamic-options
						displayName: 'Merge Field',
						name: 'mergeField',
						type: 'options',
						typeOptions: {
							loadOptionsMethod: 'getMergeFields',
							loadOptionsDependsOn: ['audience.value'],
						},
						default: '',
						// eslint-disable-next-line n8n-nodes-base/node-param-description-wrong-for-dynamic-options
						description:
							'The audience field that receives the value. Email, first and last name have their own fields above. To map an address, point Source Field at an object with addr1, city, state and zip.',
					},
					{
						displayName: 'Source Field',
						name: 'sourceField',
						type: 'string',
						default: '',
						requiresDataPath: 'single',
						placeholder: 'e.g. stats.lifetimeValue',
						description: 'Path of the profile field to export (for a CSV file: the column name)',
					},
				],
			},
		],
	},
];

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
					// n8n's community package scan requires "Name or ID" in the name of a loaded list and
					// the standard sentence at the end of its description (inline lint exceptions do not
					// count there): what a person needs to know comes first.
					{
						displayName: 'Merge Field Name or ID',
						name: 'mergeField',
						type: 'options',
						typeOptions: {
							loadOptionsMethod: 'getMergeFields',
							loadOptionsDependsOn: ['audience.value'],
						},
						default: '',
						description:
							'The audience field that receives the value; email, first and last name have their own fields above, and an address takes an object with addr1, city, state and zip. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
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

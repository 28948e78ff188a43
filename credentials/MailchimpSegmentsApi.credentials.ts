import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { API_KEY_ROOT_EXPRESSION } from '../nodes/MailchimpSegmentExport/transport/connection';
import { baseUrlProperty, consentProperties } from './connectionProperties';

export class MailchimpSegmentsApi implements ICredentialType {
	name = 'mailchimpSegmentsApi';

	displayName = 'Mailchimp Segments API';

	icon: Icon = { light: 'file:mailchimp.svg', dark: 'file:mailchimp.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-mailchimp-segments/n8n-nodes-mailchimp-segments#setting-up-the-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The whole key from Mailchimp > Profile > Extras > API keys. It ends in your data center, such as -us6.',
		},
		...consentProperties,
		baseUrlProperty('it replaces https://&lt;dc&gt;.api.mailchimp.com/3.0'),
	];

	// Basic auth, any user name, the key as password. A function, not a generic block: n8n
	// evaluates a generic block's expression through its expression engine on every request,
	// which costs more than the rest of our request handling for a batch of 500 members.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return { ...requestOptions, auth: { username: 'anystring', password: String(credentials.apiKey).trim() } };
	}

	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			baseURL: API_KEY_ROOT_EXPRESSION,
			url: '/ping',
		},
	};
}

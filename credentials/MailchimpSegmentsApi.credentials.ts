import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { baseUrlProperty, consentProperties } from './connectionProperties';

// The API root for the credential test, computed inside n8n's expression engine. The key
// must end in a data center (two letters, 1-3 digits) before any host is built from it;
// a malformed key or Base URL points the test at a reserved `.invalid` name that says
// what is wrong, so nothing is ever sent to a host the key chose.
const API_ROOT = String.raw`={{ !/^\S+-[a-z]{2}[0-9]{1,3}$/.test(String($credentials.apiKey || '').trim()) ? 'https://the-api-key-must-end-in-a-data-center-such-as-us6.invalid' : String($credentials.baseUrl || '').trim() === '' ? 'https://' + String($credentials.apiKey).trim().split('-').pop() + '.api.mailchimp.com/3.0' : /^https?:\/\/[^\s/?#@]+[^\s?#@]*$/i.test(String($credentials.baseUrl).trim()) ? String($credentials.baseUrl).trim().replace(/\/+$/, '') : 'https://the-base-url-must-be-an-http-or-https-address.invalid' }}`;

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
			baseURL: API_ROOT,
			url: '/ping',
		},
	};
}

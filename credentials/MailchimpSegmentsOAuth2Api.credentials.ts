import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

import { baseUrlProperty, consentProperties } from './connectionProperties';

// Mailchimp OAuth2: authorization code grant, no scopes, tokens that never expire. The
// data center is not in the token: the node reads it from Mailchimp's metadata endpoint
// once per execution. n8n's editor checks an OAuth2 credential by connecting it (the
// "Connect my account" button), so there is no separate test request here.
export class MailchimpSegmentsOAuth2Api implements ICredentialType {
	name = 'mailchimpSegmentsOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Mailchimp Segments OAuth2 API';

	icon: Icon = { light: 'file:mailchimp.svg', dark: 'file:mailchimp.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-mailchimp-segments/n8n-nodes-mailchimp-segments#setting-up-the-credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: 'https://login.mailchimp.com/oauth2/authorize',
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: 'https://login.mailchimp.com/oauth2/token',
			required: true,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			// Mailchimp's token endpoint takes the client id and secret in the form body.
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
		...consentProperties,
		baseUrlProperty(
			'it replaces https://&lt;dc&gt;.api.mailchimp.com/3.0 (the metadata lookup then goes to /oauth2/metadata on the same host)',
		),
	];
}

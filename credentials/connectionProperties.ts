import type { INodeProperties } from 'n8n-workflow';

// What both Mailchimp Segments credentials carry besides the secret: the data privacy notice
// with its consent toggle, and the optional Base URL.

export const consentProperties: INodeProperties[] = [
	{
		displayName:
			'Exporting sends personal data (email addresses, names and other profile attributes) out of n8n to Mailchimp. You are responsible for having a lawful basis and your contacts\' consent to do so, and for what Mailchimp does with the data. The Mailchimp Segment Export node refuses to export until the toggle below is on.',
		name: 'consentNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'I Agree to the Data Privacy and Compliance Notice',
		name: 'consent',
		type: 'boolean',
		default: false,
		description: 'Whether you agree to the notice above. Exports are blocked until you do.',
	},
	{
		// The credential test only checks the key: without this, "Connection tested
		// successfully" would be all a person sees before the first export is refused.
		displayName:
			'Exports stay blocked until "I Agree to the Data Privacy and Compliance Notice" is on. Testing the connection checks the key only, not the consent.',
		name: 'consentMissingNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { consent: [false] } },
	},
];

/** The Base URL field; `replaces` says what it stands in for with this credential. */
export function baseUrlProperty(replaces: string): INodeProperties {
	return {
		displayName: 'Base URL',
		name: 'baseUrl',
		type: 'string',
		default: '',
		placeholder: 'e.g. https://us6.api.mailchimp.com/3.0',
		description: `Leave empty to use Mailchimp. Set it only to send requests through a proxy or to the Mailchimp simulator; ${replaces} and must start with http:// or https://.`,
	};
}

// GET /oauth2/metadata (login.mailchimp.com in real life): where an OAuth token's account lives.

export function oauthMetadata(authorization: string | undefined, token: string | undefined): Record<string, unknown> {
	const match = /^OAuth\s+(.+)$/i.exec(authorization ?? '');
	if (!token || !match || match[1].trim() !== token) return { error: 'invalid_token' };
	return {
		dc: 'us1',
		role: 'owner',
		accountname: 'Simulator',
		user_id: 1,
		login: {
			email: 'owner@simulator.invalid',
			avatar: null,
			login_id: 1,
			login_name: 'simulator',
			login_email: 'owner@simulator.invalid',
		},
		login_url: 'https://login.mailchimp.com',
		api_endpoint: 'https://us1.api.mailchimp.com',
	};
}

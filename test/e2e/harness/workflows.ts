/**
 * Small builders for the workflow and credential JSON the scenarios import into n8n.
 */
import { n8nId, NODE_TYPE, type CredentialJson, type WorkflowJson } from './n8n';

export interface NodeSpec {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
}

/** A linear workflow a -> b -> c (main output 0 to input 0), laid out left to right. */
export function chain(name: string, nodes: NodeSpec[], extraConnections: Record<string, any> = {}): WorkflowJson {
	const laid = nodes.map((n, i) => ({ id: `${i + 1}`.padStart(8, '0') + '-0000-4000-8000-000000000000', position: [250 + 220 * i, 300], ...n }));
	const connections: Record<string, any> = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { id: n8nId('wf'), name, nodes: laid, connections: { ...connections, ...extraConnections }, settings: { executionOrder: 'v1' } };
}

export function manualTrigger(name = 'Start'): NodeSpec {
	return { name, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} };
}

export function scheduleEverySeconds(seconds: number, name = 'Schedule'): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.scheduleTrigger',
		typeVersion: 1.2,
		parameters: { rule: { interval: [{ field: 'seconds', secondsInterval: seconds }] } },
	};
}

/** A Code node returning the given rows as items. */
export function codeReturning(rows: unknown[], name = 'Profiles'): NodeSpec {
	return {
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		parameters: { jsCode: `const rows = ${JSON.stringify(rows)};\nreturn rows.map((json) => ({ json }));` },
	};
}

export function apiKeyCredential(apiKey: string, baseUrl: string, opts: { consent?: boolean; name?: string } = {}): CredentialJson {
	return {
		id: n8nId('cr'),
		name: opts.name ?? 'Mailchimp (simulator)',
		type: 'mailchimpSegmentsApi',
		data: { apiKey, consent: opts.consent ?? true, baseUrl },
	};
}

export function oauthCredential(token: string, baseUrl: string, opts: { consent?: boolean; name?: string } = {}): CredentialJson {
	const origin = new URL(baseUrl).origin;
	return {
		id: n8nId('cr'),
		name: opts.name ?? 'Mailchimp OAuth2 (simulator)',
		type: 'mailchimpSegmentsOAuth2Api',
		data: {
			consent: opts.consent ?? true,
			baseUrl,
			grantType: 'authorizationCode',
			authUrl: `${origin}/oauth2/authorize`,
			accessTokenUrl: `${origin}/oauth2/token`,
			clientId: 'e2e-client',
			clientSecret: 'e2e-client-secret',
			scope: '',
			authQueryParameters: '',
			authentication: 'header',
			oauthTokenData: { access_token: token, token_type: 'bearer', scope: '' },
		},
	};
}

export interface ExportParams {
	authentication?: 'apiKey' | 'oAuth2';
	listId: string;
	[k: string]: unknown;
}

/** The package's export node, with the credential it uses (`type`: as n8n names it where it was installed). */
export function exportNode(cred: CredentialJson, params: ExportParams, name = 'Export to Mailchimp', type = NODE_TYPE): NodeSpec {
	const { listId, authentication = cred.type === 'mailchimpSegmentsOAuth2Api' ? 'oAuth2' : 'apiKey', ...rest } = params;
	return {
		name,
		type,
		typeVersion: 1,
		parameters: {
			authentication,
			audience: { __rl: true, mode: 'id', value: listId },
			...rest,
		},
		credentials: { [cred.type]: { id: cred.id, name: cred.name } },
	};
}

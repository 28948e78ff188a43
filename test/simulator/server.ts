// The Mailchimp simulator's HTTP server: auth, throttling, faults, body validation and
// latency around the route handlers. See types.ts for the options.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { authenticate } from './auth';
import { behaviourOf } from './behaviour';
import { seedDemoAudience } from './demo';
import { Faults } from './faults';
import { LatencyModel } from './latency';
import { filterFields } from './paging';
import { ApiError, invalidResource, problem } from './problem';
import { Router } from './router';
import { listRoutes } from './routes/lists';
import { memberRoutes } from './routes/members';
import { oauthMetadata } from './routes/oauth';
import { segmentRoutes } from './routes/segments';
import { handleSim } from './routes/sim';
import { SimulatorState } from './state';
import { Throttle } from './throttle';
import type { SimulatorOptions } from './types';
import { schemaErrors } from './validation';

export type { SimulatorOptions } from './types';
export { SimulatorState } from './state';

export interface Simulator {
	/** API root, e.g. http://127.0.0.1:4010/3.0 (https with `tls`) */
	url: string;
	/** e.g. http://127.0.0.1:4010 (the state API is at origin + /_sim/, OAuth metadata at /oauth2/metadata) */
	origin: string;
	apiKey: string;
	state: SimulatorState;
	/** The demo audience's id, when seeded. */
	demoListId?: string;
	/** Closes the server and its connections; calling it again is harmless. */
	stop(): Promise<void>;
}

const API_PREFIX = '/3.0';
const MAX_BODY_BYTES = 20 * 1024 * 1024;
const ERROR_TITLES: Record<number, string> = {
	500: 'Internal Server Error',
	502: 'Bad Gateway',
	503: 'Service Unavailable',
	504: 'Gateway Timeout',
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) reject(invalidResource('The request body is too large.'));
			else chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

async function parseJson(req: IncomingMessage): Promise<unknown> {
	const text = await readBody(req);
	if (text.trim() === '') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		throw invalidResource('We encountered an unspecified JSON parsing error.');
	}
}

function send(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
	res.end(text);
}

function sendProblem(res: ServerResponse, error: ApiError): void {
	const doc = problem(error);
	const text = JSON.stringify(doc);
	res.writeHead(error.status, {
		...error.headers,
		'Content-Type': 'application/problem+json; charset=utf-8',
		'Content-Length': Buffer.byteLength(text),
		'X-Request-Id': doc.instance,
	});
	res.end(text);
}

function asApiError(error: unknown): ApiError {
	if (error instanceof ApiError) return error;
	return new ApiError(500, 'Internal Server Error', `The simulator failed: ${(error as Error).message}`);
}

const throttleError = (status: number, max: number, retryAfterSeconds: number | undefined): ApiError =>
	new ApiError(
		status,
		status === 403 ? 'Forbidden' : 'Too Many Requests',
		`You have exceeded the limit of ${max} simultaneous connections.`,
		undefined,
		retryAfterSeconds === undefined ? undefined : { 'Retry-After': String(retryAfterSeconds) },
	);

export async function start(options: SimulatorOptions = {}): Promise<Simulator> {
	const apiKey = options.apiKey ?? `${randomBytes(16).toString('hex')}-us1`;
	const seed = options.seed ?? 1;
	const maxConnections = options.maxConnections ?? 10;
	const throttleStatus = options.throttleStatus ?? 429;
	const validate = options.validate ?? true;
	const honourFieldsOnPost = options.fieldsOnPost !== 'ignore';
	const state = new SimulatorState(seed, options.requestLogLimit);
	state.behaviour = behaviourOf(options.behaviour);
	const throttle = new Throttle(maxConnections);
	const latency = new LatencyModel(options.latency);
	const faults = new Faults(options.faults ?? {}, seed);
	const router = new Router([...listRoutes, ...memberRoutes, ...segmentRoutes]);
	const demoListId = options.demo ? seedDemoAudience(state, seed, options.demoMembers) : undefined;

	async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, started: number): Promise<void> {
		const method = req.method ?? 'GET';
		const path = url.pathname.slice(API_PREFIX.length) || '/';
		let status = 0;
		let members: number | undefined;
		let tagged: number | undefined;
		res.once('close', () => state.log({ method, path: url.pathname, status, members, tagged, at: started, ms: Date.now() - started }));
		const fail = (error: ApiError): void => {
			status = error.status;
			sendProblem(res, error);
		};

		const auth = authenticate(req.headers.authorization, apiKey, options.oauthToken);
		if (!('credential' in auth)) {
			return auth.missing
				? fail(new ApiError(401, 'API Key Missing', 'Your request did not include an API key.'))
				: fail(
						new ApiError(401, 'API Key Invalid', "Your API key may be invalid, or you've attempted to access the wrong datacenter."),
					);
		}
		const entry = throttle.enter(auth.credential);
		state.maxInFlightSeen = Math.max(state.maxInFlightSeen, entry.open);
		if (!entry.accepted) {
			state.counters.throttled++;
			return fail(throttleError(throttleStatus, maxConnections, state.behaviour.retryAfterSeconds));
		}
		res.once('close', () => throttle.leave(auth.credential));

		try {
			const match = router.match(method, path);
			if (!match) throw new ApiError(404, 'Resource Not Found', 'The requested resource could not be found.');
			const { route, params } = match;
			state.counters.requests++;
			state.counters.byEndpoint[route.endpoint] = (state.counters.byEndpoint[route.endpoint] ?? 0) + 1;

			const fault = faults.next();
			if (fault.status !== undefined) {
				if (fault.storm) state.counters.faults.storm++;
				else state.counters.faults.errors++;
				throw fault.status === 429 || fault.status === 403
					? throttleError(fault.status, maxConnections, state.behaviour.retryAfterSeconds)
					: new ApiError(
							fault.status,
							ERROR_TITLES[fault.status] ?? 'Server Error',
							'An unexpected internal error has occurred. Please contact Support for more information.',
						);
			}

			const body = await parseJson(req);
			if (route.bodySchema) {
				if (body === undefined) throw invalidResource('The request body is missing.');
				const errors = validate ? schemaErrors(route.bodySchema, body) : [];
				if (errors.length) {
					throw invalidResource(
						"The resource submitted could not be validated. For field-specific details, see the 'errors' array.",
						errors,
					);
				}
			}
			const result = route.handle({ state, params, query: url.searchParams, body });
			members = result.members;
			tagged = result.tagged;

			const delay = latency.delayMs(route.latency, result.members ?? 0, result.tagged ?? 0) + fault.slowMs;
			if (fault.slowMs) state.counters.faults.slow++;
			if (delay > 0) await sleep(delay);
			if (fault.reset) {
				state.counters.faults.resets++;
				req.socket.destroy();
				return;
			}
			status = result.status;
			send(res, status, method === 'GET' || honourFieldsOnPost ? filterFields(result.body, url.searchParams) : result.body);
		} catch (error) {
			fail(asApiError(error));
		}
	}

	function handleSimRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
		return parseJson(req).then((body) => {
			const result = handleSim({ state, faults }, req.method ?? 'GET', url.pathname.slice('/_sim'.length), body);
			send(res, result.status, result.body);
		});
	}

	const handle: RequestListener = (req, res) => {
		const started = Date.now();
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		let handling: Promise<void>;
		if (url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`)) {
			handling = handleApi(req, res, url, started);
		} else if (url.pathname.startsWith('/_sim/')) {
			handling = handleSimRequest(req, res, url);
		} else if (req.method === 'GET' && url.pathname === '/oauth2/metadata') {
			res.once('close', () => state.log({ method: 'GET', path: url.pathname, status: 200, at: started, ms: Date.now() - started }));
			handling = Promise.resolve(send(res, 200, oauthMetadata(req.headers.authorization, options.oauthToken)));
		} else {
			handling = Promise.reject(new ApiError(404, 'Resource Not Found', 'The requested resource could not be found.'));
		}
		handling.catch((error: unknown) => {
			if (!res.headersSent) sendProblem(res, asApiError(error));
		});
	};
	const server = options.tls === undefined ? createServer(handle) : createTlsServer(options.tls, handle);
	server.keepAliveTimeout = 30_000;

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	const origin = `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
	let stopping: Promise<void> | undefined;

	return {
		url: `${origin}${API_PREFIX}`,
		origin,
		apiKey,
		state,
		demoListId,
		stop: () =>
			(stopping ??= new Promise<void>((resolve, reject) => {
				server.close((error) => (error ? reject(error) : resolve()));
				server.closeAllConnections();
			})),
	};
}

// The API's routes: a method, a path pattern, the schema its body must match, and a handler.
import type { SimulatorState } from './state';
import type { LatencyEndpoint } from './types';

export interface RouteContext {
	state: SimulatorState;
	params: Record<string, string>;
	query: URLSearchParams;
	body: unknown;
}

export interface RouteResult {
	status: number;
	body: unknown;
	/** Members the request carried, for the latency model and the request log. */
	members?: number;
	/** Tags given to members along the way (a batch upsert's `tags`): each costs what a member of a tag call costs. */
	tagged?: number;
}

export interface Route {
	method: string;
	/** e.g. /lists/:list_id/segments/:segment_id, relative to /3.0 */
	path: string;
	/** Counter name. */
	endpoint: string;
	latency: LatencyEndpoint;
	/** `components.schemas` entry the request body must match. */
	bodySchema?: string;
	handle(context: RouteContext): RouteResult;
}

interface CompiledRoute {
	route: Route;
	pattern: RegExp;
	keys: string[];
}

export class Router {
	private readonly routes: CompiledRoute[];

	constructor(routes: Route[]) {
		this.routes = routes.map((route) => {
			const keys: string[] = [];
			const source = route.path.replace(/:(\w+)/g, (_, key: string) => {
				keys.push(key);
				return '([^/]+)';
			});
			return { route, pattern: new RegExp(`^${source}/?$`), keys };
		});
	}

	match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
		for (const { route, pattern, keys } of this.routes) {
			if (route.method !== method) continue;
			const m = pattern.exec(path);
			if (!m) continue;
			const params: Record<string, string> = {};
			keys.forEach((key, i) => (params[key] = decodeURIComponent(m[i + 1])));
			return { route, params };
		}
		return undefined;
	}
}

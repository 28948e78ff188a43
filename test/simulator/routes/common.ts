import { notFound } from '../problem';
import type { List, SimulatorState } from '../state';

export function listOr404(state: SimulatorState, listId: string): List {
	const list = state.list(listId);
	if (!list) throw notFound();
	return list;
}

// The demo audience the CLI starts with: typed merge fields and a mix of statuses,
// some locked contacts and one forgotten one.
import { seededRandom } from './random';
import type { SimulatorState } from './state';
import type { MemberStatus } from './types';

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Tim'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman', 'Berners-Lee'];
const PLANS = ['Free', 'Pro', 'Enterprise'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** Seeds "Demo Audience" with `count` members; returns its id. */
export function seedDemoAudience(state: SimulatorState, seed: number, count = 2000): string {
	const random = seededRandom(seed);
	const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
	const listId = state.addList({
		name: 'Demo Audience',
		mergeFields: [
			{ tag: 'BIRTHDAY', name: 'Birthday', type: 'birthday', options: { date_format: 'MM/DD' } },
			{ tag: 'LTV', name: 'Lifetime value', type: 'number' },
			{ tag: 'JOINED', name: 'Joined', type: 'date', options: { date_format: 'YYYY-MM-DD' } },
			{ tag: 'PLAN', name: 'Plan', type: 'dropdown', options: { choices: PLANS } },
		],
	});
	for (let i = 1; i <= count; i++) {
		const draw = random();
		const status: MemberStatus = draw < 0.08 ? 'unsubscribed' : draw < 0.11 ? 'cleaned' : 'subscribed';
		state.addMember(listId, {
			email: `member${i}@demo.example.com`,
			status,
			locked: status === 'unsubscribed' && random() < 0.25,
			mergeFields: {
				FNAME: pick(FIRST),
				LNAME: pick(LAST),
				BIRTHDAY: `${pad(1 + Math.floor(random() * 12))}/${pad(1 + Math.floor(random() * 28))}`,
				LTV: Math.round(random() * 500000) / 100,
				JOINED: `20${pad(15 + Math.floor(random() * 10))}-${pad(1 + Math.floor(random() * 12))}-${pad(1 + Math.floor(random() * 28))}`,
				PLAN: pick(PLANS),
			},
			tags: random() < 0.3 ? ['Newsletter'] : undefined,
		});
	}
	state.forget(listId, 'forgotten@demo.example.com');
	for (let i = 1; i <= 5; i++) state.archive(listId, `archived${i}@demo.example.com`, true);
	return listId;
}

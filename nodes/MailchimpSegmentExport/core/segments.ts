// Which segments an export covers. Segment names are trimmed and compared case-insensitively
// (Mailchimp tag names are); each gets a small number (its id in this export) so that a member's
// segments fit in a bitmask in the plan.

import { ExportError } from './errors';
import { MAX_SEGMENTS } from './options';

export class SegmentRegistry {
	/** Display names by segment id. */
	readonly names: string[] = [];
	private readonly ids = new Map<string, number>();
	/** True when the user selected segments: other names are not exported. */
	readonly closed: boolean;

	constructor(selected: readonly string[]) {
		const names = selected.map((s) => s.trim()).filter((s) => s !== '');
		this.closed = names.length > 0;
		for (const name of names) this.add(name);
	}

	private add(name: string): number {
		const key = name.toLowerCase();
		const known = this.ids.get(key);
		if (known !== undefined) return known;
		if (this.names.length >= MAX_SEGMENTS) {
			throw new ExportError(
				`The input has more than ${MAX_SEGMENTS} different segments`,
				`An export creates one Mailchimp tag per segment; select at most ${MAX_SEGMENTS} segments.`,
			);
		}
		const id = this.names.length;
		this.names.push(name);
		this.ids.set(key, id);
		return id;
	}

	/** The id of an exported segment, or -1 when the name is not selected. `name` is trimmed. */
	idOf(name: string): number {
		const known = this.ids.get(name.toLowerCase());
		if (known !== undefined) return known;
		return this.closed ? -1 : this.add(name);
	}
}

// A batch upsert's member written straight to JSON text, the text JSON.stringify gives for
// `{ email_address, status_if_new, merge_fields?, tags? }`: a million members are written
// without building a member object and a merge_fields object each, and the constant parts (the
// status, the merge field keys) are serialised once per export.

import { OMIT } from './mergeFields';

export class MemberJson {
	private readonly statusPart: string;
	private readonly keyParts: string[];

	/** `mergeTags`: the merge field of each mapped value, in the order of the values. */
	constructor(statusIfNew: string, mergeTags: readonly string[]) {
		this.statusPart = `,"status_if_new":${JSON.stringify(statusIfNew)}`;
		this.keyParts = mergeTags.map((tag) => `${JSON.stringify(tag)}:`);
	}

	/** The member: its email, the values not OMIT under merge_fields, and `tagsJson` (a JSON list of names) when not ''. */
	write(email: string, values: readonly unknown[], tagsJson: string): string {
		let text = `{"email_address":${JSON.stringify(email)}${this.statusPart}`;
		let merged = false;
		for (let i = 0; i < values.length; i++) {
			const value = values[i];
			if (value === OMIT) continue;
			text += `${merged ? ',' : ',"merge_fields":{'}${this.keyParts[i]}${JSON.stringify(value)}`;
			merged = true;
		}
		if (merged) text += '}';
		if (tagsJson !== '') text += `,"tags":${tagsJson}`;
		return `${text}}`;
	}
}

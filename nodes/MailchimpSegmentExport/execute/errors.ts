// Turns whatever stopped an export into the error n8n shows: a NodeApiError when Mailchimp
// answered with an HTTP error (bad credentials, audience not found), a NodeOperationError
// otherwise. Every message and description is scrubbed of the API key and token.

import type {
	INode,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ExportCancelledError, ExportError, OptionError } from '../core';
import { InputFileError } from '../input';
import { scrubSecrets } from '../core/redact';
import { ConnectionError, messageOf } from '../transport/connection';
import { optionPanelName } from './parameters';

export interface ErrorContext {
	secrets?: string[];
	/** The input item the error is about, when there is one (a file that cannot be read). */
	itemIndex?: number;
}

/** Maps any error to NodeApiError or NodeOperationError with a message a person can act on. */
export function toNodeError(
	node: INode,
	error: unknown,
	{ secrets = [], itemIndex }: ErrorContext = {},
): NodeApiError | NodeOperationError {
	const scrub = (text: string) => scrubSecrets(text, secrets);

	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.message = scrub(error.message);
		if (typeof error.description === 'string') error.description = scrub(error.description);
		return error;
	}
	if (error instanceof ExportCancelledError) {
		const done = error.partial?.summary;
		return new NodeOperationError(node, 'The export was cancelled', {
			description: done
				? `${done.exported} of ${done.profilesIn} profiles had been exported when the execution was stopped. Run the node again to finish: profiles already in the audience are updated, not duplicated.`
				: 'The execution was stopped before the export finished. Run the node again to finish it.',
		});
	}
	const panelName = error instanceof OptionError ? optionPanelName(error.option) : undefined;
	if (error instanceof OptionError && panelName !== undefined) {
		return new NodeOperationError(node, `${panelName} ${error.problem}`, {
			description: scrub(`It is ${JSON.stringify(error.value)}. Change it under Options > ${panelName}.`),
		});
	}
	if (error instanceof ExportError) {
		const message = scrub(error.message);
		const description = scrub(error.description);
		if (error.httpStatus !== undefined && error.httpStatus >= 400) {
			const httpCode = String(error.httpStatus);
			return new NodeApiError(node, { message, description, httpCode } as JsonObject, {
				message,
				description,
				httpCode,
				itemIndex,
			});
		}
		return new NodeOperationError(node, message, { description, itemIndex });
	}
	if (error instanceof InputFileError) {
		// Counted from 1, as the editor's input panel counts items.
		const where = itemIndex !== undefined ? ` (input item ${itemIndex + 1})` : '';
		return new NodeOperationError(node, `The input file cannot be read${where}`, {
			description: scrub(error.message),
			itemIndex,
		});
	}
	if (error instanceof ConnectionError) {
		return new NodeOperationError(node, scrub(error.message), { itemIndex });
	}
	return new NodeOperationError(node, scrub(messageOf(error)), { itemIndex });
}

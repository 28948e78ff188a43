// The wiring between n8n and the export core: parameters in, ProfileSource built from the
// input, one runExport, two outputs out. Consent is checked before any request is sent.

import type { ICredentialDataDecryptedObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runExport } from '../core';
import type { ProfileSource } from '../core/types';
import { createRequestFn, credentialTypeFor } from '../transport/request';
import { secretsOf, toNodeError } from './errors';
import { errorOutputs, exportOutputs, summaryHint } from './output';
import { readParameters } from './parameters';
import { sleepUntilCancelled } from './sleep';
import { binarySource, findFiles, itemsSource, mappedColumns } from './source';

export async function executeExport(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	let credentials: ICredentialDataDecryptedObject | undefined;
	try {
		const parameters = readParameters(this);
		credentials = await this.getCredentials<ICredentialDataDecryptedObject>(credentialTypeFor(parameters.authentication));
		// Refuses before any request unless the credential's consent box is ticked.
		const request = await createRequestFn(this, parameters.authentication, { requireConsent: true });

		const source: ProfileSource =
			parameters.input.kind === 'items'
				? itemsSource(items)
				: binarySource(
						this,
						findFiles(this, items, parameters.input.binaryProperty),
						parameters.input,
						mappedColumns(parameters.options),
					);

		const result = await runExport(source, parameters.options, {
			request,
			sleep: sleepUntilCancelled,
			signal: this.getExecutionCancelSignal?.(),
		});
		const hint = summaryHint(result.summary);
		if (hint !== undefined) this.addExecutionHints(hint);
		return exportOutputs(result, items.length);
	} catch (caught) {
		const error = toNodeError(this.getNode(), caught, { secrets: secretsOf(credentials) });
		if (this.continueOnFail()) return errorOutputs(error.message, items.length);
		throw error;
	}
}

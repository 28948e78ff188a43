import type { INodeProperties } from 'n8n-workflow';

import { connectionProperties } from './connection';
import { inputProperties } from './input';
import { mappingProperties } from './mapping';
import { optionsProperties } from './options';
import { segmentProperties } from './segments';


/** Every parameter of the node, in the order the editor shows them. */
export const properties: INodeProperties[] = [
	...connectionProperties,
	...inputProperties,
	...mappingProperties,
	...segmentProperties,
	...optionsProperties,
];

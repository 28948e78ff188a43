// Typed arrays' memory given back as soon as the export is done with it. Arrays that live long
// reach V8's old space, and their memory (outside the heap) then waits for a full collection,
// which may come only after n8n has built the node's output and saved the run: its own peak.
// Moved into new ArrayBuffers that nothing references, the memory is freed by the next
// young-generation collection, milliseconds later.

/** Frees the memory of `arrays` for the next collection to take; they are empty afterwards. */
export function freeNow(...arrays: ArrayBufferView[]): void {
	const buffers = new Set<ArrayBuffer>();
	for (const array of arrays) {
		// The tag, not instanceof: a shared buffer cannot be moved, and a test runner's realm has another ArrayBuffer.
		if (Object.prototype.toString.call(array.buffer) === '[object ArrayBuffer]' && array.buffer.byteLength > 0) buffers.add(array.buffer as ArrayBuffer);
	}
	if (buffers.size === 0) return;
	const moved = [...buffers];
	structuredClone(moved, { transfer: moved });
}

import type { ReadyRows } from '../core/types';
import { type FileEncoding, type TextStreamDecoder, createDecoder } from './encoding';
import type { ByteChunks } from './types';

/** A synchronous, incremental parser fed with decoded text. */
export interface PullParser<T> {
	/** Appends decoded text. */
	push(text: string): void;
	/** Whether next() is worth calling after the last push (false: wait for more text). */
	ready(): boolean;
	/** The next record, or null when more text is needed (after finish(): at the end). */
	next(): T | null;
	/** No more text will come. */
	finish(): void;
	/** Turns the decoder's InvalidTextError into an error naming the line; other errors unchanged. */
	toTextError(error: unknown): unknown;
}

type ChunkIterator = AsyncIterator<Buffer | Uint8Array | string> | Iterator<Buffer | Uint8Array | string>;

const READING = 0;
const FINISHED = 1;
const CLOSED = 2;

const DONE: IteratorResult<never, void> = Object.freeze({ done: true, value: undefined });

/**
 * Drives a PullParser over a byte stream as an async generator of records. Written by hand
 * rather than as an `async function*`: a record that is already parsed is handed out as an
 * already-resolved promise, cheaper than an async generator step (the readers yield up to
 * millions of records). Semantics follow an async generator: calls to next() are
 * served in order, an error closes the iterator, return() and errors close the byte stream
 * (a Node Readable is destroyed).
 */
export class RecordStream<T> implements AsyncGenerator<T, void, undefined>, ReadyRows<T> {
	private source: ChunkIterator | null = null;
	/** An error the parser threw in nextReady(), for next() to report. */
	private parseError: { error: unknown } | null = null;
	private readonly decoder: TextStreamDecoder;
	private state = READING;
	private inflight: Promise<unknown> | null = null;

	constructor(
		private readonly stream: ByteChunks,
		private readonly parser: PullParser<T>,
		encoding: FileEncoding = 'utf-8',
	) {
		this.decoder = createDecoder(encoding);
	}

	[Symbol.asyncIterator](): this {
		return this;
	}

	next(): Promise<IteratorResult<T, void>> {
		if (this.inflight !== null) {
			// A pull is under way: serve this call after it (and after the calls queued before).
			const queued = this.inflight.then(
				() => this.step(),
				() => this.step(),
			);
			this.track(queued);
			return queued;
		}
		return this.step();
	}

	/** The next record when the parser has it at hand (no promise), else undefined: then call next(). */
	nextReady(): T | undefined {
		if (this.inflight !== null || this.parseError !== null || this.state === CLOSED) return undefined;
		if (this.source === null && this.state !== FINISHED) return undefined;
		try {
			return this.parser.next() ?? undefined;
		} catch (error) {
			this.parseError = { error };
			return undefined;
		}
	}

	private step(): Promise<IteratorResult<T, void>> {
		if (this.state === CLOSED) return Promise.resolve(DONE);
		if (this.parseError !== null) return this.fail(this.parseError.error);
		if (this.source !== null || this.state === FINISHED) {
			let record: T | null;
			try {
				record = this.parser.next();
			} catch (error) {
				return this.fail(error);
			}
			if (record !== null) return Promise.resolve({ done: false, value: record });
			if (this.state === FINISHED) {
				this.state = CLOSED;
				return Promise.resolve(DONE);
			}
		}
		const pulled = this.pull();
		if (this.inflight === null) this.track(pulled);
		return pulled;
	}

	private track(promise: Promise<unknown>): void {
		this.inflight = promise;
		const clear = (): void => {
			if (this.inflight === promise) this.inflight = null;
		};
		promise.then(clear, clear);
	}

	async return(): Promise<IteratorResult<T, void>> {
		this.state = CLOSED;
		await this.closeSource();
		return DONE;
	}

	async throw(error: unknown): Promise<IteratorResult<T, void>> {
		this.state = CLOSED;
		await this.closeSource();
		throw error;
	}

	private async pull(): Promise<IteratorResult<T, void>> {
		try {
			if (this.source === null) {
				const stream = this.stream as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
				this.source =
					typeof stream[Symbol.asyncIterator] === 'function'
						? (this.stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]()
						: (this.stream as Iterable<Buffer>)[Symbol.iterator]();
			}
			for (;;) {
				const step = await this.source.next();
				if (this.state === CLOSED) return DONE;
				if (step.done === true) {
					this.source = null;
					let rest: string;
					try {
						rest = this.decoder.end();
					} catch (error) {
						throw this.parser.toTextError(error);
					}
					if (rest.length > 0) this.parser.push(rest);
					this.parser.finish();
					this.state = FINISHED;
					const record = this.parser.next();
					if (record !== null) return { done: false, value: record };
					this.state = CLOSED;
					return DONE;
				}
				let text: string;
				try {
					text = this.decoder.write(step.value);
				} catch (error) {
					throw this.parser.toTextError(error);
				}
				if (text.length === 0) continue;
				this.parser.push(text);
				if (!this.parser.ready()) continue;
				const record = this.parser.next();
				if (record !== null) return { done: false, value: record };
			}
		} catch (error) {
			return this.fail(error);
		}
	}

	private async fail(error: unknown): Promise<never> {
		this.state = CLOSED;
		await this.closeSource();
		throw error;
	}

	private async closeSource(): Promise<void> {
		const source = this.source;
		this.source = null;
		if (source === null || typeof source.return !== 'function') return;
		try {
			await source.return();
		} catch {
			// The first error (or the early stop) is what matters.
		}
	}
}

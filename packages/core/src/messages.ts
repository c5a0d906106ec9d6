// Messages other rings post to this one with msgRing(): CQEs whose user_data
// carries the sender's data instead of a request of this ring.
import { CompletionStream } from './stream.js'

/** What Messages needs of its ring: a way to hold the loop open while someone listens. */
interface Liveness {
  holdOpen(): void
  dropInflight(): void
}

/** A message: the sender's int32 `value` and its `data` (below 2^50). */
export interface RingMessage {
  /** The int32 the sender passed (the CQE's res on this ring). */
  value: number
  /** The sender's `data` (the CQE's user_data, below 2^50). */
  data: number
}

/** Delivers each message to `onMessage`, or else queues it in the stream messages() returns. */
export class Messages {
  /** Called with each message; without it, messages() queues them. */
  onMessage: ((value: number, data: number) => void) | undefined
  #stream: CompletionStream<RingMessage> | undefined
  readonly #ring: Liveness

  constructor(ring: Liveness) {
    this.#ring = ring
  }

  /** The message queue as an async iterator, opened on first use. */
  stream(): CompletionStream<RingMessage> {
    // While someone listens for messages the ring keeps the process alive,
    // as a server socket would.
    if (this.#stream === undefined) {
      this.#ring.holdOpen()
      this.#stream = new CompletionStream<RingMessage>(0, () => this.close())
    }
    return this.#stream
  }

  deliver(value: number, data: number): void {
    if (this.onMessage !== undefined) this.onMessage(value, data)
    else this.stream().push({ value, data })
  }

  /** Ends the stream (dispose, or its consumer stopped). */
  close(): void {
    const stream = this.#stream
    if (stream === undefined) return
    this.#stream = undefined
    stream.end()
    this.#ring.dropInflight()
  }
}

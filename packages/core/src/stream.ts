import type { CodedError } from './errors.js'

/** Default bound on completions a multishot stream queues for a slow consumer. */
export const DEFAULT_HIGH_WATER_MARK = 1024

type Waiter<T> = { resolve: (result: IteratorResult<T>) => void; reject: (reason: Error) => void }

/**
 * The completions of one multishot request as an async iterator: it yields
 * each CQE's value while IORING_CQE_F_MORE is set, ends on the final CQE,
 * throws on an error CQE, and cancels the kernel request when the consumer
 * stops early (break, return(), an aborted signal).
 *
 * Completions the consumer has not asked for yet wait in a queue of at most
 * `highWaterMark` entries. One more cancels the request; the iterator then
 * yields what it queued and throws ERR_IOURING_STREAM_OVERFLOW.
 */
export class CompletionStream<T> implements AsyncIterableIterator<T> {
  /** The request's user_data, for cancel(), pollUpdate() and timeoutUpdate(). */
  readonly userData: number
  readonly #queue: T[] = []
  #head = 0
  #waiter: Waiter<T> | undefined
  #finished = false
  #stopped = false
  #error: Error | undefined
  readonly #cancel: () => void
  readonly #highWaterMark: number

  constructor(userData: number, cancel: () => void, highWaterMark = DEFAULT_HIGH_WATER_MARK) {
    this.userData = userData
    this.#cancel = cancel
    this.#highWaterMark = highWaterMark
  }

  /** Whether the consumer stopped the stream (break, return(), abort) before the kernel ended it. */
  get stopped(): boolean {
    return this.#stopped
  }

  /** @internal The engine delivers one completion. */
  push(value: T): void {
    if (this.#stopped || this.#finished) return
    const waiter = this.#waiter
    if (waiter !== undefined) {
      this.#waiter = undefined
      waiter.resolve({ value, done: false })
      return
    }
    if (this.#queue.length - this.#head >= this.#highWaterMark) {
      const err = new Error(`A multishot stream queued more than ${this.#highWaterMark} completions its consumer did not take; the request was cancelled`) as CodedError
      err.code = 'ERR_IOURING_STREAM_OVERFLOW'
      this.#error = err
      this.#stop()
      return
    }
    this.#queue.push(value)
  }

  /** @internal The final CQE arrived: the request is over in the kernel. */
  end(error?: Error): void {
    if (this.#finished) return
    this.#finished = true
    if (error !== undefined && this.#error === undefined && !this.#stopped) this.#error = error
    const waiter = this.#waiter
    if (waiter === undefined) return
    this.#waiter = undefined
    const err = this.#takeError()
    if (err !== undefined) waiter.reject(err)
    else waiter.resolve({ value: undefined, done: true })
  }

  /** @internal Stops the stream with `error` (an abort): cancels the request. */
  abort(error: Error): void {
    if (this.#finished || this.#stopped) return
    this.#error = error
    this.#stop()
    const waiter = this.#waiter
    if (waiter !== undefined) {
      this.#waiter = undefined
      waiter.reject(this.#takeError() as Error)
    }
  }

  /** The next value: at once if one is queued, else when the next completion arrives; done after the final CQE. */
  next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#queue.length) {
      const value = this.#queue[this.#head++]
      if (this.#head === this.#queue.length) {
        this.#queue.length = 0
        this.#head = 0
      }
      return Promise.resolve({ value, done: false })
    }
    const err = this.#takeError()
    if (err !== undefined) return Promise.reject(err)
    if (this.#finished || this.#stopped) return Promise.resolve({ value: undefined, done: true })
    return new Promise((resolve, reject) => (this.#waiter = { resolve, reject }))
  }

  /** Stops the stream (cancels the request, if still armed) and drops what is queued; `break` in for await calls it. */
  return(): Promise<IteratorResult<T>> {
    this.#queue.length = 0
    this.#head = 0
    if (!this.#finished) this.#stop()
    this.#error = undefined
    return Promise.resolve({ value: undefined, done: true })
  }

  /** The stream itself, for for await. */
  [Symbol.asyncIterator](): this {
    return this
  }

  #stop(): void {
    if (this.#stopped) return
    this.#stopped = true
    if (!this.#finished) this.#cancel()
  }

  /** An error is reported once, after the values queued before it. */
  #takeError(): Error | undefined {
    const err = this.#error
    this.#error = undefined
    return err
  }
}

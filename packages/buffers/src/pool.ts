// A pool of registered (fixed) buffers: one slab of page-aligned memory
// registered once, handed out in pieces for READ_FIXED / WRITE_FIXED, so that
// nobody computes buffer indexes and offsets by hand.
import * as native from '@iouring/native'
import {
  MAX_BUFFER_BYTES,
  handleOf,
  invalidArgType,
  outOfRange,
  registerBuffers,
  unregisterBuffers,
  updateBuffers,
  validateInteger,
  type Ring,
} from '@iouring/register'

/** Options of new FixedBufferPool(). */
export interface FixedBufferPoolOptions {
  /** Bytes in each piece. */
  size: number
  /** Pieces in the pool; `size * count` is at most 1 GiB (one registered buffer). */
  count: number
  /**
   * The slot of the ring's registered-buffer table the slab goes into, replacing
   * what is there (IORING_REGISTER_BUFFERS_UPDATE: the ring has a table, e.g. from
   * registerBuffersSparse()). Default: the slab is registered as a table of its
   * own, slot 0 (IORING_REGISTER_BUFFERS: the ring has no table yet).
   */
  index?: number
}

/** A piece of a FixedBufferPool, acquired until release(). */
export class FixedBuffer {
  /** The registered buffer the piece lies in: READ_FIXED's buf_index (core's `bufferIndex`). */
  readonly index: number
  /** Where the piece starts in that registered buffer (core's `offset`). */
  readonly offset: number
  /** Bytes in the piece. */
  readonly length: number
  /** Address of the piece's first byte, for the low-level API (prepReadFixed's `buf`). */
  readonly address: number
  /** The piece's memory. It stays mapped after release(), but the piece is someone else's then. */
  readonly buffer: Buffer
  readonly #piece: number
  #pool: FixedBufferPool | undefined

  /** @internal */
  constructor(pool: FixedBufferPool, piece: number, index: number, offset: number, address: number, buffer: Buffer) {
    this.#pool = pool
    this.#piece = piece
    this.index = index
    this.offset = offset
    this.length = buffer.length
    this.address = address
    this.buffer = buffer
  }

  /** Whether release() was called. */
  get released(): boolean {
    return this.#pool === undefined
  }

  /** Returns the piece to the pool. Call it once no operation uses the piece any more. Idempotent. */
  release(): void {
    const pool = this.#pool
    if (pool === undefined) return
    this.#pool = undefined
    returnPiece(pool, this.#piece)
  }

  /** release(), for `using`. */
  [Symbol.dispose](): void {
    this.release()
  }
}

let returnPiece: (pool: FixedBufferPool, piece: number) => void

/**
 * `count` pieces of `size` bytes in one slab of page-aligned memory,
 * registered with the ring once (`registerBuffers`, or into slot `index` of a
 * table it has). acquire() hands out a free piece with the index and offset
 * `readFixed`/`writeFixed` need; release() takes it back. The slab stays
 * registered (and alive, and untransferable) until unregister().
 */
export class FixedBufferPool {
  static {
    returnPiece = (pool, piece) => pool.#free.push(piece)
  }

  /** Bytes in each piece. */
  readonly size: number
  /** Pieces in the pool. */
  readonly count: number
  /** The registered buffer's slot in the ring's table. */
  readonly index: number
  readonly #ring: Ring
  readonly #ownTable: boolean
  readonly #slab: Buffer
  readonly #address: number
  // Free pieces, as a stack: the piece released last is reused first (its memory is warm).
  readonly #free: number[] = []
  #registered = true

  constructor(ring: Ring, options: FixedBufferPoolOptions) {
    handleOf(ring)
    if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
    const size = validateInteger(options.size, 'options.size', 1, MAX_BUFFER_BYTES)
    const count = validateInteger(options.count, 'options.count', 1, MAX_BUFFER_BYTES)
    if (size * count > MAX_BUFFER_BYTES) throw outOfRange('options.size * options.count', `<= ${MAX_BUFFER_BYTES} (1 GiB, one registered buffer)`, size * count)
    const index = options.index === undefined ? undefined : validateInteger(options.index, 'options.index', 0, 0xffff)
    const memory = native.mapMemory(size * count)
    if (typeof memory === 'number') throw native.systemError(memory, 'mmap')
    const slab = Buffer.from(memory)
    if (index === undefined) registerBuffers(ring, [slab])
    else updateBuffers(ring, index, [slab])
    this.size = size
    this.count = count
    this.index = index ?? 0
    this.#ring = ring
    this.#ownTable = index === undefined
    this.#slab = slab
    this.#address = native.addressOf(memory)
    for (let piece = count - 1; piece >= 0; piece--) this.#free.push(piece)
  }

  /** Pieces not acquired. */
  get available(): number {
    return this.#free.length
  }

  /** Whether the slab is still registered. */
  get registered(): boolean {
    return this.#registered
  }

  /** A free piece, or undefined when every piece is acquired. */
  acquire(): FixedBuffer | undefined {
    const piece = this.#free.pop()
    if (piece === undefined) return undefined
    const offset = piece * this.size
    return new FixedBuffer(this, piece, this.index, offset, this.#address + offset, this.#slab.subarray(offset, offset + this.size))
  }

  /**
   * Unregisters the slab: the whole table when the pool registered it
   * (unregisterBuffers(), refused before Linux 6.13 while operations are in
   * flight), else its slot (updateBuffers() with an empty slot). Idempotent.
   */
  unregister(): void {
    if (!this.#registered) return
    if (this.#ownTable) unregisterBuffers(this.#ring)
    else updateBuffers(this.#ring, this.index, [null])
    this.#registered = false
  }

  /** unregister(), for `using`. */
  [Symbol.dispose](): void {
    this.unregister()
  }
}

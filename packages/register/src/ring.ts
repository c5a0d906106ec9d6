// The ring a register call works on, the per-ring state this package keeps,
// and the one function every call goes through.
import * as native from '@iouring/native'
import type { RingHandle } from '@iouring/native'
import { invalidArgType, invalidState, registerError } from './errors.js'

/** Anything with the addon's ring handle; @iouring/core's IoUring is one. */
export interface Ring {
  /** The addon's handle of the ring. */
  readonly handle: RingHandle
}

/** A ring whose fd is known, for calls that name another ring (cloneBuffers). */
export interface RingWithFd extends Ring {
  /** The ring's parameters; only `fd` is read. */
  readonly params: { readonly fd: number }
}

/** What this package registered on one ring. */
export interface RingRegistrations {
  /**
   * The registered buffer table: each slot's view, `undefined` for an empty
   * (sparse) slot; empty when no table is registered. Every view here is kept
   * alive by the ring until it is unregistered or replaced.
   */
  readonly buffers: readonly (ArrayBufferView | undefined)[]
  /** Address of each slot's first byte (0 for an empty slot). */
  readonly bufferAddresses: readonly number[]
  /** Size of the registered file table, 0 when none. */
  readonly files: number
  /** The registered eventfd, -1 when none. */
  readonly eventfd: number
  /** Personality ids registered and not yet unregistered. */
  readonly personalities: ReadonlySet<number>
}

export class State implements RingRegistrations {
  readonly buffers: (ArrayBufferView | undefined)[] = []
  readonly bufferAddresses: number[] = []
  files = 0
  eventfd = -1
  readonly personalities = new Set<number>()

  /** Replaces the buffer table, in place (callers may hold the arrays). */
  setBuffers(views: readonly (ArrayBufferView | undefined)[], addresses: readonly number[]): void {
    this.buffers.length = 0
    this.bufferAddresses.length = 0
    for (let i = 0; i < views.length; i++) {
      this.buffers.push(views[i])
      this.bufferAddresses.push(addresses[i])
    }
  }
}

// One table for every copy of this package in the process (the ESM and the
// CommonJS build can both be loaded), so a ring registered through one is
// seen by the other. Keyed by the addon's handle, which lives as long as the ring.
const KEY = Symbol.for('@iouring/register:state')
const states: WeakMap<RingHandle, State> = ((globalThis as Record<symbol, unknown>)[KEY] ??= new WeakMap()) as WeakMap<RingHandle, State>

/** The handle of `ring`; throws ERR_INVALID_ARG_TYPE for something that is no ring. */
export function handleOf(ring: unknown, name = 'ring'): RingHandle {
  if (ring === null || typeof ring !== 'object' || !('handle' in ring)) throw invalidArgType(name, 'a ring (an object with a handle, such as an IoUring)', ring)
  // A disposed IoUring throws ERR_IOURING_CLOSED from this getter.
  return (ring as Ring).handle
}

export function stateOf(handle: RingHandle): State {
  let state = states.get(handle)
  if (state === undefined) {
    state = new State()
    states.set(handle, state)
  }
  return state
}

/** What @iouring/register registered on `ring`: buffers (kept alive), file table size, eventfd, personalities. */
export function registrations(ring: Ring): RingRegistrations {
  return stateOf(handleOf(ring))
}

/**
 * Before Linux 6.13, unregistering a buffer or file table waits (in the
 * kernel, blocking this thread) until every request that uses it completes,
 * which never happens when completing them is this thread's job. So there,
 * unregistering is refused while the ring reports operations in flight
 * (IoUring's `pending`); from 6.13 the kernel just keeps each resource until
 * its last request is done, and nothing waits.
 */
export function refuseBlockingUnregister(ring: unknown, name: string, kernelWaits: boolean): void {
  if (!kernelWaits) return
  const pending = (ring as { pending?: unknown }).pending
  if (typeof pending === 'number' && pending > 0) {
    throw invalidState(
      `IORING_${name} would block this thread until the ring's ${pending} operation${pending === 1 ? '' : 's'} in flight complete ` +
        '(kernels before 6.13 wait for every request using the table); let them finish or cancel them first',
    )
  }
}

const EINTR = -4

/**
 * io_uring_register(2) on a ring's handle, retried on EINTR; a negative result
 * throws registerError(). Exported as callRegister for packages that add
 * register operations of their own (@iouring/buffers).
 */
export function call(handle: RingHandle, opcode: number, arg: ArrayBufferView | null, nrArgs: number): number {
  for (let attempt = 0; ; attempt++) {
    const ret = native.register(handle, opcode, arg, nrArgs)
    if (ret >= 0) return ret
    if (ret === EINTR && attempt < 100) continue
    throw registerError(ret, opcode)
  }
}

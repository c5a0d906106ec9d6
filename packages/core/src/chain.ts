// ring.chain(): operations linked with IOSQE_IO_LINK, submitted together.
import { IOSQE_CQE_SKIP_SUCCESS, IOSQE_IO_HARDLINK, IOSQE_IO_LINK, SQE_FLAGS } from '@iouring/ops'
import { State, type ChainState, type Engine } from './engine.js'
import { ECANCELED } from './slots.js'
import { invalidArgType, invalidArgValue } from './errors.js'

/** ring.chain()'s outcomes: one PromiseSettledResult per step, typed as that step's promise. */
export type ChainOutcomes<T extends readonly Promise<unknown>[]> = { -readonly [K in keyof T]: PromiseSettledResult<Awaited<T[K]>> }

/**
 * Runs `build(ring)` with `engine` in chain mode: every operation it starts
 * is linked to the next, and all of them go to the kernel together. Resolves
 * to each step's outcome in order, as Promise.allSettled does.
 */
export function runChain<R>(engine: Engine, ring: R, build: (ring: R) => readonly Promise<unknown>[], hard: boolean): Promise<PromiseSettledResult<unknown>[]> {
  if (engine.state !== State.Open) engine.checkOpen()
  if (typeof build !== 'function') throw invalidArgType('build', 'of type function', build)
  if (engine.chain !== undefined) throw invalidArgValue('build', 'cannot start a chain inside a chain')
  const sq = engine.sq
  // The chain's SQEs are published together once it is whole (below), so
  // it reaches the kernel in one submission, with whatever the tick wrote
  // before it. Submitting that first would cost a system call per chain (and
  // wake the io-wq workers one hand-off at a time); the SQ is submitted
  // early only if the chain needs its room (the engine's #chainRoom).
  const chain: ChainState = {
    link: hard ? IOSQE_IO_HARDLINK : IOSQE_IO_LINK,
    startTail: sq.tail,
    lastAt: -1,
    lastOpAt: -1,
    slots: [],
    promises: [],
    skips: [],
  }
  engine.chain = chain
  let steps: readonly Promise<unknown>[]
  try {
    steps = build(ring)
    if (!Array.isArray(steps)) throw invalidArgType('build', "a function returning an array of this ring's operations", steps)
    if (steps.length !== chain.slots.length) throw invalidArgValue('build', 'must return exactly the operations it started on this ring')
  } catch (err) {
    engine.chain = undefined
    abandon(engine, chain, err as Error)
    throw err
  }
  engine.chain = undefined
  if (chain.lastAt < 0) return Promise.resolve([])
  const sqes = sq.sqes
  sqes.setUint8(chain.lastAt + SQE_FLAGS, sqes.getUint8(chain.lastAt + SQE_FLAGS) & ~(IOSQE_IO_LINK | IOSQE_IO_HARDLINK))
  // The last step always posts its CQE: the chain's end is known by it.
  const last = chain.slots[chain.slots.length - 1]
  if (chain.skips[chain.skips.length - 1] === last) {
    chain.skips.pop()
    sqes.setUint8(chain.lastOpAt + SQE_FLAGS, sqes.getUint8(chain.lastOpAt + SQE_FLAGS) & ~IOSQE_CQE_SKIP_SUCCESS)
  }
  sq.publish()
  const settled = Promise.allSettled(steps)
  if (chain.skips.length > 0) settleSkips(engine, chain, hard)
  return settled
}

/**
 * Settles what the kernel posts no CQE for. A CQE_SKIP_SUCCESS step that
 * succeeds posts nothing: once the last step has completed, every skipped
 * step still pending succeeded. One that posts a CQE has failed (or came up
 * short), and then the steps a soft link cancels after it post nothing
 * either (the kernel's REQ_F_SKIP_LINK_CQES): they settle with ECANCELED, as
 * they would have without the flag.
 */
function settleSkips(engine: Engine, chain: ChainState, hard: boolean): void {
  const slots = engine.slots
  const gens = chain.slots.map((slot) => slots.gen[slot])
  let ended = false
  const end = (broken: number): void => {
    if (ended) return
    ended = true
    chain.slots.forEach((slot, i) => {
      if (slots.gen[slot] === gens[i] && slots.resolve[slot] !== undefined) engine.completeWithoutCqe(slot, gens[i], i > broken ? ECANCELED : 0)
    })
  }
  const watch = (i: number): unknown => chain.promises[i].then(() => end(i), () => end(i))
  watch(chain.slots.length - 1)
  if (!hard) for (const slot of chain.skips) watch(chain.slots.indexOf(slot))
}

/** A chain whose build threw: nothing of it is submitted, and its steps reject with the error. */
function abandon(engine: Engine, chain: ChainState, err: Error): void {
  engine.sq.tail = chain.startTail
  for (const promise of chain.promises) promise.catch(noop)
  for (const slot of chain.slots) engine.failUnsubmitted(slot, err)
}

function noop(): void {}

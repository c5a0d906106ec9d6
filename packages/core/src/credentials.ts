// An SQPOLL ring's kernel submission thread acts with the credentials of the
// process that created the ring, whatever the process becomes afterwards
// (CVE-2024-22017: after process.setuid(), files were still opened as root).
// Such a ring records the user and group ids it was created with and refuses
// work once they changed. Other rings need nothing: the kernel runs their
// work, inline or in io-wq, with the submitting thread's current credentials.
import * as native from '@iouring/native'
import type { CodedError } from './errors.js'

/** The process's user and group ids, as process.getuid() and friends report them: what a refusal's message shows. */
interface Ids {
  readonly uid: number
  readonly euid: number
  readonly gid: number
  readonly egid: number
  /** Supplementary groups, comma-separated. */
  readonly groups: string
}

function ids(): Ids {
  return {
    uid: process.getuid!(),
    euid: process.geteuid!(),
    gid: process.getgid!(),
    egid: process.getegid!(),
    groups: process.getgroups!().join(','),
  }
}

/** native.credentials() into `words`, or into a longer array when the groups need more room. */
function read(words: Uint32Array): Uint32Array {
  for (;;) {
    const used = native.credentials(words)
    if (used < 0) throw native.systemError(used, 'getresuid')
    if (used <= words.length) return words.subarray(0, used)
    words = new Uint32Array(used)
  }
}

/**
 * The credentials a ring was created with, checked before its kernel thread
 * may see new SQEs: real, effective and saved user and group ids and the
 * supplementary groups, read with one call into the addon (three system calls)
 * into an array made once, so a check allocates nothing.
 */
export class RecordedCredentials {
  readonly #words: Uint32Array
  readonly #scratch: Uint32Array
  readonly #ids = ids()

  constructor() {
    this.#words = read(new Uint32Array(7 + 32))
    this.#scratch = new Uint32Array(this.#words.length)
  }

  /** ERR_IOURING_CREDENTIALS_CHANGED when the process's are no longer these; undefined when they are. */
  changed(): (Error & CodedError) | undefined {
    const words = this.#words
    const scratch = this.#scratch
    if (native.credentials(scratch) === words.length) {
      let i = 0
      while (i < words.length && scratch[i] === words[i]) i++
      if (i === words.length) return undefined
    }
    const was = this.#ids
    const now = ids()
    const message =
      `The process's credentials changed since this SQPOLL ring was created (uid ${was.uid}/${was.euid} -> ${now.uid}/${now.euid}, ` +
      `gid ${was.gid}/${was.egid} -> ${now.gid}/${now.egid}, groups [${was.groups}] -> [${now.groups}]), ` +
      'and its kernel submission thread would still act with the old ones, so it accepts no new work; create a new ring after changing credentials'
    return Object.assign(new Error(message), { code: 'ERR_IOURING_CREDENTIALS_CHANGED' })
  }
}

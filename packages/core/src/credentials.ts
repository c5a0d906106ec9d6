// An SQPOLL ring's kernel submission thread acts with the credentials of the
// process that created the ring, whatever the process becomes afterwards
// (CVE-2024-22017: after process.setuid(), files were still opened as root).
// Such a ring records the user and group ids it was created with and refuses
// work once they changed. Other rings need nothing: the kernel runs their
// work, inline or in io-wq, with the submitting thread's current credentials.
import type { CodedError } from './errors.js'

/** The process's user and group ids, as process.getuid() and friends report them. */
export interface Credentials {
  readonly uid: number
  readonly euid: number
  readonly gid: number
  readonly egid: number
  /** Supplementary groups, comma-separated. */
  readonly groups: string
}

export function currentCredentials(): Credentials {
  return {
    uid: process.getuid!(),
    euid: process.geteuid!(),
    gid: process.getgid!(),
    egid: process.getegid!(),
    groups: process.getgroups!().join(','),
  }
}

/** ERR_IOURING_CREDENTIALS_CHANGED when the process's ids are no longer `recorded`; undefined when they are. */
export function credentialsChanged(recorded: Credentials): (Error & CodedError) | undefined {
  const now = currentCredentials()
  if (now.uid === recorded.uid && now.euid === recorded.euid && now.gid === recorded.gid && now.egid === recorded.egid && now.groups === recorded.groups) {
    return undefined
  }
  const message =
    `The process's credentials changed since this SQPOLL ring was created (uid ${recorded.uid}/${recorded.euid} -> ${now.uid}/${now.euid}, ` +
    `gid ${recorded.gid}/${recorded.egid} -> ${now.gid}/${now.egid}, groups [${recorded.groups}] -> [${now.groups}]), ` +
    'and its kernel submission thread would still act with the old ones, so it accepts no new work; create a new ring after changing credentials'
  return Object.assign(new Error(message), { code: 'ERR_IOURING_CREDENTIALS_CHANGED' })
}

// struct siginfo_t as waitid(2) fills it for a child (the SIGCHLD member of
// its union); offsets in layout.ts.

import { SIGINFO_CODE, SIGINFO_ERRNO, SIGINFO_PID, SIGINFO_SIGNO, SIGINFO_STATUS, SIGINFO_UID } from './layout.js'

/** si_code values for SIGCHLD (CLD_*). */
export const CLD_EXITED = 1,
  CLD_KILLED = 2,
  CLD_DUMPED = 3,
  CLD_TRAPPED = 4,
  CLD_STOPPED = 5,
  CLD_CONTINUED = 6

/** What waitid(2) reports about a child, from the siginfo_t WAITID fills. */
export interface ChildSiginfo {
  /** si_signo: SIGCHLD. */
  signo: number
  /** si_errno (0). */
  errno: number
  /** CLD_EXITED, CLD_KILLED, ... */
  code: number
  /** The child's process id. */
  pid: number
  /** The child's real user id. */
  uid: number
  /** The exit status for CLD_EXITED, else the signal number. */
  status: number
}

/** Reads the SIGCHLD fields of the siginfo_t at `at`. */
export function decodeSiginfo(view: DataView, at: number): ChildSiginfo {
  return {
    signo: view.getInt32(at + SIGINFO_SIGNO, true),
    errno: view.getInt32(at + SIGINFO_ERRNO, true),
    code: view.getInt32(at + SIGINFO_CODE, true),
    pid: view.getInt32(at + SIGINFO_PID, true),
    uid: view.getUint32(at + SIGINFO_UID, true),
    status: view.getInt32(at + SIGINFO_STATUS, true),
  }
}

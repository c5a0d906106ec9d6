/** What runModule() saw of the child: its exit status (null if killed), stderr, and its last line of output as JSON. */
export interface ModuleRun {
  status: number | null
  stderr: string
  seen: unknown
}
export function runModule(wrapper: readonly string[], script: string, options?: { cwd?: string; env?: Record<string, string>; timeout?: number }): ModuleRun
export function warningLines(stderr: string, code: string): string[]
/** Whether this kernel charges ring memory to RLIMIT_MEMLOCK (asked in a child without CAP_IPC_LOCK; false where that cannot be made). */
export function ringsChargeMemlock(cwd: string): boolean

'use strict'
// Whether this process may use io_uring and, when it may not, which of the
// things that deny it does, in one sentence with the remedy. Nothing here
// throws: loading @iouring works everywhere, and only making a ring fails.
const fs = require('fs')
const os = require('os')
const util = require('util')

const EPERM = -1
const ENOMEM = -12
const EACCES = -13
const ENOSYS = -38

// Capability bits (linux/capability.h).
const CAP_IPC_LOCK = 14
const CAP_SYS_ADMIN = 21

const SYSCALLS = ['io_uring_setup', 'io_uring_enter', 'io_uring_register']

// The smallest ring (one SQE, two CQEs) takes two pages of locked memory.
const SMALLEST_RING_BYTES = 2 * 4096

const SECCOMP_REMEDY =
  'run it with a seccomp profile that also allows io_uring_setup, io_uring_enter and io_uring_register ' +
  '(Docker: --security-opt seccomp=profile.json with those three added to the default profile; ' +
  'Kubernetes: a securityContext.seccompProfile of type Localhost)'

const MEMLOCK_REMEDY = 'raise it (ulimit -l, LimitMEMLOCK= in a systemd unit, docker run --ulimit memlock=...) or give the process CAP_IPC_LOCK'

function readText (path) {
  try {
    return fs.readFileSync(path, 'latin1')
  } catch {
    return undefined
  }
}

function readNumber (path) {
  const text = readText(path)
  return text === undefined ? undefined : Number(text.trim())
}

/** One field of /proc/self/status, e.g. 'Seccomp' -> '2'. */
function statusField (status, name) {
  const match = new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)
  return match === null ? undefined : match[1].trim()
}

/** What the kernel weighs when it decides: seccomp mode, capabilities (in the initial user namespace), groups. */
function processState () {
  const status = readText('/proc/self/status') ?? ''
  const capEff = BigInt('0x' + (statusField(status, 'CapEff') || '0'))
  // capable() asks about the initial user namespace: inside any other one
  // (rootless containers) the process's capabilities do not count.
  const uidMap = (readText('/proc/self/uid_map') ?? '').trim().split(/\s+/)
  const initialNamespace = uidMap.length === 3 && uidMap[0] === '0' && uidMap[1] === '0' && uidMap[2] === '4294967295'
  const gids = (statusField(status, 'Gid') ?? '').split(/\s+/).map(Number)
  return {
    seccompFilter: statusField(status, 'Seccomp') === '2',
    capable: (cap) => initialNamespace && ((capEff >> BigInt(cap)) & 1n) === 1n,
    // in_group_p(): the filesystem gid and the supplementary groups.
    groups: [gids[3], ...(statusField(status, 'Groups') ?? '').split(/\s+/).filter(Boolean).map(Number)]
  }
}

/** RLIMIT_MEMLOCK of this process in bytes (Infinity: unlimited), or undefined if unknown. */
function memlockLimit () {
  const limits = readText('/proc/self/limits')
  const match = limits === undefined ? null : /^Max locked memory\s+(\S+)/m.exec(limits)
  if (match === null) return undefined
  return match[1] === 'unlimited' ? Infinity : Number(match[1])
}

function showBytes (bytes) {
  if (bytes === undefined) return 'unknown'
  if (bytes === Infinity) return 'unlimited'
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`
}

/** Whether ring memory counts against RLIMIT_MEMLOCK: it does for a process without CAP_IPC_LOCK (Linux 6.18 here counts it). */
function memlockApplies () {
  return !processState().capable(CAP_IPC_LOCK)
}

function errnoName (errno) {
  try {
    return util.getSystemErrorName(errno)
  } catch {
    return String(errno)
  }
}

function kernelOlderThan (major, minor) {
  const [maj, min] = os.release().split(/[.-]/).map(Number)
  return maj < major || (maj === major && min < minor)
}

function unavailable (reason, errno, message) {
  return { available: false, reason, errno, message }
}

/**
 * Why the sysctl denies io_uring_setup to this process (as io_uring_allowed()
 * decides), or undefined when it does not (or is absent: before Linux 6.6).
 */
function sysctlDenial (errno) {
  const disabled = readNumber('/proc/sys/kernel/io_uring_disabled')
  if (disabled === 2) {
    return unavailable('sysctl', errno,
      'io_uring is disabled for every process on this host (sysctl kernel.io_uring_disabled = 2); ' +
      'enable it with `sysctl -w kernel.io_uring_disabled=0` (or 1: root and one group only)')
  }
  if (disabled !== 1) return undefined
  const state = processState()
  if (state.capable(CAP_SYS_ADMIN)) return undefined
  const group = readNumber('/proc/sys/kernel/io_uring_group')
  if (group !== undefined && group !== -1 && state.groups.includes(group)) return undefined
  if (group === undefined || group === -1) {
    return unavailable('sysctl', errno,
      'io_uring is limited on this host to processes with CAP_SYS_ADMIN (sysctl kernel.io_uring_disabled = 1, and kernel.io_uring_group = -1 names no group); ' +
      'name a group that may use it with `sysctl -w kernel.io_uring_group=<gid>` and run the process in that group, or enable io_uring for all with `sysctl -w kernel.io_uring_disabled=0`')
  }
  return unavailable('sysctl', errno,
    `io_uring is limited on this host to processes with CAP_SYS_ADMIN or in group ${group} (sysctl kernel.io_uring_disabled = 1, kernel.io_uring_group = ${group}), and this process is neither; ` +
    `run it with group ${group} among its groups, or enable io_uring for all with \`sysctl -w kernel.io_uring_disabled=0\``)
}

/** The Availability for a failed io_uring system call (`call`: index in SYSCALLS). */
function explain (errno, call) {
  const syscall = SYSCALLS[call]
  const code = errnoName(errno)
  const state = processState()
  if (call === 0 && (errno === EPERM || errno === EACCES)) {
    const denial = sysctlDenial(errno)
    if (denial !== undefined) return denial
  }
  if (state.seccompFilter && !(errno === ENOSYS && kernelOlderThan(5, 1))) {
    return unavailable('seccomp', errno,
      `io_uring is blocked by this process's seccomp filter (${syscall} fails with ${code}), as the default profiles of Docker, containerd and Kubernetes block it; ${SECCOMP_REMEDY}`)
  }
  if (errno === ENOSYS) {
    return unavailable('kernel', errno,
      `this kernel (${os.release()}) has no io_uring (${syscall} fails with ENOSYS): it is older than 5.1 or was built without CONFIG_IO_URING; ` +
      'use Linux 5.6 or newer with io_uring enabled')
  }
  if (errno === ENOMEM && call === 0 && memlockApplies()) {
    return unavailable('memlock', errno,
      `io_uring_setup fails with ENOMEM: a ring's memory counts against RLIMIT_MEMLOCK for a process without CAP_IPC_LOCK, and this process's limit is ${showBytes(memlockLimit())}; ` +
      `${MEMLOCK_REMEDY}, or ask for a smaller ring`)
  }
  return unavailable('denied', errno,
    `${syscall} fails with ${code} though neither a seccomp filter nor kernel.io_uring_disabled denies it here; ` +
    'a Linux security module (SELinux, AppArmor) may: look for io_uring in its audit log')
}

const AVAILABLE = Object.freeze({ available: true, reason: null, errno: 0, message: 'io_uring is available' })

/** availability() given the addon's check(call) (undefined where there is no addon: not Linux). */
function probe (check) {
  if (process.platform !== 'linux' || check === undefined) {
    return unavailable('platform', 0, `io_uring exists only on Linux, and this is ${process.platform}; on other systems use node:fs and node:net`)
  }
  for (let call = 0; call < SYSCALLS.length; call++) {
    const errno = check(call)
    if (errno < 0) return explain(errno, call)
  }
  const limit = memlockLimit()
  if (limit !== undefined && limit < SMALLEST_RING_BYTES && memlockApplies()) {
    return unavailable('memlock', ENOMEM,
      `io_uring's rings count against RLIMIT_MEMLOCK for a process without CAP_IPC_LOCK, and this process's limit (${showBytes(limit)}) is less than the smallest ring needs; ${MEMLOCK_REMEDY}`)
  }
  return AVAILABLE
}

/** Where the addon itself could not be loaded: no prebuild fits this system, and it was not built. */
function addonMissing (err) {
  return unavailable('addon', 0,
    `@iouring/native's addon could not be loaded (${String(err.message).split('\n')[0]}): no prebuild fits this system and none was built; ` +
    'build it with python3, make and a C compiler present (npm rebuild @iouring/native, or pnpm rebuild @iouring/native after allowing its build script)')
}

/** ERR_IOURING_UNAVAILABLE carrying an Availability's reason, errno and message. */
function unavailableError (availability, syscall = 'io_uring_setup') {
  const err = new Error(availability.message)
  err.code = 'ERR_IOURING_UNAVAILABLE'
  err.reason = availability.reason
  err.errno = availability.errno
  err.syscall = syscall
  return err
}

/**
 * Why a real ring's io_uring_setup failed with `errno`, when something
 * outside the program denies it (seccomp, the sysctl, the kernel,
 * RLIMIT_MEMLOCK); undefined when the errno is the answer itself (EINVAL:
 * flags this kernel does not take; EMFILE; ENOMEM with CAP_IPC_LOCK, which is
 * memory itself).
 */
function setupDenial (errno) {
  if (errno === EPERM || errno === EACCES || errno === ENOSYS || (errno === ENOMEM && memlockApplies())) return explain(errno, 0)
  return undefined
}

module.exports = { probe, addonMissing, setupDenial, unavailableError, memlockLimit }

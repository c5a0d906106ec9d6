#!/usr/bin/env node
// `pnpm test:kernel <series> [command...]`: boots one of Debian's kernels under
// qemu with the host's root and this repository shared read-only (a tmpfs
// overlay takes the writes), runs the command as root in the guest (by default
// the whole test suite), prints its output and exits with its exit status.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { KERNELS, download, unpack } from './debian.mjs'
import { buildInitramfs, moduleOrder } from './initramfs.mjs'

const REPO = resolve(import.meta.dirname, '..', '..')
const CACHE = process.env.IOURING_KERNEL_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'iouring-kernel')
const DEFAULT_COMMAND = ['node', join(REPO, 'tooling', 'kernel', 'suite.mjs')]
const USAGE = `usage: pnpm test:kernel <${Object.keys(KERNELS).join('|')}> [--refresh] [--timeout=<minutes>] [--] [command...]
  Runs the command (default: ${DEFAULT_COMMAND.join(' ')}) as root in a guest booted with that kernel.`

function parseArgs(argv) {
  const [series, ...rest] = argv
  if (!(series in KERNELS)) {
    console.error(USAGE)
    process.exit(2)
  }
  const options = { series, refresh: false, timeoutMinutes: 60, command: DEFAULT_COMMAND }
  let i = 0
  for (; i < rest.length && rest[i].startsWith('--'); i++) {
    const [name, value] = rest[i].split('=')
    if (name === '--') {
      i++
      break
    } else if (name === '--refresh') options.refresh = true
    else if (name === '--timeout' && Number(value) > 0) options.timeoutMinutes = Number(value)
    else {
      console.error(USAGE)
      process.exit(2)
    }
  }
  if (i < rest.length) options.command = rest.slice(i)
  return options
}

function ensureQemu() {
  if (!spawnSync('qemu-system-x86_64', ['--version']).error) return
  console.log('kernel: installing qemu-system-x86 with apt-get')
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'qemu-system-x86'], { stdio: 'inherit' })
}

/** The cached kernel of `series` (vmlinuz, busybox, the initramfs modules), fetched first when missing. */
function cachedKernel(series, refresh) {
  const dir = join(CACHE, series)
  if (refresh || !existsSync(join(dir, 'release'))) {
    mkdirSync(CACHE, { recursive: true })
    const work = mkdtempSync(join(CACHE, '.fetch-'))
    try {
      const { image, imageDeb, busyboxDeb } = download(series, work)
      unpack(imageDeb, join(work, 'image'))
      unpack(busyboxDeb, join(work, 'busybox'))
      const [release] = readdirSync(join(work, 'image', 'lib', 'modules'))
      const stage = join(work, 'stage')
      mkdirSync(join(stage, 'modules'), { recursive: true })
      copyFileSync(join(work, 'image', 'boot', `vmlinuz-${release}`), join(stage, 'vmlinuz'))
      copyFileSync(join(work, 'busybox', 'bin', 'busybox'), join(stage, 'busybox'))
      const modules = moduleOrder(join(work, 'image', 'lib', 'modules', release))
      for (const { name, file } of modules) copyFileSync(file, join(stage, 'modules', `${name}.ko`))
      writeFileSync(join(stage, 'modules', 'order'), modules.map(({ name }) => name).join('\n') + '\n')
      writeFileSync(join(stage, 'release'), `${release} (${image})\n`)
      rmSync(dir, { recursive: true, force: true })
      renameSync(stage, dir)
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  }
  const order = readFileSync(join(dir, 'modules', 'order'), 'utf8').split('\n').filter(Boolean)
  return {
    release: readFileSync(join(dir, 'release'), 'utf8').trim(),
    vmlinuz: join(dir, 'vmlinuz'),
    busybox: join(dir, 'busybox'),
    modules: order.map((name) => ({ name, file: join(dir, 'modules', `${name}.ko`) })),
  }
}

/**
 * Whether KVM really runs a guest here. /dev/kvm can exist where qemu cannot
 * run a vCPU (this development VM has one without hardware virtualisation), so
 * the check boots qemu's firmware under KVM and waits for its banner on the
 * serial port. Answered once per host boot (cached by the boot id).
 */
async function kvmWorks() {
  if (!existsSync('/dev/kvm')) return false
  const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
  const answer = join(CACHE, `kvm-${bootId}`)
  if (existsSync(answer)) return readFileSync(answer, 'utf8') === 'yes'
  const firmware = spawn('qemu-system-x86_64', ['-accel', 'kvm', '-cpu', 'host', '-m', '64', '-nographic', '-nodefaults', '-serial', 'stdio', '-no-reboot'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const works = await new Promise((settle) => {
    let output = ''
    const timer = setTimeout(() => settle(false), 15_000)
    firmware.stdout.on('data', (chunk) => {
      output += chunk
      if (output.includes('SeaBIOS')) {
        clearTimeout(timer)
        settle(true)
      }
    })
    firmware.on('exit', () => {
      clearTimeout(timer)
      settle(false)
    })
  })
  firmware.kill('SIGKILL')
  mkdirSync(CACHE, { recursive: true })
  writeFileSync(answer, works ? 'yes' : 'no')
  return works
}

const quote = (word) => `'${String(word).replaceAll("'", `'\\''`)}'`

/**
 * The guest's command script: the host's PATH and working directory (inside
 * the repository), `env`, then the command.
 */
function commandScript(command, env) {
  const start = process.env.INIT_CWD ?? process.cwd()
  const cwd = relative(REPO, start).startsWith('..') ? REPO : start
  const passed = Object.fromEntries(['PATH', 'LANG', 'TZ', 'NO_COLOR'].filter((name) => name in process.env).map((name) => [name, process.env[name]]))
  // Colour when the host prints to a terminal, none in a log file, whatever the guest's console is.
  if (!('NO_COLOR' in passed)) Object.assign(passed, process.stdout.isTTY ? { FORCE_COLOR: '1' } : { NO_COLOR: '1' })
  return [
    ...Object.entries({ ...passed, ...env, HOME: '/root' }).map(([name, value]) => `export ${name}=${quote(value)}`),
    `cd ${quote(cwd)} || exit 1`,
    `exec ${command.map(quote).join(' ')}`,
  ].join('\n') + '\n'
}

async function main() {
  const options = parseArgs(process.argv.slice(2))
  ensureQemu()
  const kernel = cachedKernel(options.series, options.refresh)
  const run = mkdtempSync(join(tmpdir(), 'iouring-kernel-run-'))
  buildInitramfs({ busybox: kernel.busybox, modules: kernel.modules, out: join(run, 'initramfs.cpio') })
  writeFileSync(join(run, 'params'), `repo=${quote(REPO)}\n`)
  const accel = (await kvmWorks()) ? 'kvm' : 'tcg'
  // An emulated CPU runs the tests several times slower: give each test more time (see the vitest preset).
  writeFileSync(join(run, 'command.sh'), commandScript(options.command, accel === 'tcg' ? { IOURING_TEST_TIMEOUT_MS: '120000' } : {}))
  console.log(`kernel: booting ${kernel.release} under qemu (${accel}): ${options.command.join(' ')}`)
  const started = Date.now()
  const qemu = spawn('qemu-system-x86_64', [
    '-display', 'none', '-nodefaults', '-no-reboot',
    '-serial', 'stdio', '-nic', 'none',
    '-accel', accel, '-cpu', accel === 'kvm' ? 'host' : 'max', '-smp', '2', '-m', '4G',
    '-kernel', kernel.vmlinuz,
    '-initrd', join(run, 'initramfs.cpio'),
    '-append', 'console=ttyS0 quiet panic=-1',
    '-virtfs', 'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap',
    '-virtfs', `local,path=${REPO},mount_tag=repo,security_model=none,readonly=on,multidevs=remap`,
    '-virtfs', `local,path=${run},mount_tag=share,security_model=none`,
  ], { stdio: ['ignore', 'pipe', 'inherit'] })
  // The serial console ends lines with \r\n.
  qemu.stdout.on('data', (chunk) => process.stdout.write(chunk.toString('latin1').replaceAll('\r', ''), 'latin1'))
  let timedOut = false
  const timer = setTimeout(() => {
    console.error(`kernel: no power-off after ${options.timeoutMinutes} min; killing qemu`)
    timedOut = true
    qemu.kill('SIGKILL')
  }, options.timeoutMinutes * 60_000)
  const stop = () => qemu.kill('SIGKILL')
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  qemu.on('exit', (code, signal) => {
    clearTimeout(timer)
    const statusFile = join(run, 'status')
    const status = existsSync(statusFile) ? Number(readFileSync(statusFile, 'utf8')) : undefined
    rmSync(run, { recursive: true, force: true })
    const seconds = Math.round((Date.now() - started) / 1000)
    const took = `${Math.floor(seconds / 60)} min ${seconds % 60} s`
    if (status === undefined) {
      console.error(`kernel: the guest stopped without the command's status (qemu ${signal ?? `exit ${code}`}) after ${took}`)
      process.exit(timedOut ? 124 : 125)
    }
    console.log(`kernel: ${kernel.release} (${accel}): exit status ${status} after ${took}`)
    process.exit(status)
  })
}

await main()

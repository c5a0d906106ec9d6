#!/usr/bin/env node
'use strict'
// Makes the prebuilds that ship in the package and checks them with readelf.
//
//   node scripts/prebuild.js [target...]   build each target (default: all), then check it
//   node scripts/prebuild.js --available   build each target whose compiler this machine has,
//                                          saying which it skips (CI: a fresh machine has the
//                                          host's compiler only)
//   node scripts/prebuild.js --check [dir] check that dir (default: this package) holds exactly
//                                          one valid prebuild per target and nothing else
//
// Each target is built by prebuildify (--napi --strip --tag-libc) with a
// compiler from the distribution's packages (scripts/install-toolchains.sh
// installs them on an x86-64 Debian or Ubuntu), in a scratch copy of the
// sources so the package's own build/ is left alone. Every target compiles
// against the headers of the Node.js that runs this script (`--nodedir`,
// /usr/include/node for /usr/bin/node), never downloaded ones: the addon
// uses N-API (NAPI_VERSION 8, ABI-stable across Node.js releases) and
// libuv's handle API (stable across libuv 1.x), whose headers are the same
// for every architecture and libc, so one build serves Node.js 20.19 and later.
const { execFileSync } = require('child_process')
const fs = require('fs')
const os = require('os')
const path = require('path')

const root = path.join(__dirname, '..')
const { name } = require('../package.json')

// node-gyp-build picks prebuilds/<platform>-<arch>/<name>.<libc>.node, with
// libc 'musl' on Alpine (or where LIBC=musl) and 'glibc' elsewhere.
const TARGETS = [
  { id: 'linux-x64-glibc', arch: 'x64', libc: 'glibc', cc: 'x86_64-linux-gnu-gcc', strip: 'x86_64-linux-gnu-strip', machine: 'Advanced Micro Devices X86-64' },
  { id: 'linux-x64-musl', arch: 'x64', libc: 'musl', cc: 'musl-gcc', strip: 'x86_64-linux-gnu-strip', machine: 'Advanced Micro Devices X86-64' },
  { id: 'linux-arm64-glibc', arch: 'arm64', libc: 'glibc', cc: 'aarch64-linux-gnu-gcc', strip: 'aarch64-linux-gnu-strip', machine: 'AArch64' }
]

// Node.js 20's own Linux binaries need glibc 2.28: a prebuild must not need more.
const GLIBC_CEILING = [2, 28]

/** Where a target's prebuild lives, relative to the package (prebuildify's naming). */
function prebuildPath (target) {
  return path.join('prebuilds', `linux-${target.arch}`, `${name.replace(/\//g, '+')}.${target.libc}.node`)
}

/**
 * What is wrong with a prebuild for `target`, read with readelf: the ELF
 * class, type and machine, the shared libraries it needs (only its libc:
 * libc.so.6 for glibc, libc.so for musl), and the symbol versions it needs
 * (glibc: none past GLIBC_CEILING; musl: no GLIBC_ version at all, which is
 * what a musl build linked by the host's gcc would carry). Returns the
 * problems (empty when it is right) and, for glibc, the newest version needed.
 */
function inspect (file, target) {
  const elf = execFileSync('readelf', ['--file-header', '--dynamic', '--version-info', '--dyn-syms', '--wide', file], { encoding: 'utf8' })
  const header = (field) => elf.match(new RegExp(`^\\s*${field}:\\s+(.*)$`, 'm'))?.[1].trim()
  const problems = []
  if (header('Class') !== 'ELF64') problems.push(`class ${header('Class')}, not ELF64`)
  if (!header('Type')?.startsWith('DYN')) problems.push(`type ${header('Type')}, not a shared object`)
  if (header('Machine') !== target.machine) problems.push(`machine ${header('Machine')}, not ${target.machine}`)
  const needed = [...elf.matchAll(/\(NEEDED\)\s+Shared library: \[(.+?)\]/g)].map((m) => m[1])
  const libc = target.libc === 'glibc' ? 'libc.so.6' : 'libc.so'
  if (needed.join() !== libc) problems.push(`needs [${needed.join(', ')}], not [${libc}]`)
  const versions = [...new Set([...elf.matchAll(/GLIBC_(\d+(?:\.\d+)+)/g)].map((m) => m[1]))]
    .map((version) => version.split('.').map(Number)).sort(compareVersions)
  const newest = versions.at(-1)
  if (target.libc === 'musl') {
    if (versions.length > 0) problems.push(`needs glibc symbol versions (GLIBC_${versions.map((v) => v.join('.')).join(', GLIBC_')})`)
  } else if (newest === undefined) {
    problems.push('needs no glibc symbol version: not linked against glibc')
  } else if (compareVersions(newest, GLIBC_CEILING) > 0) {
    problems.push(`needs GLIBC_${newest.join('.')}, newer than Node.js 20's GLIBC_${GLIBC_CEILING.join('.')}`)
  }
  return { problems, glibc: target.libc === 'glibc' ? newest?.join('.') : undefined }
}

/** Orders versions given as arrays of numbers ([2, 2, 5] before [2, 17]). */
function compareVersions (a, b) {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0)
  return 0
}

/**
 * Checks dir/prebuilds: a valid file for each of `targets` and, when that is
 * every target, nothing else. Prints a line per good prebuild; returns a line
 * per problem.
 */
function check (dir, targets = TARGETS) {
  const problems = []
  const expected = new Set(TARGETS.map(prebuildPath))
  const found = fs.existsSync(path.join(dir, 'prebuilds'))
    ? fs.readdirSync(path.join(dir, 'prebuilds'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)))
    : []
  if (targets === TARGETS) for (const file of found) if (!expected.has(file)) problems.push(`${file}: not a prebuild of any target`)
  for (const target of targets) {
    const file = prebuildPath(target)
    if (!found.includes(file)) {
      problems.push(`${file}: missing (build it with \`pnpm --filter ${name} prebuilds ${target.id}\`)`)
      continue
    }
    const { problems: wrong, glibc } = inspect(path.join(dir, file), target)
    for (const problem of wrong) problems.push(`${file}: ${problem}`)
    if (wrong.length === 0) {
      const size = Math.round(fs.statSync(path.join(dir, file)).size / 1024)
      console.log(`${file}: ${target.machine}, ${target.libc}${glibc ? `, symbols up to GLIBC_${glibc}` : ', no glibc symbol version'}, ${size} KiB`)
    }
  }
  return problems
}

/** Builds one target's prebuild with prebuildify, in `scratch` (a copy of the sources). */
function build (target, scratch) {
  const nodedir = path.resolve(process.execPath, '..', '..')
  const prebuildify = require.resolve('prebuildify/bin.js')
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js')
  fs.rmSync(path.join(root, prebuildPath(target)), { force: true })
  console.log(`${target.id}: ${target.cc}`)
  execFileSync(process.execPath, [prebuildify, '--napi', '--strip', '--tag-libc',
    `--arch=${target.arch}`, `--libc=${target.libc}`, `--strip-bin=${target.strip}`,
    `--target=${process.versions.node}`, `--node-gyp=${nodeGyp}`, `--out=${root}`], {
    cwd: scratch,
    stdio: 'inherit',
    // LINK too: node-gyp links with $(CXX), the host's g++ and glibc, unless told otherwise.
    env: { ...process.env, CC: target.cc, LINK: target.cc, npm_config_nodedir: nodedir, npm_config_loglevel: 'warn' }
  })
}

function onPath (command) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try { fs.accessSync(path.join(dir, command), fs.constants.X_OK); return true } catch { return false }
  })
}

function main (args) {
  if (args[0] === '--check') return report(check(path.resolve(args[1] ?? root)))
  const unknown = args.filter((id) => id !== '--available' && !TARGETS.some((target) => target.id === id))
  if (unknown.length > 0) {
    console.error(`unknown target ${unknown.join(', ')}; the targets are ${TARGETS.map((t) => t.id).join(', ')}`)
    return 1
  }
  const available = args[0] === '--available'
  const tools = (target) => [target.cc, target.strip, 'readelf']
  let targets = args.length === 0 || available ? TARGETS : TARGETS.filter((target) => args.includes(target.id))
  if (available) {
    // The host's own target builds with whatever C compiler it has.
    targets = targets.map((t) => (t.arch === process.arch && t.libc === 'glibc' && !tools(t).every(onPath) ? { ...t, cc: 'cc', strip: 'strip' } : t))
    for (const target of targets.filter((t) => !tools(t).every(onPath))) {
      console.log(`${target.id}: skipped, ${tools(target).filter((command) => !onPath(command)).join(', ')} not found (scripts/install-toolchains.sh installs them)`)
    }
    targets = targets.filter((t) => tools(t).every(onPath))
    if (targets.length === 0) {
      console.error('no target has its compiler on this machine')
      return 1
    }
  }
  const missing = [...new Set(targets.flatMap(tools).filter((command) => !onPath(command)))]
  if (missing.length > 0) {
    console.error(`${missing.join(', ')} not found; scripts/install-toolchains.sh installs them (Debian, Ubuntu)`)
    return 1
  }
  if (targets === TARGETS) fs.rmSync(path.join(root, 'prebuilds'), { recursive: true, force: true })
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'iouring-prebuild-'))
  try {
    for (const entry of ['package.json', 'binding.gyp', 'src']) fs.cpSync(path.join(root, entry), path.join(scratch, entry), { recursive: true })
    for (const target of targets) build(target, scratch)
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true })
  }
  return report(check(root, targets))
}

function report (problems) {
  for (const problem of problems) console.error(problem)
  return problems.length === 0 ? 0 : 1
}

if (require.main === module) process.exitCode = main(process.argv.slice(2))

module.exports = { TARGETS, prebuildPath, inspect, check }

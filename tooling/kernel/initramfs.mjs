// The guest's initramfs: busybox-static, the guest's /init, and the kernel
// modules that Debian builds as modules but the guest needs before it can see
// the host (virtio PCI, 9p over virtio, overlayfs), with their dependencies,
// listed in the order /init loads them with insmod. Written as a newc cpio
// archive here, so nothing beyond Node is needed to build it.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const WANTED = ['virtio_pci', '9pnet_virtio', '9p', 'overlay']

/** Module name -> path of its .ko, for every module under `dir`. */
function indexModules(dir, index = new Map()) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) indexModules(path, index)
    else if (entry.name.endsWith('.ko')) index.set(entry.name.slice(0, -3).replaceAll('-', '_'), path)
  }
  return index
}

/** The `depends=` list from a module's .modinfo ELF section. */
function dependsOf(file) {
  const elf = readFileSync(file)
  const sections = Number(elf.readBigUInt64LE(0x28))
  const size = elf.readUInt16LE(0x3a)
  const count = elf.readUInt16LE(0x3c)
  const header = (i) => sections + i * size
  const names = Number(elf.readBigUInt64LE(header(elf.readUInt16LE(0x3e)) + 0x18))
  for (let i = 0; i < count; i++) {
    const nameAt = names + elf.readUInt32LE(header(i))
    if (elf.toString('latin1', nameAt, elf.indexOf(0, nameAt)) !== '.modinfo') continue
    const at = Number(elf.readBigUInt64LE(header(i) + 0x18))
    const info = elf.toString('latin1', at, at + Number(elf.readBigUInt64LE(header(i) + 0x20))).split('\0')
    const depends = info.find((field) => field.startsWith('depends='))?.slice('depends='.length) ?? ''
    return depends === '' ? [] : depends.split(',').map((name) => name.replaceAll('-', '_'))
  }
  return []
}

/** The modules /init must load, dependencies first; built-in ones (absent from `moduleDir`) are left out. */
export function moduleOrder(moduleDir) {
  const index = indexModules(moduleDir)
  const order = []
  const visit = (name) => {
    const file = index.get(name)
    if (file === undefined || order.some((entry) => entry.name === name)) return
    for (const dependency of dependsOf(file)) visit(dependency)
    order.push({ name, file })
  }
  WANTED.forEach(visit)
  return order
}

/** A newc cpio archive of `entries` ({ path, mode, data?, target?, rdev? }), as the kernel unpacks into its rootfs. */
function cpio(entries) {
  const chunks = []
  const pad = (length) => chunks.push(Buffer.alloc((4 - (length % 4)) % 4))
  const add = (path, mode, data, [rdevMajor, rdevMinor] = [0, 0]) => {
    const fields = [chunks.length + 1, mode, 0, 0, 1, 0, data.length, 0, 0, rdevMajor, rdevMinor, Buffer.byteLength(path) + 1, 0]
    const header = '070701' + fields.map((value) => value.toString(16).padStart(8, '0')).join('')
    chunks.push(Buffer.from(header + path + '\0', 'latin1'))
    pad(110 + Buffer.byteLength(path) + 1)
    chunks.push(data)
    pad(data.length)
  }
  for (const entry of entries) add(entry.path, entry.mode, entry.data ?? Buffer.from(entry.target ?? ''), entry.rdev)
  add('TRAILER!!!', 0, Buffer.alloc(0))
  return Buffer.concat(chunks)
}

const DIR = 0o040755
const FILE = 0o100755
const SYMLINK = 0o120777
const CHAR_DEVICE = 0o020600

/**
 * Writes the initramfs to `out`: busybox, /init, and `modules` ({ name, file },
 * in load order, from moduleOrder).
 */
export function buildInitramfs({ busybox, modules, out }) {
  const dirs = ['bin', 'dev', 'proc', 'sys', 'modules', 'share', 'lower', 'lower/root', 'lower/repo', 'rw', 'newroot']
  const entries = [
    ...dirs.map((path) => ({ path, mode: DIR })),
    // The kernel opens /dev/console for /init before anything is mounted.
    { path: 'dev/console', mode: CHAR_DEVICE, rdev: [5, 1] },
    { path: 'bin/busybox', mode: FILE, data: readFileSync(busybox) },
    { path: 'bin/sh', mode: SYMLINK, target: 'busybox' },
    { path: 'init', mode: FILE, data: readFileSync(new URL('./init.sh', import.meta.url)) },
    ...modules.map(({ name, file }) => ({ path: `modules/${name}.ko`, mode: 0o100644, data: readFileSync(file) })),
    { path: 'modules/order', mode: 0o100644, data: Buffer.from(modules.map(({ name }) => `${name}.ko\n`).join('')) },
  ]
  writeFileSync(out, cpio(entries))
}

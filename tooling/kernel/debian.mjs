// Debian's generic kernel images and busybox-static, fetched with `apt-get
// download` through a private apt state: a sources file and package lists in a
// temporary directory that is removed afterwards, so the machine's own apt
// sources and lists stay as they were (Debian 11's bullseye-security suite is
// not among them).
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg'

/** The kernels the runner knows: a Debian suite list and the image package's name. */
export const KERNELS = {
  '6.1': { debian: 'Debian 12', suites: ['bookworm', 'bookworm-security'], image: /^linux-image-6\.1\.0-(\d+)-amd64-unsigned$/ },
  '5.10': { debian: 'Debian 11', suites: ['bullseye-security'], image: /^linux-image-5\.10\.0-(\d+)-amd64-unsigned$/ },
}

// busybox-static always comes from bookworm, whatever the kernel's suite.
const BUSYBOX_SUITE = 'bookworm'

function sourcesLine(suite) {
  const archive = suite.endsWith('-security') ? 'http://deb.debian.org/debian-security' : 'http://deb.debian.org/debian'
  return `deb [signed-by=${KEYRING}] ${archive} ${suite} main`
}

/**
 * Downloads the newest image package of `series` ('6.1') and busybox-static
 * into `dir`; returns the two .deb paths and the image package's name.
 */
export function download(series, dir) {
  const kernel = KERNELS[series]
  const state = mkdtempSync(join(tmpdir(), 'iouring-kernel-apt-'))
  try {
    const suites = [...new Set([...kernel.suites, BUSYBOX_SUITE])]
    writeFileSync(join(state, 'sources.list'), suites.map(sourcesLine).join('\n') + '\n')
    mkdirSync(join(state, 'sources.list.d'))
    mkdirSync(join(state, 'lists', 'partial'), { recursive: true })
    mkdirSync(join(state, 'cache'))
    const options = [
      ['Dir::Etc::SourceList', join(state, 'sources.list')],
      ['Dir::Etc::SourceParts', join(state, 'sources.list.d')],
      ['Dir::State::Lists', join(state, 'lists')],
      ['Dir::Cache', join(state, 'cache')],
      ['APT::Sandbox::User', 'root'],
      ['Acquire::Languages', 'none'],
    ].flatMap(([key, value]) => ['-o', `${key}=${value}`])
    console.log(`kernel: apt-get update (${suites.join(', ')}; a private sources file, removed after)`)
    execFileSync('apt-get', [...options, '-qq', 'update'], { stdio: 'inherit' })
    const names = execFileSync('apt-cache', [...options, 'pkgnames', 'linux-image-'], { encoding: 'utf8' })
      .split('\n')
      .map((name) => ({ name, abi: kernel.image.exec(name)?.[1] }))
      .filter((entry) => entry.abi !== undefined)
      .sort((a, b) => Number(b.abi) - Number(a.abi))
    if (names.length === 0) throw new Error(`no package matching ${kernel.image} in ${kernel.suites.join(', ')}`)
    const image = names[0].name
    console.log(`kernel: apt-get download ${image} busybox-static`)
    execFileSync('apt-get', [...options, '-qq', 'download', image, 'busybox-static'], { cwd: dir, stdio: 'inherit' })
    const debs = readdirSync(dir).filter((file) => file.endsWith('.deb'))
    const find = (prefix) => join(dir, debs.find((file) => file.startsWith(`${prefix}_`)))
    return { image, imageDeb: find(image), busyboxDeb: find('busybox-static') }
  } finally {
    rmSync(state, { recursive: true, force: true })
  }
}

/** Unpacks a .deb (dpkg-deb -x) into `dir`. */
export function unpack(deb, dir) {
  execFileSync('dpkg-deb', ['-x', deb, dir])
}

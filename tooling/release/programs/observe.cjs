'use strict'
// What the kernel says this process holds, for the install checks' programs.
const { readFileSync, readdirSync, readlinkSync } = require('node:fs')

/** The native addons (.node files) mapped into this process: the ones it loaded. */
exports.loadedAddons = function loadedAddons() {
  const paths = readFileSync('/proc/self/maps', 'utf8').split('\n').map((line) => line.split(/\s+/)[5])
  return [...new Set(paths.filter((path) => path?.endsWith('.node')))]
}

/** How many io_uring instances this process has open (fds linked to anon_inode:[io_uring]). */
exports.openRings = function openRings() {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === 'anon_inode:[io_uring]'
    } catch {
      return false // the fd readdir itself used, closed since
    }
  }).length
}

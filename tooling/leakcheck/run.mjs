// valgrind --leak-check=full over addon.cjs; exits 1 if any block the addon
// itself allocated (the allocator's caller is in iouring.node) is definitely
// or indirectly lost. Blocks Node allocates inside N-API calls for objects
// still alive at exit (napi_create_external's finalizer record) are Node's.
import { spawnSync } from 'node:child_process'

const valgrind = spawnSync('valgrind', ['--version'])
if (valgrind.error) {
  console.log('leakcheck: valgrind is not installed; skipped (apt-get install valgrind)')
  process.exit(0)
}
const run = spawnSync('valgrind', ['--leak-check=full', '--show-leak-kinds=definite,indirect', process.execPath, '--expose-gc', 'addon.cjs'], {
  encoding: 'utf8',
  cwd: import.meta.dirname ?? new URL('.', import.meta.url).pathname,
})
const log = run.stderr
const summary = log.split('\n').filter((line) => /definitely lost:|indirectly lost:|ERROR SUMMARY/.test(line))
console.log(summary.join('\n'))
const ours = log
  .split(/==\d+== \n/)
  .filter((record) => /lost in loss record/.test(record))
  .filter((record) => /(malloc|calloc|realloc|operator new)[^\n]*\n[^\n]*iouring\.node/.test(record))
if (run.stdout.trim() !== 'done' || ours.length > 0) {
  console.log(ours.join('\n'))
  console.log('leakcheck: FAILED')
  process.exit(1)
}
console.log('leakcheck: no block the addon allocated was lost')

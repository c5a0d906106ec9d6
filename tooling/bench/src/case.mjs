// Child-process entry: runs one case and prints its rate on the last line.
import { cases } from './cases.mjs'

const [name, args] = process.argv.slice(2)
const rate = await cases[name](JSON.parse(args))
// A rate, or { rate, cpu } (see run() in harness.mjs).
console.log(rate !== null && typeof rate === 'object' ? JSON.stringify(rate) : rate)

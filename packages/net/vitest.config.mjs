export { default } from '@iouring/tooling/vitest'

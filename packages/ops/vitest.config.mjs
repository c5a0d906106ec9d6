import preset from '@iouring/tooling/vitest'

// Point Vite's TypeScript transform at a tsconfig it can resolve: the package
// tsconfig extends the tooling one through the node_modules symlink, and Vite
// resolves that one's relative `extends` without following the link.
export default { ...preset, tsconfig: './tsconfig.test.json' }

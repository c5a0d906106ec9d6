#!/usr/bin/env node
// Builds the package in the current directory twice from the same sources:
// dist/esm (the package is "type": "module") and dist/cjs (marked CommonJS by
// its own package.json), so `import` and `require` both get native code, and
// each half gets declarations that TypeScript reads in the right module mode.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const tsc = require.resolve('typescript/bin/tsc')
const ts = require('typescript')

rmSync('dist', { recursive: true, force: true })
const run = (...args) => execFileSync(process.execPath, [tsc, ...args], { stdio: 'inherit' })
run('-p', 'tsconfig.json', '--outDir', 'dist/esm')
mkdirSync('dist/cjs', { recursive: true })
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n')
run('-p', 'tsconfig.json', '--outDir', 'dist/cjs', '--module', 'commonjs', '--moduleResolution', 'node10')
for (const file of readdirSync('dist/cjs', { recursive: true })) {
  if (file.endsWith('.js')) bindOnce(join('dist/cjs', file))
}

/**
 * Gives tsc's CommonJS output what an ES module has: imports bound once.
 * tsc makes each re-export a getter, and reads an import from the exporting
 * module's exports object at every use (`(0, ops_1.prepNop)(...)`). V8 puts
 * exports objects with such getters in dictionary mode (each has getters of
 * its own, which no two objects can share a map for), and @iouring/ops's
 * index in any case (over 1,000 names is past V8's limit for a fast object),
 * so each such use was a lookup and a getter call that the optimizing
 * compiler cannot inline: promise nop() ran at half the speed of import. So:
 * - a re-export becomes a data property holding the value (nothing here
 *   reassigns an export; core's exports test compares each with import's);
 * - a use of another @iouring package's export reads a module-level constant
 *   taken right after require(), which returns that package complete
 *   (dependencies point one way). `ops_1.prepNop` becomes `ops_1$prepNop`,
 *   as long, and the constants go on the require's line: the source maps'
 *   lines, and their columns where code runs, still hold.
 */
function bindOnce(file) {
  const text = readFileSync(file, 'utf8')
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS)
  const edits = []
  const packages = new Map() // binding name -> { statement, declaration, names used }
  for (const statement of source.statements) {
    const declaration = packageBinding(statement)
    if (declaration !== undefined) packages.set(declaration.name.text, { statement, declaration, used: new Set() })
  }
  const visit = (node) => {
    const reexport = reexportGetter(node)
    if (reexport !== undefined) {
      // `get: function () { return E; }` -> `value: E`, leaving E to the edits below.
      const { get, returned } = reexport
      edits.push({ start: get.getStart(), end: returned.getStart(), text: 'value: ' })
      edits.push({ start: returned.end, end: get.end, text: '' })
    }
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && packages.has(node.expression.text)) {
      const binding = node.expression.text
      packages.get(binding).used.add(node.name.text)
      edits.push({ start: node.getStart(), end: node.end, text: `${binding}$${node.name.text}` })
    }
    if (isDeclaration(node) && packages.has(node.name.text) && packages.get(node.name.text).declaration !== node) {
      throw new Error(`${file}: '${node.name.text}' shadows the binding of a package import; rename one of them`)
    }
    ts.forEachChild(node, visit)
  }
  ts.forEachChild(source, visit)
  for (const [binding, { statement, used }] of packages) {
    if (used.size === 0) continue
    if (text.includes(`${binding}$`)) throw new Error(`${file}: '${binding}$' is already a name in use`)
    const constants = [...used].map((name) => `${binding}$${name} = ${binding}.${name}`).join(', ')
    edits.push({ start: statement.end, end: statement.end, text: ` const ${constants};` })
  }
  let out = text
  for (const { start, end, text: replacement } of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, start) + replacement + out.slice(end)
  }
  writeFileSync(file, out)
}

/** `const x = require("@iouring/...")` or `__importStar(require(...))` at top level: its declaration. */
function packageBinding(statement) {
  if (!ts.isVariableStatement(statement)) return undefined
  const [declaration, ...more] = statement.declarationList.declarations
  if (more.length > 0 || !ts.isIdentifier(declaration.name) || declaration.initializer === undefined) return undefined
  let init = declaration.initializer
  if (ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === '__importStar') init = init.arguments[0]
  const isRequire = ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require'
  const specifier = isRequire && init.arguments.length === 1 && ts.isStringLiteral(init.arguments[0]) ? init.arguments[0].text : ''
  return specifier.startsWith('@iouring/') ? declaration : undefined
}

/** In tsc's re-export descriptor `{ enumerable: true, get: function () { return E; } }`: the get property, with E. */
function reexportGetter(node) {
  if (!ts.isObjectLiteralExpression(node) || node.properties.length !== 2) return undefined
  const [enumerable, get] = node.properties
  if (!ts.isPropertyAssignment(enumerable) || enumerable.name.getText() !== 'enumerable' || enumerable.initializer.kind !== ts.SyntaxKind.TrueKeyword) return undefined
  if (!ts.isPropertyAssignment(get) || get.name.getText() !== 'get' || !ts.isFunctionExpression(get.initializer)) return undefined
  const { parameters, body } = get.initializer
  const [statement, ...rest] = body.statements
  if (parameters.length > 0 || rest.length > 0 || statement === undefined || !ts.isReturnStatement(statement) || statement.expression === undefined) return undefined
  return { get, returned: statement.expression }
}

/** A declaration that names one identifier (variable, parameter, function, class). */
function isDeclaration(node) {
  const declares = ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isBindingElement(node) ||
    ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isClassDeclaration(node) || ts.isClassExpression(node)
  return declares && node.name !== undefined && ts.isIdentifier(node.name)
}

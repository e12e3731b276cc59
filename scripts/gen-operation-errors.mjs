// Generates src/control/operation-errors.generated.json: for each operation of the route table, the error types
// its handler can raise. It starts at each route file's `handle` (src/services/*/routes/*.ts) and follows calls
// through TypeScript's checker into src/ (services, domain helpers, stores), collecting the first argument of every
// `new AppwriteException(…)`: a string literal, or a union of string literals the checker can tell. Calls through an
// interface (a store's `insert`) reach the classes that implement it and the functions assigned to its members.
// The shared pipeline's errors (src/core/operation.ts) are not walked here: src/control/operations.ts puts the ones
// a route's declarations imply first. Run `npm run gen:errors`; test/control/operation-errors.test.ts fails when
// the committed file is stale. `GEN_ERRORS_TRACE=account.get:user_unauthorized npm run gen:errors` prints the
// call chain through which an operation reaches a type.
import { readdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

export const OUTPUT = 'src/control/operation-errors.generated.json'
/** Calls deeper than this from a handler are not followed (the deepest real chain is far shorter). */
export const MAX_DEPTH = 30
/** A non-literal error type with more members than this (`ErrorType` itself) is reported, not listed. */
const MAX_UNION = 30

/**
 * The shared pipeline. A handler's walk does not enter it: running an operation (GraphQL runs each field as one)
 * belongs to that operation, whose own list has its errors; GraphQL answers them inside `errors[]`.
 */
const PIPELINE = ['src/core/operation.ts', 'runOperation']

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Production sources under src/: what a request can run (tests and test support are left out). */
function isSource(file, root) {
  const rel = relative(root, file).split(sep).join('/')
  return rel.startsWith('src/') && !rel.endsWith('.d.ts') && !/\.(test|case)\.ts$/.test(rel) && !rel.includes('/testing/')
}

function listSources(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) listSources(path, out)
    else if (entry.name.endsWith('.ts')) out.push(path)
  }
  return out
}

const isFunctionLike = (node) =>
  ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node) ||
  ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node) || ts.isConstructorDeclaration(node)

/**
 * Walks the program; `operations()` answers `{ errors: { operation: types[] }, notes: string[] }` where notes name
 * the sites whose error type could not be told and the calls cut at MAX_DEPTH.
 */
export function generateOperationErrors(root = ROOT, trace = process.env.GEN_ERRORS_TRACE) {
  const configFile = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile)
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root)
  const files = listSources(join(root, 'src')).filter((f) => isSource(f, root))
  const program = ts.createProgram({ rootNames: files, options: { ...options, noEmit: true } })
  const checker = program.getTypeChecker()
  const sources = program.getSourceFiles().filter((sf) => isSource(sf.fileName, root))
  const notes = new Set()
  const where = (node) => {
    const sf = node.getSourceFile()
    const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf))
    return `${relative(root, sf.fileName).split(sep).join('/')}:${line + 1}`
  }

  const resolveSymbol = (symbol) => (symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol)
  const symbolAt = (node) => resolveSymbol(checker.getSymbolAtLocation(ts.isPropertyAccessExpression(node) ? node.name : node))
  const inSources = (decl) => isSource(decl.getSourceFile().fileName, root)
  const isBoundary = (fn) => {
    const file = relative(root, fn.getSourceFile().fileName).split(sep).join('/')
    return file === PIPELINE[0] && ts.isFunctionDeclaration(fn) && fn.name?.text === PIPELINE[1]
  }

  const exceptionClass = sources
    .find((sf) => sf.fileName.endsWith('src/errors/appwrite-exception.ts'))
    ?.statements.find((s) => ts.isClassDeclaration(s) && s.name?.text === 'AppwriteException')
  if (!exceptionClass) throw new Error('src/errors/appwrite-exception.ts no longer declares AppwriteException')

  // Implementations of interface members: classes that implement the interface (or one extending it), and
  // functions assigned to the member (`guarded.insert = async () => …`). Keyed by interface declaration, then name.
  const implementations = new Map()
  const addImplementation = (iface, name, fn) => {
    if (!implementations.has(iface)) implementations.set(iface, new Map())
    const byName = implementations.get(iface)
    if (!byName.has(name)) byName.set(name, [])
    byName.get(name).push(fn)
  }
  const interfacesOf = (decl, out = new Set()) => {
    if (!decl || out.has(decl) || !ts.isInterfaceDeclaration(decl)) return out
    out.add(decl)
    for (const clause of decl.heritageClauses ?? []) {
      for (const t of clause.types) for (const d of symbolAt(t.expression)?.declarations ?? []) interfacesOf(d, out)
    }
    return out
  }
  for (const sf of sources) {
    const visit = (node) => {
      if (ts.isClassDeclaration(node)) {
        const implemented = new Set()
        for (const clause of node.heritageClauses ?? []) {
          if (clause.token !== ts.SyntaxKind.ImplementsKeyword) continue
          for (const t of clause.types) for (const d of symbolAt(t.expression)?.declarations ?? []) interfacesOf(d, implemented)
        }
        for (const member of node.members) {
          const name = member.name && ts.isIdentifier(member.name) ? member.name.text : null
          if (name) for (const iface of implemented) addImplementation(iface, name, member)
        }
      } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left)) {
        for (const d of symbolAt(node.left)?.declarations ?? []) {
          if ((ts.isMethodSignature(d) || ts.isPropertySignature(d)) && ts.isInterfaceDeclaration(d.parent)) addImplementation(d.parent, node.left.name.text, node.right)
        }
      }
      ts.forEachChild(node, visit)
    }
    visit(sf)
  }

  /** The function bodies a declaration stands for (a class member, a const arrow, an implemented signature…). */
  function bodiesOf(decl, seen = new Set()) {
    if (seen.has(decl)) return []
    seen.add(decl)
    if (isFunctionLike(decl)) return decl.body ? [decl] : []
    if (ts.isFunctionExpression(decl) || ts.isArrowFunction(decl)) return [decl]
    if ((ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl) || ts.isPropertyAssignment(decl)) && decl.initializer) {
      return isFunctionLike(decl.initializer) ? [decl.initializer] : []
    }
    if (ts.isShorthandPropertyAssignment(decl)) {
      const value = checker.getShorthandAssignmentValueSymbol(decl)
      return (resolveSymbol(value)?.declarations ?? []).filter(inSources).flatMap((d) => bodiesOf(d, seen))
    }
    if (ts.isClassDeclaration(decl)) return decl.members.filter((m) => ts.isConstructorDeclaration(m) && m.body)
    if ((ts.isMethodSignature(decl) || ts.isPropertySignature(decl)) && ts.isInterfaceDeclaration(decl.parent)) {
      const name = ts.isIdentifier(decl.name) ? decl.name.text : null
      return (implementations.get(decl.parent)?.get(name) ?? []).flatMap((d) => bodiesOf(d, seen))
    }
    return []
  }

  /** Error types a `new AppwriteException(arg)` can raise: the literal, or the literal union the checker tells. */
  function typesOf(arg) {
    if (!arg) return []
    if (ts.isStringLiteralLike(arg)) return [arg.text]
    const type = checker.getTypeAtLocation(arg)
    const members = type.isUnion() ? type.types : [type]
    if (members.length <= MAX_UNION && members.every((t) => t.isStringLiteral())) return members.map((t) => t.value)
    notes.add(`${where(arg)}: error type \`${arg.getText()}\` is ${checker.typeToString(type)}; not listed`)
    return []
  }

  // One function's own facts: the error types it raises and the functions it calls or hands on.
  const facts = new Map()
  function factsOf(fn) {
    let found = facts.get(fn)
    if (found) return found
    found = { errors: [], callees: [] }
    facts.set(fn, found)
    const follow = (target) => {
      for (const decl of symbolAt(target)?.declarations ?? []) if (inSources(decl)) found.callees.push(...bodiesOf(decl))
    }
    const visit = (node) => {
      if (ts.isNewExpression(node)) {
        const target = symbolAt(node.expression)
        if (target?.declarations?.includes(exceptionClass)) found.errors.push(...typesOf(node.arguments?.[0]))
        else follow(node.expression)
      } else if (ts.isCallExpression(node)) {
        if (ts.isIdentifier(node.expression) || ts.isPropertyAccessExpression(node.expression)) follow(node.expression)
        // A function handed on (`items.map(toModel)`, `transaction(this.write)`) runs too.
        for (const arg of node.arguments) if (ts.isIdentifier(arg) || ts.isPropertyAccessExpression(arg)) follow(arg)
      } else if (ts.isPropertyAccessExpression(node) && !ts.isCallExpression(node.parent)) {
        // A getter runs on a plain read.
        const decls = symbolAt(node)?.declarations ?? []
        if (decls.some((d) => ts.isGetAccessorDeclaration(d))) follow(node)
      }
      ts.forEachChild(node, visit)
    }
    if (fn.body) visit(fn.body)
    return found
  }

  /** Every error type reachable from `starts`, breadth first, up to MAX_DEPTH calls deep; `stop` ends a path. */
  function reach(label, starts, stop) {
    const seen = new Set(starts)
    const via = new Map()
    let frontier = [...starts]
    const types = new Set()
    for (let depth = 0; frontier.length; depth++) {
      const next = []
      for (const fn of frontier) {
        const own = factsOf(fn)
        for (const t of own.errors) {
          if (trace === `${label}:${t}` && !types.has(t)) {
            const chain = []
            for (let at = fn; at; at = via.get(at)) chain.unshift(where(at))
            console.warn(`${label} raises ${t} through ${chain.join(' → ')}`)
          }
          types.add(t)
        }
        for (const callee of own.callees) {
          if (seen.has(callee) || stop(callee)) continue
          if (depth + 1 > MAX_DEPTH) {
            notes.add(`${label}: calls past depth ${MAX_DEPTH} not followed (${where(callee)})`)
            continue
          }
          seen.add(callee)
          via.set(callee, fn)
          next.push(callee)
        }
      }
      frontier = next
    }
    return [...types].sort()
  }
  const fileOf = (node) => relative(root, node.getSourceFile().fileName).split(sep).join('/')

  const errors = {}
  for (const sf of sources) {
    const rel = fileOf(sf)
    if (!/^src\/services\/[^/]+\/routes\/[^/]+\.ts$/.test(rel)) continue
    const route = findRoute(sf, (node) => (symbolAt(node)?.declarations ?? []).filter(inSources).flatMap((d) => bodiesOf(d)))
    if (!route) {
      notes.add(`${rel}: no defineRoute({ operation, handle })`)
      continue
    }
    errors[route.operation] = reach(route.operation, route.starts, isBoundary)
  }
  // The shared pipeline by itself (a route's `handle` is not followed: it is an interface member); the test
  // features' hooks (src/control: fault rules answer any type asked for) are left out.
  const runOperation = sources
    .find((sf) => fileOf(sf) === PIPELINE[0])
    ?.statements.find((st) => ts.isFunctionDeclaration(st) && st.name?.text === PIPELINE[1])
  if (!runOperation) throw new Error(`${PIPELINE[0]} no longer declares ${PIPELINE[1]}`)
  const pipeline = reach('pipeline', [runOperation], (fn) => fileOf(fn).startsWith('src/control/'))
  const sorted = Object.fromEntries(Object.keys(errors).sort().map((k) => [k, errors[k]]))
  return { errors: sorted, pipeline, notes: [...notes].sort() }
}

/**
 * The `operation` literal of a route file's `defineRoute({ … })` and the functions a request runs: `handle`, and
 * `spoolFile` (an upload's parts are spooled before the handler) when there is one; `bodiesOf` resolves a name.
 */
function findRoute(sf, bodiesOf) {
  let found = null
  const visit = (node) => {
    if (found) return
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'defineRoute' && node.arguments[0] && ts.isObjectLiteralExpression(node.arguments[0])) {
      let operation = null
      const starts = []
      for (const prop of node.arguments[0].properties) {
        const name = prop.name && ts.isIdentifier(prop.name) ? prop.name.text : null
        if (name === 'operation' && ts.isPropertyAssignment(prop) && ts.isStringLiteralLike(prop.initializer)) operation = prop.initializer.text
        if (name !== 'handle' && name !== 'spoolFile') continue
        if (ts.isMethodDeclaration(prop)) starts.push(prop)
        else if (ts.isPropertyAssignment(prop) && isFunctionLike(prop.initializer)) starts.push(prop.initializer)
        else if (ts.isPropertyAssignment(prop) && ts.isIdentifier(prop.initializer)) starts.push(...bodiesOf(prop.initializer))
        else if (ts.isShorthandPropertyAssignment(prop)) starts.push(...bodiesOf(prop.name))
      }
      if (operation && starts.length) found = { operation, starts }
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return found
}

/**
 * The file's text: `pipeline`, what the shared pipeline can raise at all (src/control/operations.ts tells which
 * apply to a route), and `operations`, what each handler can raise; one operation a line so diffs stay readable.
 */
export function renderOperationErrors({ errors, pipeline }) {
  const lines = Object.entries(errors).map(([op, types]) => `    ${JSON.stringify(op)}: ${JSON.stringify(types)}`)
  return `{\n  "$comment": "Generated by scripts/gen-operation-errors.mjs (npm run gen:errors) from the code; do not edit.",\n  "pipeline": ${JSON.stringify(pipeline)},\n  "operations": {\n${lines.join(',\n')}\n  }\n}\n`
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now()
  const generated = generateOperationErrors()
  const { errors, notes } = generated
  writeFileSync(join(ROOT, OUTPUT), renderOperationErrors(generated))
  for (const note of notes) console.warn(`note: ${note}`)
  const count = Object.values(errors).reduce((n, t) => n + t.length, 0)
  console.log(`${OUTPUT}: ${Object.keys(errors).length} operations, ${count} error types listed, ${Math.round(performance.now() - started)} ms`)
}

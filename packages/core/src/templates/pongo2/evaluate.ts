import type { RenderBudget } from '../_budget.js'
import type { Expr, PathPart } from './expression.js'
import { pathText } from './expression.js'
import { applyFilter, FilterError } from './filters.js'
import {
  codePoints,
  compare,
  contains,
  equals,
  floatOf,
  isFloat,
  isMap,
  isNumber,
  isNil,
  isTrue,
  kindOf,
  negate,
  toFloat,
  toInteger,
  toText,
} from './values.js'

/** A failure while evaluating, at a known place in the template (Pongo2 answered these with an error too). */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError'

  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message)
  }
}

/** Looks a root name up: the template's own variables (loops, `with`, `set`) innermost first, then the context. */
export type NameLookup = (name: string) => unknown

/**
 * Evaluates a parsed expression with Pongo2 v6 semantics (see `values.ts`). Names are read as own data properties
 * only, so a template can neither reach nor call anything inherited (`constructor`, `__proto__`, SEC-3); every
 * lookup, path step, operator and filter is charged to `budget`.
 *
 * @throws EvaluationError for what Pongo2 also refused at render time (a field of a string, division by zero,
 *   a filter's bad argument); `BudgetExceeded` from the budget.
 */
export function evaluate(expr: Expr, lookup: NameLookup, budget: RenderBudget): unknown {
  budget.step()
  switch (expr.k) {
    case 'literal':
      return expr.value
    case 'variable':
      return resolveVariable(expr.root, expr.path, expr.at, lookup, budget)
    case 'filtered': {
      let value = evaluate(expr.base, lookup, budget)
      for (const filter of expr.filters) {
        const arg = filter.arg === undefined ? undefined : evaluate(filter.arg, lookup, budget)
        try {
          value = applyFilter(filter.name, value, arg, budget)
        } catch (err) {
          if (err instanceof FilterError) throw new EvaluationError(err.message, filter.at)
          throw err
        }
      }
      return value
    }
    case 'not':
      return negate(evaluate(expr.operand, lookup, budget))
    case 'negative': {
      const value = evaluate(expr.operand, lookup, budget)
      if (!isNumber(value)) throw new EvaluationError(`a minus sign needs a number, not a ${kindOf(value)}`, expr.at)
      return isFloat(value) ? floatOf(-toFloat(value)) : -value
    }
    case 'binary':
      return binary(expr.op, expr.left, expr.right, expr.at, lookup, budget)
  }
}

/** Pongo2's variable resolution (`variable.go`): nil stops the path quietly, a field of a non-map is an error. */
export function resolveVariable(
  root: string,
  path: readonly PathPart[],
  at: number,
  lookup: NameLookup,
  budget: RenderBudget,
): unknown {
  let current = lookup(root)
  for (const part of path) {
    if (isNil(current)) return undefined
    budget.step()
    if (part.k === 'key') {
      if (!isMap(current)) throw fieldError(current, root, path, at)
      current = Object.hasOwn(current, part.name) ? current[part.name] : undefined
      continue
    }
    const key = part.k === 'index' ? part.index : evaluate(part.expr, lookup, budget)
    if (Array.isArray(current) || typeof current === 'string') {
      const items: readonly unknown[] = typeof current === 'string' ? codePoints(current) : current
      const i = toInteger(key)
      current = i >= 0 && i < items.length && Object.hasOwn(items, i) ? items[i] : undefined
    } else if (isMap(current) && part.k === 'subscript') {
      current = typeof key === 'string' && Object.hasOwn(current, key) ? current[key] : undefined
    } else {
      throw new EvaluationError(`cannot index a ${kindOf(current)} (${pathText(root, path)})`, at)
    }
  }
  return typeof current === 'function' ? undefined : current
}

// --- internal ---

function fieldError(value: unknown, root: string, path: readonly PathPart[], at: number): EvaluationError {
  return new EvaluationError(`cannot read a field of a ${kindOf(value)} (${pathText(root, path)})`, at)
}

function binary(op: string, left: Expr, right: Expr, at: number, lookup: NameLookup, budget: RenderBudget): unknown {
  const a = evaluate(left, lookup, budget)
  if (op === 'and') return isTrue(a) ? isTrue(evaluate(right, lookup, budget)) : false
  if (op === 'or') return isTrue(a) ? true : isTrue(evaluate(right, lookup, budget))
  const b = evaluate(right, lookup, budget)
  switch (op) {
    case '==':
      return equals(a, b)
    case '!=':
      return !equals(a, b)
    case '<':
    case '>':
    case '<=':
    case '>=':
      return compare(op, a, b)
    case 'in':
      return contains(b, a)
    default:
      return arithmetic(op, a, b, at, budget)
  }
}

/** `+ - * / % ^` (`parser_expression.go`): `+` joins text when either side is a string; floats win over integers. */
function arithmetic(op: string, a: unknown, b: unknown, at: number, budget: RenderBudget): unknown {
  if (op === '+' && (typeof a === 'string' || typeof b === 'string')) {
    const text = toText(a) + toText(b)
    budget.work(text.length)
    return text
  }
  const floats = isFloat(a) || isFloat(b)
  const x = floats ? toFloat(a) : toInteger(a)
  const y = floats ? toFloat(b) : toInteger(b)
  const result = (n: number) => (floats ? floatOf(n) : n)
  switch (op) {
    case '+':
      return result(x + y)
    case '-':
      return result(x - y)
    case '*':
      return result(x * y)
    case '/':
      if (floats) return floatOf(x / y)
      if (y === 0) throw new EvaluationError('division by zero', at)
      return Math.trunc(x / y)
    case '%':
      if (toInteger(b) === 0) throw new EvaluationError('division by zero', at)
      return toInteger(a) % toInteger(b)
    default:
      return floatOf(toFloat(a) ** toFloat(b))
  }
}

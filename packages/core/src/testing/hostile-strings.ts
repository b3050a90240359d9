import fc from 'fast-check'
import { TRICKY_SCALARS } from '../nocloud/_yaml-samples.js'

// Issue 16: the strings that have broken YAML emitters, line-based documents and plain-text bodies, for property
// tests and the fuzz suite. Every class SPEC §16 names is here: C0, DEL, C1 (NEL), lone surrogates, BOM, U+2028/9,
// noncharacters, YAML indicators, and plain scalars that a YAML 1.1 reader (PyYAML) resolves to another type.

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i))

/** Characters by class; each one alone, at a start, middle or end of a string, has broken some reader. */
export const SPECIAL_CHARACTERS = {
  c0: range(0x00, 0x1f),
  del: ['\u007f'],
  c1: range(0x80, 0x9f),
  loneSurrogates: ['\ud800', '\udbff', '\udc00', '\udfff'],
  bom: ['\ufeff'],
  lineSeparators: ['\u2028', '\u2029', '\u0085'],
  nonCharacters: ['\ufffe', '\uffff', '\ufdd0', '\ufdef', '\u{1fffe}', '\u{10ffff}'],
  spaces: [' ', '\u00a0', '\u3000', '\u200b'],
  yamlIndicators: [...'-?:,[]{}#&*!|>\'"%@`', '<<', '=', '~', '---', '...'],
} as const

/** Plain scalars that YAML 1.1 (PyYAML's resolvers) or 1.2 would read as something other than a string. */
export const RESOLVER_LOOKALIKES: readonly string[] = [
  '~', 'null', 'Null', 'NULL', '', 'yes', 'Yes', 'YES', 'no', 'NO', 'on', 'On', 'ON', 'off', 'OFF', 'y', 'n', 'true',
  'TRUE', 'False', '0x1F', '0x_1', '-0x1f', '0b101', '0b_1', '017', '0_7', '0o17', '1_000', '1__0', '+1', '-0', '1:20',
  '190:20:30', '1:20.5', '1.', '1._', '.5', '1e3', '1.0e+3', '1.0e3', '6.8523015e+5', '.inf', '-.Inf', '+.INF', '.NaN',
  '2001-12-14', '2001-1-1 1:02:03', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '2002-12-14T00:00:00Z',
  '<<', '=', '!', '&', '*', '!!str', '!!python/object', '&a', '*a', '? x', '- x', ': x', '%YAML', '@x', '`x',
]

const SPECIALS: readonly string[] = Object.values(SPECIAL_CHARACTERS).flat()

// The alphabet the resolvers and the plain-scalar rules look at, with every special character mixed in.
const ALPHABET: readonly string[] = [...SPECIALS, ...'abexoyYnN0129._+-:/\\ \t'.split('')]

/** The PyYAML implicit resolvers' own shapes (int, float, timestamp), for strings that look like them. */
const resolverShapes = fc.oneof(
  fc.stringMatching(/^[-+]?(?:0b[01_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(?::[0-5]?[0-9])+)$/),
  fc.stringMatching(/^[-+]?(?:[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*)$/),
  fc.stringMatching(/^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ][0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?: ?(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$/),
)

/**
 * Strings that are hard on YAML emitters and line-based text: any code point (lone surrogates included), short
 * strings over the special alphabet, resolver look-alikes and their shapes, tricky scalars, and concatenations of
 * those, so that every class lands at the start, in the middle and at the end.
 */
export const hostileString: fc.Arbitrary<string> = (() => {
  const atom = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 8 }),
    fc.constantFrom(...SPECIALS),
    fc.constantFrom(...RESOLVER_LOOKALIKES),
    fc.constantFrom(...TRICKY_SCALARS),
    resolverShapes,
  )
  return fc.oneof(
    { weight: 3, arbitrary: atom },
    { weight: 1, arbitrary: fc.array(atom, { minLength: 2, maxLength: 4 }).map((parts) => parts.join('')) },
  )
})()

/** Any JSON value whose strings and keys are {@link hostileString}s (numbers: integers and finite doubles). */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.maxSafeInteger(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4, noNullPrototype: true }),
  ),
})).value

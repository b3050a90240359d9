import { describe, expect, it } from 'vitest'
import { RenderBudget } from '../../../src/templates/_budget.js'
import { TemplateSyntaxError } from '../../../src/templates/_position.js'
import { engineCause, parsePongo2, renderPongo2 } from '../../../src/templates/pongo2/engine.js'
import { EvaluationError } from '../../../src/templates/pongo2/evaluate.js'

const render = (template: string, context: Record<string, unknown> = {}): string =>
  renderPongo2(parsePongo2(template), context, new RenderBudget(1 << 20))

/** The error a template's parse or render throws, unwrapped from LiquidJS. */
function failure(run: () => unknown): Error {
  try {
    run()
  } catch (err) {
    return engineCause(err) as Error
  }
  throw new Error('expected a failure')
}

describe('Pongo2 lexing (pongo2 v6 lexer.go)', () => {
  it('drops {# #} comments and keeps the text around them', () => {
    expect(render('a{# one #}b {# two #}c')).toBe('ab c')
  })

  it('refuses a {# #} comment that spans lines or is not closed, with its position', () => {
    const multi = failure(() => parsePongo2('x\n  {# a\nb #}'))
    expect(multi).toBeInstanceOf(TemplateSyntaxError)
    expect((multi as TemplateSyntaxError).offset).toBe(4)
    expect(multi.message).toMatch(/may not span lines/)
    expect(failure(() => parsePongo2('{# open')).message).toMatch(/not closed/)
  })

  it('refuses a tag or variable that spans lines', () => {
    expect(failure(() => parsePongo2('{{ a\n}}')).message).toMatch(/may not span lines/)
  })

  it('keeps text around tags as it is, and trims it where {%- -%} {{- -}} ask (spaces, tabs, CR, LF)', () => {
    expect(render('a\n{% if true %}\nb\n{% endif %}\nc')).toBe('a\n\nb\n\nc')
    expect(render('a \n\t{%- if true -%} \r\n b \n {%- endif -%}\n c')).toBe('abc')
    expect(render('[ {{- "x" -}} ]')).toBe('[x]')
  })

  it('a comment carries the trimming of the tag before it to the text after it', () => {
    expect(render('{{ "a" -}}{# c #}  b')).toBe('ab')
    expect(render('{{ "a" -}}  {# c #}  b')).toBe('a  b')
  })

  it('{% verbatim %} text is not parsed', () => {
    expect(render('{% verbatim %}{{ x }}{% if %}{% endverbatim %}!')).toBe('{{ x }}{% if %}!')
    expect(failure(() => parsePongo2('{% verbatim %}open')).message).toMatch(/verbatim tag not closed/)
  })

  it('strings take double or single quotes with \\" and \\\\ as their only escapes', () => {
    expect(render(`{{ "a\\"b" }}|{{ 'c' }}|{{ "d\\\\e" }}`)).toBe('a"b|c|d\\e')
    expect(failure(() => parsePongo2(`{{ 'it\\'s' }}`)).message).toMatch(/unknown escape sequence/)
  })
})

describe('Pongo2 expressions (parser_expression.go, value.go)', () => {
  it('prints booleans True/False, integers in decimal, floats with six decimals, nil as nothing', () => {
    expect(render('{{ t }} {{ f }} {{ n }} {{ x }} [{{ nil }}] [{{ missing }}]', { t: true, f: false, n: 42, x: 0.25, nil: null })).toBe(
      'True False 42 0.250000 [] []',
    )
    expect(render('{{ 2.0 }} {{ 1.5 + 1.5 }} {{ 2 ^ 3 }} {{ -2.0 }} {{ 4|float }} {{ 2.0|add:1 }}')).toBe(
      '2.000000 3.000000 8.000000 -2.000000 4.000000 3.000000',
    )
    expect(render('{% if 2.0 == 2 %}same{% else %}int and float differ{% endif %}')).toBe('int and float differ')
  })

  it('prints lists and maps as Mustache does', () => {
    expect(render('{{ l }}|{{ m }}', { l: ['a', 1, true], m: { k: 'v' } })).toBe('a,1,true|[object Object]')
  })

  it('groups and/or to the right and applies not to the first term, as Pongo2 does', () => {
    expect(render('{% if false and false or true %}1{% else %}0{% endif %}')).toBe('0')
    expect(render('{% if true or false and false %}1{% else %}0{% endif %}')).toBe('1')
    expect(render('{{ not 5 }} {{ not 0 }} {{ not "" }} {{ not missing }}')).toBe('0 1 True True')
    expect(render('{% if !x && y || z %}1{% endif %}', { x: false, y: true, z: false })).toBe('1')
  })

  it('compares < and > numerically, strings included; == only equal types', () => {
    expect(render('{% if "10" > "9" %}1{% endif %}{% if 1.5 > 1 %}2{% endif %}{% if "1" == 1 %}3{% else %}4{% endif %}')).toBe('124')
    expect(render('{% if a == b %}same{% endif %}', { a: 'x', b: 'x' })).toBe('same')
  })

  it('in: a key of a map, a substring, an item of a list', () => {
    expect(render('{% if "k" in m %}1{% endif %}{% if "ell" in "hello" %}2{% endif %}{% if 2 in l %}3{% endif %}{% if 9 in l %}4{% endif %}', {
      m: { k: 1 },
      l: [1, 2],
    })).toBe('123')
  })

  it('does arithmetic: + joins text, integer division truncates, floats win', () => {
    expect(render('{{ 7 / 2 }} {{ 7.0 / 2 }} {{ -7 / 2 }} {{ 7 % 3 }} {{ "a" + 1 }} {{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ -x }}', { x: 4 })).toBe(
      '3 3.500000 -3 1 a1 7 9 -4',
    )
    expect(failure(() => render('{{ 1 / 0 }}'))).toBeInstanceOf(EvaluationError)
  })

  it('resolves a.b, a.0 and a[expr]; nil stops a path quietly, a field of a string is an error', () => {
    const context = { m: { k: ['x', 'y'], 'with-dash': 1 }, i: 1 }
    expect(render('{{ m.k.1 }} {{ m["k"][i] }} {{ m["with-dash"] }} [{{ m.none.deeper }}] [{{ m.k.5 }}]', context)).toBe('y y 1 [] []')
    expect(failure(() => render('{{ s.x }}', { s: 'text' })).message).toMatch(/cannot read a field of a string \(s\.x\)/)
  })

  it('refuses function calls and bounds nesting', () => {
    expect(failure(() => parsePongo2('{{ f() }}')).message).toMatch(/cannot call functions/)
    expect(failure(() => parsePongo2(`{{ ${'('.repeat(100)}1${')'.repeat(100)} }}`)).message).toMatch(/nests more than 64/)
    expect(failure(() => parsePongo2(`{{ ${Array(100).fill('1').join(' + ')} }}`)).message).toMatch(/chains more than 64/)
    const deep = '{% if true %}'.repeat(101) + 'x' + '{% endif %}'.repeat(101)
    expect(failure(() => parsePongo2(deep)).message).toMatch(/nest more than 100 deep/)
  })
})

describe('Pongo2 tags (tags_*.go)', () => {
  it('for over a list: forloop fields, reversed, sorted, empty', () => {
    const xs = { xs: [3, 1, 2] }
    expect(render('{% for x in xs %}{{ forloop.Counter }}{{ forloop.Counter0 }}{{ forloop.Revcounter }}{{ forloop.Revcounter0 }}{{ forloop.First }}{{ forloop.Last }};{% endfor %}', xs)).toBe(
      '1032TrueFalse;2121FalseFalse;3210FalseTrue;',
    )
    expect(render('{% for x in xs reversed %}{{ x }}{% endfor %} {% for x in xs sorted %}{{ x }}{% endfor %}', xs)).toBe('213 123')
    expect(render('{% for x in none %}{{ x }}{% empty %}none{% endfor %}{% for x in 5 %}x{% empty %}!{% endfor %}', { none: [] })).toBe('none!')
    expect(render('{% for c in "héllo" %}[{{ c }}]{% endfor %}')).toBe('[h][é][l][l][o]')
  })

  it('for k, v over a map goes in sorted key order (SPEC §16); forloop.Parentloop reaches the outer loop', () => {
    const context = { m: { zeta: 1, alpha: 2, mid: 3 }, xs: ['a', 'b'] }
    expect(render('{% for k, v in m %}{{ k }}={{ v }};{% endfor %}', context)).toBe('alpha=2;mid=3;zeta=1;')
    expect(render('{% for k in m reversed sorted %}{{ k }};{% endfor %}', context)).toBe('zeta;mid;alpha;')
    expect(render('{% for a in xs %}{% for b in xs %}{{ forloop.Parentloop.Counter }}{{ b }} {% endfor %}{% endfor %}', context)).toBe('1a 1b 2a 2b ')
    expect(render('[{{ forloop.Parentloop.Counter }}]{% for a in xs %}[{{ forloop.Parentloop.Counter }}]{% endfor %}', context)).toBe('[][][]')
  })

  it('loop variables shadow the context inside the loop only; set stays in its block', () => {
    expect(render('{% for hostname in xs %}{{ hostname }}{% endfor %}{{ hostname }}', { hostname: 'h', xs: ['a'] })).toBe('ah')
    expect(render('{% set a = 1 %}{% for x in xs %}{% set a = 2 %}{{ a }}{% endfor %}{{ a }}', { xs: [0] })).toBe('21')
  })

  it('with, firstof, templatetag, autoescape, comment', () => {
    expect(render('{% with a=1 b="x" %}{{ a }}{{ b }}{% endwith %}{% with 2 as c %}{{ c }}{% endwith %}[{{ a }}]')).toBe('1x2[]')
    expect(render('{% firstof "" 0 missing "last" %}')).toBe('last')
    expect(render('{% templatetag openblock %}{% templatetag closecomment %}')).toBe('{%#}')
    expect(render('{% autoescape on %}<&>{% endautoescape %}')).toBe('<&>')
    expect(render('a{% comment %}{{ x }}{% if %}{% endcomment %}b')).toBe('ab')
  })

  it('names unknown and left-out tags, suggesting close ones', () => {
    expect(failure(() => parsePongo2('{% fro x in y %}{% endfor %}')).message).toBe("unknown tag 'fro' (did you mean for?)")
    expect(failure(() => parsePongo2('{% now "Y" %}')).message).toMatch(/^tag 'now' is not supported here/)
    expect(failure(() => parsePongo2('{% endif %}')).message).toMatch(/without an open block/)
    expect(failure(() => parsePongo2('{% if a %}{% else %}{% elif b %}{% endif %}')).message).toMatch(/after \{% else %\}/)
  })
})

describe('Pongo2 filters (filters_builtin.go)', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['{{ "a"|add:"b" }} {{ 1|add:2 }} {{ 1|add:0.5 }}', {}, 'ab 3 1.500000'],
    ['{{ "it\'s"|addslashes }}', {}, "it\\'s"],
    ['{{ "émile"|capfirst }}', {}, 'Émile'],
    ['[{{ "ab"|center:5 }}]', {}, '[  ab ]'],
    ['{{ "a-b-c"|cut:"-" }}', {}, 'abc'],
    ['{{ x|default:"d" }} {{ 0|default:"d" }} {{ "v"|default:"d" }}', {}, 'd d v'],
    ['{{ x|default_if_none:"d" }} {{ 0|default_if_none:"d" }}', {}, 'd 0'],
    ['{{ 10|divisibleby:3 }} {{ 9|divisibleby:3 }} {{ 9|divisibleby:0 }}', {}, 'False True False'],
    ['{{ l|first }} {{ l|last }} {{ "xyz"|first }} [{{ e|first }}]', { l: [1, 2, 3], e: [] }, '1 3 x []'],
    ['{{ "2.5"|float }} {{ "7.9"|integer }} {{ 3.7|integer }}', {}, '2.500000 7 3'],
    ['{{ 1.2345|floatformat }} {{ 1.2345|floatformat:3 }} {{ 2.0|floatformat:2 }} {{ 2.5|floatformat:"0" }}', {}, '1.2 1.234 2.00 3'],
    ['{{ 12345|get_digit:2 }}', {}, '4'],
    ['{{ l|join:"+" }} {{ "ab"|join:"." }} {{ m|join:"," }}', { l: ['a', 1, true], m: { k: 1 } }, 'a+1+True a.b [object Object]'],
    ['{{ l|length }} {{ "héllo"|length }} {{ m|length }} {{ 5|length }} {{ l|length_is:2 }}', { l: [1, 2], m: { a: 1 } }, '2 5 1 0 True'],
    ['{{ text|linenumbers }}', { text: 'a\nb' }, '1. a\n2. b'],
    ['[{{ "ab"|ljust:4 }}] [{{ "ab"|rjust:4 }}] [{{ "ab"|rjust:left }}]', { left: -4 }, '[ab  ] [  ab] [ab  ]'],
    ['{{ "AbC"|lower }} {{ "AbC"|upper }} {{ "hello o\'neil-smith"|title }}', {}, "abc ABC Hello O'Neil-Smith"],
    ['{{ "abc"|make_list|length }}', {}, '3'],
    ['{{ 1|pluralize }}|{{ 2|pluralize }}|{{ 2|pluralize:"es" }}|{{ 1|pluralize:"y,ies" }}|{{ 2|pluralize:"y,ies" }}', {}, '|s|es|y|ies'],
    ['{{ "<b>x</b>"|safe }} {{ "<b>x</b>"|escape }} {{ "<b>x</b>"|e }}', {}, '<b>x</b> <b>x</b> <b>x</b>'],
    ['{{ "abcdef"|slice:"1:3" }} {{ "abcdef"|slice:"-2:" }} {{ l|slice:":-1"|join:"" }}', { l: [1, 2, 3] }, 'bc ef 12'],
    ['{{ "a,b"|split:","|join:";" }} {{ "ab"|split:""|join:";" }}', {}, 'a;b a;b'],
    ['{{ " <p>Hi</p> there "|striptags }}', {}, 'Hi there'],
    ['{{ "abcdefgh"|truncatechars:5 }} {{ "abc"|truncatechars:5 }} {{ "one two three"|truncatewords:2 }}', {}, 'ab... abc one two ...'],
    ['{{ "a b&c=d/é"|urlencode }}', {}, 'a+b%26c%3Dd%2F%C3%A9'],
    ['{{ " a  b c "|wordcount }} {{ "a b c d e"|wordwrap:2 }}', {}, '3 a b\nc d\ne'],
    ['{{ t|yesno }} {{ f|yesno:"y,n" }} {{ n|yesno:"y,n,m" }} {{ n|yesno:"y,n" }}', { t: true, f: false, n: null }, 'yes n m maybe'],
  ]
  it.each(cases)('%s', (template, context, expected) => {
    expect(render(template, context)).toBe(expected)
  })

  it('refuses unknown and left-out filters at parse time, suggesting close names', () => {
    expect(failure(() => parsePongo2('{{ x|uper }}')).message).toBe("unknown filter 'uper' (did you mean upper?)")
    expect(failure(() => parsePongo2('{{ x|upcase }}')).message).toBe("unknown filter 'upcase' (did you mean upper?)")
    expect(failure(() => parsePongo2('{{ x|date:"Y" }}')).message).toMatch(/^filter 'date' is not supported here/)
    expect(failure(() => parsePongo2('{{ x|random }}')).message).toMatch(/same document/)
    expect(failure(() => parsePongo2('{{ x|default }}')).message).toBe("filter 'default' needs an argument: default:<value>")
    expect(failure(() => parsePongo2('{{ x|constructor }}')).message).toBe("unknown filter 'constructor'")
  })

  it('a filter that Pongo2 answers with an error is a render error at the filter', () => {
    const err = failure(() => render('{{ "x"|pluralize }}'))
    expect(err).toBeInstanceOf(EvaluationError)
    expect((err as EvaluationError).offset).toBe(7)
  })
})

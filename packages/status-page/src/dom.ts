/** Children {@link el} accepts: nodes, or text (always set as text, never parsed as HTML). */
export type Child = Node | string | number | undefined

/** Creates `<tag>` with attributes and children. Data from the server only ever becomes text nodes. */
export function el(tag: string, attributes: Readonly<Record<string, string>> = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value)
  for (const child of children) if (child !== undefined) element.append(typeof child === 'number' ? String(child) : child)
  return element
}

/** Replaces the children of the element with id `id`. */
export function fill(id: string, ...children: Child[]): void {
  const element = byId(id)
  element.replaceChildren(...children.filter((c): c is Node | string | number => c !== undefined).map((c) => (typeof c === 'number' ? String(c) : c)))
}

/** The element with id `id`; throws when the page lacks it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id)
  if (element === null) throw new Error(`#${id} missing`)
  return element as T
}

/** A table with a header row and body rows. */
export function table(head: readonly string[], rows: readonly (readonly Child[])[]): HTMLElement {
  return el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows.map((row) => el('tr', {}, ...row.map((cell) => el('td', {}, cell))))),
  )
}

/** A short local time for an RFC 3339 string (the full one as a tooltip). */
export function when(iso: string | undefined): HTMLElement | undefined {
  if (iso === undefined) return undefined
  return el('time', { datetime: iso, title: iso }, new Date(iso).toLocaleTimeString())
}

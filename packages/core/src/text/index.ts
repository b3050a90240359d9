export * from './control-characters.js'
export * from './http-url.js'
export * from './redact-url.js'
export * from './shown-text.js'

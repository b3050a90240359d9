// The goldens live with the quick-start examples in core; tests import them from here as before.
export * from '../examples/documents.js'

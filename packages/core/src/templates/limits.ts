/**
 * The template cost bounds (SPEC §16 "Template cost", issue 16 item 3) and the Group spec limits (SPEC §16 TPL-3
 * metaData), in one place so the docs, the CLI default and the checks agree.
 */

/** Largest Group template, in UTF-8 bytes (after base64 decoding): 256 KiB. */
export const MAX_TEMPLATE_BYTES = 256 * 1024

/** Default largest rendered group document, in UTF-8 bytes (`max_document_bytes`): 1 MiB. */
export const DEFAULT_MAX_DOCUMENT_BYTES = 1024 * 1024

/**
 * Steps one render may take (see `RenderBudget`): enough for any real cloud-config (a loop over 2,000 hosts
 * printing two fields each is about 25,000), small enough that a render that runs out has used about 3 ms of CPU
 * (measured: 40,000 Pongo2 loop iterations, 80,000 steps, take 5 ms; Mustache is faster per step).
 */
export const MAX_RENDER_STEPS = 50_000

/** Largest `spec.metaData` serialised as JSON, in UTF-8 bytes: 64 KiB. */
export const MAX_METADATA_BYTES = 64 * 1024

/** Deepest nesting of `spec.metaData`: the map itself is level 1, a map or list inside it level 2, and so on. */
export const MAX_METADATA_DEPTH = 16

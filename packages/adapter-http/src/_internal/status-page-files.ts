import { packageFiles, type StaticFile } from './static-files.js'

/** The page's HTML, served at `/status` rather than under the assets. */
export const STATUS_PAGE_HTML = 'status-page.html'

// BOOT /status: the built files of @metadata-service/status-page (a dependency-free browser bundle).
const SERVED = [STATUS_PAGE_HTML, 'status-page.js', 'status-page.js.map', 'status-page.css']

/**
 * The files of the status page, by name: from a `status-page/` folder beside this module (the CLI bundle copies
 * them there) or the built `@metadata-service/status-page` package (`npm run build` builds it). Throws when one is
 * missing, so the server refuses to start rather than serve a page without its script.
 */
export function statusPageFiles(): ReadonlyMap<string, StaticFile> {
  return packageFiles({ beside: 'status-page', packageName: '@metadata-service/status-page', packageFolder: 'dist', files: SERVED })
}

/**
 * URL of a sibling module with the caller's own extension: `.ts` when the harness runs
 * from source through tsx, `.js` when it runs from dist/.
 */
export function siblingModule(callerUrl: string, name: string): URL {
  const extension = callerUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${extension}`, callerUrl);
}

/** A request URL fit for logs and problem documents: a sync trigger's token (its credential) cut to its prefix. */
export function loggableUrl(url: string): string {
  return url.replace(/(\/sync-triggers\/)([^/?#]{0,12})[^/?#]*/, '$1$2…');
}

/**
 * The list a page belongs to when the workspace changes: a page of one connection, source or
 * destination belongs to one workspace, so it gives way to its list ("/connections/<id>/…" ->
 * "/connections"); every other page ("/connections/new" too) stays.
 */
export function listPageOf(pathname: string): string {
  const match = /^\/(connections|sources|destinations)\/(?!new(?:\/|$))[^/]+/.exec(pathname);
  return match ? `/${match[1]}` : pathname;
}

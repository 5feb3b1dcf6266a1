/** A route as the router registered it: `/api/v1/workspaces/:workspaceId`. */
export interface RoutePattern {
  method: string;
  url: string;
}

interface CompiledRoute {
  pattern: RegExp;
  /** one digit per segment, 1 static, 0 parameter: the router prefers the static one at each level */
  specificity: string;
}

const compiled = new WeakMap<RoutePattern, CompiledRoute>();

function compile(route: RoutePattern): CompiledRoute {
  let result = compiled.get(route);
  if (!result) {
    const segments = route.url.split('/');
    const source = segments.map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
    result = { pattern: new RegExp(`^${source}/?$`), specificity: segments.map((s) => (s.startsWith(':') ? '0' : '1')).join('') };
    compiled.set(route, result);
  }
  return result;
}

/**
 * The methods served at this concrete path (HEAD wherever GET is), for a 405's Allow header:
 * those of the route the router would pick, so `/sources/check` is not also `/sources/:sourceId`.
 */
export function allowedMethodsOf(routes: readonly RoutePattern[], path: string): string[] {
  const matching = routes.filter((route) => compile(route).pattern.test(path));
  const best = matching.reduce((max, route) => (compile(route).specificity > max ? compile(route).specificity : max), '');
  const methods = new Set(matching.filter((route) => compile(route).specificity === best).map((route) => route.method));
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

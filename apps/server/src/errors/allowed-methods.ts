/** A route as the router registered it: `/api/v1/workspaces/:workspaceId`. */
export interface RoutePattern {
  method: string;
  url: string;
}

const compiled = new WeakMap<RoutePattern, RegExp>();

function patternOf(route: RoutePattern): RegExp {
  let pattern = compiled.get(route);
  if (!pattern) {
    const escaped = route.url
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    pattern = new RegExp(`^${escaped}/?$`);
    compiled.set(route, pattern);
  }
  return pattern;
}

/** The methods some route serves at this concrete path (HEAD wherever GET is), for a 405's Allow header. */
export function allowedMethodsOf(routes: readonly RoutePattern[], path: string): string[] {
  const methods = new Set(routes.filter((route) => patternOf(route).test(path)).map((route) => route.method));
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

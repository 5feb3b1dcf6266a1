/**
 * The web UI's own health, for the kubelet's probes: this server answers. It calls nothing (not
 * the API), so an API outage does not restart every UI pod with it.
 */
export const dynamic = 'force-dynamic';

export function GET(): Response {
  return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
}

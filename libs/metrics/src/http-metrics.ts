/** API request durations by method, route pattern (never the raw URL: ids would explode the series) and status. */
import { Histogram, type Registry } from 'prom-client';

export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'tributary_api_request_duration_seconds',
      help: 'Duration of API requests, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  requestServed(method: string, route: string, status: number, durationSeconds: number): void {
    this.duration.observe({ method, route, status: String(status) }, durationSeconds);
  }
}

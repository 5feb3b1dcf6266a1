/**
 * Reporting unusable input lines as LOG warnings instead of failing: the first few
 * in full (trimmed), then only a count, so a flood of garbage cannot flood the logs.
 */
import type { MessageWriter } from '@tributary/protocol';

const SAMPLE_CHARS = 300;

export class BadInputReporter {
  private count = 0;

  constructor(
    private readonly out: MessageWriter,
    private readonly detailedWarnings = 20,
  ) {}

  get seen(): number {
    return this.count;
  }

  report(reason: string, line?: string): void {
    this.count++;
    if (this.count > this.detailedWarnings) return;
    const sample = line === undefined ? '' : `: ${line.length > SAMPLE_CHARS ? `${line.slice(0, SAMPLE_CHARS)}...` : line}`;
    void this.out.log('WARN', `ignoring input line (${reason})${sample}`);
    if (this.count === this.detailedWarnings) void this.out.log('WARN', 'further unusable input lines are only counted');
  }

  /** a closing warning with the total, if anything was ignored */
  finish(): void {
    if (this.count > 0) void this.out.log('WARN', `ignored ${this.count} unusable input line(s) in total`);
  }
}

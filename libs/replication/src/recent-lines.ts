/** The last few log lines of a connector, for failure reasons ("exited with code 1" alone helps nobody). */
export class RecentLines {
  private readonly lines: string[] = [];

  constructor(private readonly limit: number) {}

  push(line: string): void {
    if (this.limit <= 0) return;
    // a single huge line must not bloat a failure reason
    this.lines.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line);
    if (this.lines.length > this.limit) this.lines.shift();
  }

  get size(): number {
    return this.lines.length;
  }

  toString(): string {
    return this.lines.join('\n');
  }
}

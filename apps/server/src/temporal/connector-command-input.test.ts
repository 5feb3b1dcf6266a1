import { describe, expect, it } from 'vitest';
import { connectorCommandInput } from './connector-command-input.js';

const key = Buffer.alloc(32, 7);
const runtime = { kind: 'builtin', name: 'source-sample' } as const;

describe('connectorCommandInput', () => {
  it("hands the worker the definition's resource requirements (its spec/check/discover pods use them)", () => {
    const input = connectorCommandInput(key, 'check', 'source', { runtime, image: 'acme/source:1', resourceRequirements: { memoryLimit: '1Gi' } }, { actorId: 'a' }, 1000);
    expect(input.definition).toEqual({ runtime, image: 'acme/source:1', resources: { memoryLimit: '1Gi' } });
  });

  it('leaves resources out when the definition has none', () => {
    const input = connectorCommandInput(key, 'spec', 'source', { runtime, image: null, resourceRequirements: null }, undefined, 1000);
    expect(input.definition).toEqual({ runtime });
  });
});

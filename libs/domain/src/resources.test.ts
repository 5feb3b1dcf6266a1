import { describe, expect, it } from 'vitest';
import { isKubernetesQuantity, quantityAmount } from './resources.js';

describe('Kubernetes quantities', () => {
  it('accepts what the API server accepts for resources', () => {
    for (const q of ['1', '0', '500m', '0.5', '.5', '1.', '1Gi', '512Mi', '2Ki', '1G', '1e3', '1E3', '1e-3', '+1', '100u', '3n', '2k'])
      expect(isKubernetesQuantity(q), q).toBe(true);
  });

  it('refuses units, spaces, negatives and other words', () => {
    for (const q of ['', '1 GB', '1GB', '1gi', '-1', '1.5.5', 'Gi', 'lots', '1Mi ', ' 1', '1KiB', '1e', '0x10', `${'9'.repeat(70)}`])
      expect(isKubernetesQuantity(q), q).toBe(false);
  });

  it('says the amount a quantity stands for', () => {
    expect(quantityAmount('500m')).toBe(0.5);
    expect(quantityAmount('1Gi')).toBe(1024 ** 3);
    expect(quantityAmount('1G')).toBe(1e9);
    expect(quantityAmount('2e3')).toBe(2000);
    expect(quantityAmount('1.5Ki')).toBe(1536);
    expect(quantityAmount('1 GB')).toBeUndefined();
  });
});

// The corpus coverage measurement (test/conformance/spl-corpus-coverage.ts) as a regression
// floor: with the security_content macros expanded, at least 90% of the searches in scope run
// without `unsupported`, and none fails any other way.
import { describe, expect, it } from 'vitest';
import { measure } from '../../conformance/spl-corpus-coverage.ts';

describe('splunk/security_content corpus', () => {
  it('runs at least 90% of the searches in scope, with no other error', () => {
    const { eligible, unsupported, errors } = measure();
    const refused = [...unsupported.values()].reduce((n, l) => n + l.length, 0);
    expect(eligible).toBeGreaterThan(700);
    expect([...errors.values()].flat()).toEqual([]);
    expect((eligible - refused) / eligible).toBeGreaterThanOrEqual(0.9);
  });
});

// The KQL raw pre-filter as data (rawPrefilterNeeds), for readers that test lines where the
// engine's closures cannot go (worker threads).
import { describe, expect, it } from 'vitest';
import { compileKql } from '../../../generators/kql/engine/index.ts';
import { rawPrefilterNeeds } from '../../../generators/kql/engine/raw-prefilter.ts';

const columns = [{ name: 'App', type: 'string' }, { name: 'Code', type: 'string' }, { name: 'N', type: 'long' }];

describe('rawPrefilterNeeds', () => {
  it('gives the groups of values the test looks for', () => {
    const test = compileKql('T | where App in~ ("IMAP4", "POP3") and Code == "x1" and N > 2', { T: { columns } }).rawPrefilter('T')!;
    expect(rawPrefilterNeeds(test)).toEqual([['IMAP4', 'POP3'], ['x1']]);
  });

  it('knows nothing of other functions', () => {
    expect(rawPrefilterNeeds(() => true)).toBeUndefined();
  });
});

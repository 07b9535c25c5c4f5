// KV_MODE=json keeps the text of numbers as written (Splunk holds text); text inside strings,
// such as an IP address, is no number and does not send a line down the slow path.
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../generators/spl/engine/json.ts';

describe('parseJson', () => {
  it('keeps the text of numbers JavaScript would rewrite', () => {
    expect(parseJson('{"a":1.0,"b":1e3,"c":-0,"d":12345678901234567890,"e":1.5,"f":-2}')).toEqual({ a: '1.0', b: '1e3', c: '-0', d: '12345678901234567890', e: 1.5, f: -2 });
  });

  it('reads strings that look like numbers as the strings they are', () => {
    expect(parseJson('{"ip":"203.0.113.10","v":"1.0","n":10}')).toEqual({ ip: '203.0.113.10', v: '1.0', n: 10 });
    expect(parseJson('{"q":"say \\"1.0\\"","n":[1.10, 2]}')).toEqual({ q: 'say "1.0"', n: ['1.10', 2] });
  });

  it('gives undefined for text that is not JSON, whichever parser reads it', () => {
    expect(parseJson('{"a":1.0,')).toBeUndefined();
    expect(parseJson('{"a":1,')).toBeUndefined();
    expect(parseJson('{"a":01}')).toBeUndefined();
  });
});

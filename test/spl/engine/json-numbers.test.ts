// KV_MODE=json keeps the text of numbers as written (Splunk holds text); text inside strings,
// such as an IP address, is no number and does not send a line down the slow path.
import fc from 'fast-check';
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

  it('reads every number as written when JavaScript would rewrite it, and as a number otherwise, whatever the strings hold', () => {
    // A JSON text written here token by token, and the value it must read as.
    type Written = { text: string; value: unknown };
    const number = fc.oneof(fc.constantFrom('0', '-0', '1.0', '1e3', '1E-2', '10', '-2', '1.5', '12345678901234567890', '0.1', '2.50'), fc.integer().map(String), fc.double({ noNaN: true, noDefaultInfinity: true }).map(String))
      .map((t): Written => ({ text: t, value: String(Number(t)) === t ? Number(t) : t }));
    const string = fc.string({ unit: fc.constantFrom('a', '1', '.', '"', '\\', 'e', '-', ' ', 'é') }).map((v): Written => ({ text: JSON.stringify(v), value: v }));
    const { value: json } = fc.letrec<{ value: Written }>((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, number, string, fc.constantFrom<Written>({ text: 'true', value: true }, { text: 'null', value: null }),
        fc.array(tie('value')).map((items): Written => ({ text: `[${items.map((i) => i.text).join(', ')}]`, value: items.map((i) => i.value) })),
        fc.array(fc.tuple(string, tie('value'))).map((entries): Written => ({
          text: `{${entries.map(([k, v]) => `${k.text}:${v.text}`).join(',')}}`,
          value: Object.fromEntries(entries.map(([k, v]) => [k.value, v.value])),
        }))),
    }));
    fc.assert(fc.property(json, ({ text, value }) => {
      expect(parseJson(text)).toEqual(value);
    }), { numRuns: 3000 });
  });
});

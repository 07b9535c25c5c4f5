// generators/kql/bridge-shortcuts.ts replaces helpers of Bridge.NET's runtime (Bridge.is / as,
// System.Array.getCount / getItem, Bridge.ref) with fast paths. overload-memo.test.ts shows whole
// analyses do not change; this pins each helper on the kinds of values it is given — Kusto's own
// objects and lists, boxed values, plain objects, primitives, interfaces — against the original
// (withoutKustoShortcuts hands every call to it), and that the helpers are replaced at all with
// the Kusto version we pin (were they not, every comparison would pass vacuously).
import { describe, expect, it } from 'vitest';
import { analyzeKqlTree, kustoBridgeShortcutsInPlace, withoutKustoShortcuts } from '../../generators/kql/language-service.ts';

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- Bridge.NET's runtime is untyped

function runtime(): { Bridge: Any; System: Any; Kusto: Any } {
  analyzeKqlTree('print 1', []);
  const g = globalThis as Any;
  return { Bridge: g.Bridge, System: g.System, Kusto: g.Kusto.Language };
}

/** What a call gives (or throws), as text, with the shortcuts and without. */
function both(call: () => unknown): [string, string] {
  const outcome = () => {
    try {
      const v = call();
      return v === null || typeof v !== 'object' ? `value ${String(v)}` : `object ${(v as Any).constructor?.$$name ?? (v as Any).constructor?.name} ${JSON.stringify(Object.keys(v as object).slice(0, 5))}`;
    } catch (e) {
      return `throws ${(e as Error).constructor.name}`;
    }
  };
  return [outcome(), withoutKustoShortcuts(outcome)];
}

describe('Bridge.NET runtime shortcuts give what the original helpers give', () => {
  it('are in place with the Kusto.Language version we pin', () => {
    expect(kustoBridgeShortcutsInPlace()).toBe(true);
  });

  it('Bridge.is and Bridge.as, on Kusto objects, lists, boxed values, plain objects and primitives, against classes, interfaces and System.Object', () => {
    const { Bridge, System, Kusto } = runtime();
    const code = Kusto.KustoCode.ParseAndAnalyze('T | where a == "x" | count', Kusto.GlobalState.Default);
    const node = code.Syntax;
    const token = node.GetFirstToken();
    const list = new (System.Collections.Generic.List$1(System.String).ctor)();
    list.add('a');
    const objects = [node, token, node.GetChild(0), code, list, Bridge.box(1, System.Int32), Bridge.box(true, System.Boolean), { a: 1 }, 'text', 7, true, null, undefined, [1, 2], new Date(0)];
    const types = [
      Kusto.Syntax.SyntaxNode, Kusto.Syntax.SyntaxToken, Kusto.Syntax.SyntaxElement, Kusto.Syntax.SyntaxTree, Kusto.Syntax.QueryBlock, Kusto.KustoCode,
      System.Object, Object, System.String, System.Int32, System.Boolean, System.Collections.IEnumerable, System.Collections.Generic.IEnumerable$1(System.String),
      System.Collections.Generic.List$1(System.String), System.Collections.Generic.List$1(System.Int32), System.IComparable, Array, String,
    ];
    let compared = 0;
    let fast = 0;
    for (const obj of objects) {
      for (const type of types) {
        const [is, isWithout] = both(() => Bridge.is(obj, type));
        expect(is, `is(${String(obj?.constructor?.$$name ?? typeof obj)}, ${type.$$name ?? type.name})`).toBe(isWithout);
        const [as, asWithout] = both(() => Bridge.as(obj, type));
        expect(as).toBe(asWithout);
        compared += 2;
        if (is === 'value true' && obj === node) fast++;
      }
    }
    expect(compared).toBe(objects.length * types.length * 2);
    expect(fast).toBeGreaterThan(2); // the syntax node is a SyntaxNode, a SyntaxElement, a QueryBlock …
  });

  it('System.Array.getCount and getItem, on arrays, typed arrays, Kusto\'s lists and read-only lists, with and without an element type', () => {
    const { System, Kusto } = runtime();
    const list = new (System.Collections.Generic.List$1(System.String).ctor)();
    list.add('a');
    list.add('b');
    const code = Kusto.KustoCode.ParseAndAnalyze('T | where a == "x" | count', Kusto.GlobalState.Default);
    const diagnostics = code.GetDiagnostics();
    const tables = Kusto.GlobalState.Default.Database.Tables;
    const lists = [['a', 'b', 'c'], new Int32Array([4, 5]), list, diagnostics, tables, list.AsReadOnly(), { Count: 3 }, {}];
    const elementTypes = [undefined, System.String, System.Object, Kusto.Diagnostic, Kusto.Symbols.TableSymbol, System.Int32];
    for (const obj of lists) {
      for (const T of elementTypes) {
        const [count, countWithout] = both(() => System.Array.getCount(obj, T));
        expect(count).toBe(countWithout);
        for (const index of [0, 1]) {
          const [item, itemWithout] = both(() => System.Array.getItem(obj, index, T));
          expect(item).toBe(itemWithout);
        }
      }
    }
    expect(both(() => System.Array.getCount(list, System.String))[0]).toBe('value 2');
    expect(both(() => System.Array.getCount(null, System.String))).toEqual(['throws TypeError', 'throws TypeError']);
  });

  it('Bridge.ref: an out argument on a field, an array element and a value, read and written', () => {
    const { Bridge } = runtime();
    const trace = () => {
      const holder: Any = { field: 1 };
      const array = [10, 20, 30];
      const onField = Bridge.ref(holder, 'field');
      const onElement = Bridge.ref(array, 1);
      const onIndexArray = Bridge.ref(array, [2]);
      const onValue = Bridge.ref({ k: 1 });
      const seen: unknown[] = [onField.v, onElement.v, onIndexArray.v, JSON.stringify(onValue.v)];
      onField.v = 2;
      onElement.v = 21;
      onIndexArray.v = 31;
      onValue.v = { k: 2 };
      // The original's setter also stores the value under the key `undefined` of itself: kept as it is.
      seen.push(holder.field, onField.v, array.join(','), onElement.v, onIndexArray.v, onValue.v.k, Object.keys(onValue.v).join(','));
      return JSON.stringify(seen);
    };
    const withShortcut = trace();
    expect(withShortcut).toBe(withoutKustoShortcuts(trace));
    expect(withShortcut).toBe(JSON.stringify([1, 20, 30, '{"k":1}', 2, 2, '10,21,31', 21, 31, 2, 'k,undefined']));
  });
});

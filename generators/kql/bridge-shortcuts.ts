// Kusto's language service is C# compiled to JavaScript by Bridge.NET. Helpers of Bridge's
// runtime that Kusto calls in its hottest loops cost far more than what they do (profile of
// 1,500 generated queries): Bridge.is / as (the type tests of every tree walk, ≈ 4,700 a
// query), System.Array.getCount / getItem (a list's Count and indexer through its interface:
// the member's name built from the type's alias, as a new string, on every call, and getCount
// trying up to seven members), and Bridge.ref (an `out` argument: a new object given its `v`
// accessor by Object.defineProperty, which V8 makes slow). Each is replaced by the same
// function with a fast path for the common case, whose answer is the original's (the reasoning
// is next to each); anything else goes to the original. Analyses take ≈ 20% less time. Checked
// against Bridge.NET 17.10.1 (Kusto.Language 12.4.1); if a helper is not there, nothing is
// replaced. test/kql/overload-memo.test.ts analyses every generated query and the community
// corpus with and without them (withoutKustoShortcuts) and compares everything Kusto says.

type Fn = (...args: never[]) => unknown;
interface BridgeType extends Function {
  $kind?: string;
  $$inherits?: unknown;
  $isInterface?: boolean;
  $is?: unknown;
  $literal?: boolean;
}
interface BridgeRuntime {
  is?: (obj: unknown, type: unknown, ignoreFn?: boolean, allowNull?: boolean) => boolean;
  as?: (obj: unknown, type: unknown, allowNull?: boolean) => unknown;
  isArray?: (obj: unknown, ctor?: unknown) => boolean;
  ref?: (o: unknown, n: unknown) => { v: unknown };
  getTypeAlias?: (type: unknown) => string;
}
interface SystemRuntime {
  Object?: unknown;
  Array?: { getCount?: Fn; getItem?: Fn; toIndex?: (o: unknown, n: unknown) => unknown };
}

/**
 * Replaces the helpers; each goes back to its original while `enabled()` is false. Returns
 * whether they were replaced (false: the runtime is not the one this was written against).
 */
export function speedUpBridgeRuntime(enabled: () => boolean): boolean {
  const g = globalThis as unknown as { Bridge?: BridgeRuntime; System?: SystemRuntime };
  const bridge = g.Bridge;
  const system = g.System;
  if (!bridge || !system?.Array) return false;
  const { is, as, isArray, ref, getTypeAlias } = bridge;
  const { getCount, getItem, toIndex } = system.Array;
  if (typeof is !== 'function' || typeof as !== 'function' || typeof isArray !== 'function' || typeof ref !== 'function' || typeof getTypeAlias !== 'function') return false;
  if (typeof getCount !== 'function' || typeof getItem !== 'function' || typeof toIndex !== 'function') return false;

  // is / as with a class type (a function with $kind but not System.Object, not an interface,
  // without $is, not $literal) and an object neither boxed nor plain: the original answers true
  // when `obj instanceof type` (or its constructor is the type), and otherwise, for an object of a
  // Bridge class (constructor with $kind or $$inherits), false; `as` then gives the object or
  // null. What each type and constructor is, is remembered (one Map lookup instead of a chain of
  // property lookups each call: ≈ 4,700 calls per query, mostly `x as SyntaxNode`).
  const classTypes = new Map<unknown, boolean>();
  const bridgeClasses = new Map<unknown, boolean>();
  const systemObject = system.Object;
  const isClassType = (t: BridgeType): boolean => {
    let known = classTypes.get(t);
    if (known === undefined) classTypes.set(t, (known = t !== systemObject && t !== Object && !!t.$kind && t.constructor === Function && !t.$isInterface && t.$is === undefined && !t.$literal));
    return known;
  };
  const isBridgeClass = (c: BridgeType): boolean => {
    let known = bridgeClasses.get(c);
    if (known === undefined) bridgeClasses.set(c, (known = c !== Object && typeof c === 'function' && !!(c.$kind || c.$$inherits)));
    return known;
  };
  /** is(obj, type) when the fast path knows it, else undefined. */
  const knownIs = (obj: unknown, type: unknown): boolean | undefined => {
    if (obj == null || typeof obj !== 'object' || typeof type !== 'function' || !enabled() || !isClassType(type as BridgeType) || (obj as { $boxed?: unknown }).$boxed) return undefined;
    if (obj instanceof type) return true;
    const c = (obj as { constructor: BridgeType }).constructor;
    return isBridgeClass(c) ? c === type : undefined;
  };
  bridge.is = function (this: unknown, obj: unknown, type: unknown, ignoreFn?: boolean, allowNull?: boolean): boolean {
    return knownIs(obj, type) ?? is.call(this, obj, type, ignoreFn, allowNull);
  };
  bridge.as = function (this: unknown, obj: unknown, type: unknown, allowNull?: boolean): unknown {
    const known = knownIs(obj, type);
    return known === undefined ? as.call(this, obj, type, allowNull) : known ? obj : null;
  };

  // getCount: the original's chain of members (ICollection<T>.Count as a method, ICollection's,
  // then as properties, then Count, getCount), with the names for T built once.
  const countNames = new Map<unknown, readonly [method: string, property: string]>();
  const itemNames = new Map<unknown, string>();
  system.Array.getCount = function (this: unknown, obj: Record<string, unknown>, T: unknown) {
    if (!enabled() || obj == null) return (getCount as (obj: unknown, T: unknown) => unknown).call(this, obj, T);
    if (isArray(obj)) return (obj as unknown as unknown[]).length;
    let names: readonly [string, string] | undefined;
    if (T) {
      names = countNames.get(T);
      if (names === undefined) {
        const generic = `System$Collections$Generic$ICollection$1$${getTypeAlias(T)}`;
        countNames.set(T, (names = [`${generic}$getCount`, `${generic}$Count`]));
      }
      const method = obj[names[0]];
      if (typeof method === 'function') return (method as () => unknown).call(obj);
    }
    const method = obj.System$Collections$ICollection$getCount;
    if (typeof method === 'function') return (method as () => unknown).call(obj);
    let v: unknown;
    if (names && (v = obj[names[1]]) !== undefined) return v;
    if ((v = obj.System$Collections$ICollection$Count) !== undefined) return v;
    if ((v = obj.Count) !== undefined) return v;
    if (typeof obj.getCount === 'function') return (obj.getCount as () => unknown).call(obj);
    return 0;
  } as Fn;
  // getItem: IList<T>'s indexer, its name built once (any other case: the original).
  system.Array.getItem = function (this: unknown, obj: Record<string, unknown>, idx: unknown, T: unknown) {
    if (enabled() && obj != null && T && !isArray(obj)) {
      let name = itemNames.get(T);
      if (name === undefined) itemNames.set(T, (name = `System$Collections$Generic$IList$1$${getTypeAlias(T)}$getItem`));
      const member = obj[name];
      if (typeof member === 'function') return (member as (i: unknown) => unknown).call(obj, idx);
    }
    return (getItem as (obj: unknown, idx: unknown, T: unknown) => unknown).call(this, obj, idx, T);
  } as Fn;

  // ref(o, n): the same accessor `v` (read o, or o[n]; write as the original's setter does, both
  // in strict mode), on a class's prototype instead of defined on each new object.
  class Ref {
    #o: unknown;
    readonly #n: unknown;
    constructor(o: unknown, n: unknown) {
      this.#o = o;
      this.#n = n;
    }
    get v(): unknown {
      return this.#n == null ? this.#o : (this.#o as Record<string, unknown>)[this.#n as string];
    }
    set v(value: unknown) {
      if (this.#n == null) {
        const clonable = value as { $clone?: (into: unknown) => void } | null;
        if (clonable && clonable.$clone) clonable.$clone(this.#o);
        else this.#o = value;
      }
      (this.#o as Record<string, unknown>)[this.#n as string] = value;
    }
  }
  bridge.ref = function (this: unknown, o: unknown, n: unknown) {
    if (!enabled()) return ref.call(this, o, n);
    return new Ref(o, isArray(n) ? toIndex(o, n) : n);
  };
  return true;
}

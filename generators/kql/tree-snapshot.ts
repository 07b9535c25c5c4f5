// Kusto's analysed tree (language-service.ts KqlAnalysedTree) as plain data: every node, its
// types, symbols, result name and function expansion read once through the KqlSyntaxNode
// interface, so that the engine can compile from it without Kusto being loaded (a snapshot can
// be written to disk and read back; see kql-analysis-cache.ts). A snapshot read back is a
// KqlAnalysedTree again, whose nodes answer exactly what the live views answered.
import type { KqlAnalysedTree, KqlDiagnostic, KqlResultType, KqlSyntaxNode } from './language-service.ts';

/** Bump when the layout below changes: snapshots of another version are not read. */
export const TREE_SNAPSHOT_VERSION = 1;

interface SnapshotSymbol {
  readonly kind: string;
  readonly name: string;
  /** Symbols with the same id are the same declaration (KqlSymbolReference.identity). */
  readonly id: number;
  readonly isAggregate: boolean;
  readonly type?: KqlResultType;
}

/** One node, as its view answers; children and the expansion are indexes into KqlTreeSnapshot.nodes. */
type SnapshotNode = Pick<KqlSyntaxNode, 'kind' | 'isToken' | 'isMissing' | 'text' | 'start' | 'line' | 'col' | 'role'> &
  Partial<Pick<KqlSyntaxNode, 'valueText' | 'simpleName' | 'resultType'>> & {
    readonly children: readonly number[];
    readonly symbol?: SnapshotSymbol;
    readonly resultName?: string;
    readonly expansion?: number;
  };

export interface KqlTreeSnapshot {
  readonly version: number;
  readonly text: string;
  readonly diagnostics: readonly KqlDiagnostic[];
  readonly mismatches: readonly KqlDiagnostic[];
  /** nodes[0] is the root. */
  readonly nodes: readonly SnapshotNode[];
}

/** Function expansions nest (a function calling a function): deeper than this is refused. */
const MAX_EXPANSION_DEPTH = 32;

/** The tree as plain data (JSON-safe): walks every node, and every function expansion, once. */
export function snapshotTree(tree: KqlAnalysedTree): KqlTreeSnapshot {
  const nodes: SnapshotNode[] = [];
  const symbolIds = new Map<object, number>();
  const add = (node: KqlSyntaxNode, depth: number): number => {
    const at = nodes.length;
    nodes.push(undefined as unknown as SnapshotNode); // its place, filled once its children are in
    const children = node.children.map((c) => add(c, depth));
    const symbol = node.symbol;
    let expansion: number | undefined;
    if (!node.isToken) {
      const body = node.expansion();
      if (body) {
        if (depth >= MAX_EXPANSION_DEPTH) throw new Error(`KQL tree snapshot: function expansions nest deeper than ${MAX_EXPANSION_DEPTH}`);
        expansion = add(body, depth + 1);
      }
    }
    const resultName = node.isToken ? undefined : node.resultName();
    nodes[at] = {
      kind: node.kind,
      isToken: node.isToken,
      isMissing: node.isMissing,
      text: node.text,
      start: node.start,
      line: node.line,
      col: node.col,
      role: node.role,
      children,
      ...(node.valueText !== undefined ? { valueText: node.valueText } : {}),
      ...(node.simpleName !== undefined ? { simpleName: node.simpleName } : {}),
      ...(node.resultType !== undefined ? { resultType: node.resultType } : {}),
      ...(symbol ? { symbol: { kind: symbol.kind, name: symbol.name, id: idOf(symbolIds, symbol.identity), isAggregate: symbol.isAggregate, ...(symbol.type ? { type: symbol.type } : {}) } } : {}),
      ...(resultName !== undefined ? { resultName } : {}),
      ...(expansion !== undefined ? { expansion } : {}),
    };
    return at;
  };
  add(tree.root, 0);
  return { version: TREE_SNAPSHOT_VERSION, text: tree.text, diagnostics: tree.diagnostics, mismatches: tree.mismatches(), nodes };
}

function idOf(ids: Map<object, number>, identity: object): number {
  let id = ids.get(identity);
  if (id === undefined) ids.set(identity, (id = ids.size));
  return id;
}

/** A snapshot as a tree the engine compiles from (compileKql's `analysed`). */
export function treeFromSnapshot(snapshot: KqlTreeSnapshot): KqlAnalysedTree {
  if (snapshot.version !== TREE_SNAPSHOT_VERSION) throw new Error(`KQL tree snapshot of version ${snapshot.version}, not ${TREE_SNAPSHOT_VERSION}`);
  const identities = new Map<number, object>();
  const identity = (id: number): object => {
    let o = identities.get(id);
    if (!o) identities.set(id, (o = Object.freeze({ symbol: id })));
    return o;
  };
  const views: SnapshotNodeView[] = [];
  const view = (i: number): SnapshotNodeView => {
    const data = snapshot.nodes[i];
    if (!data) throw new Error(`KQL tree snapshot: no node ${i}`);
    return (views[i] ??= new SnapshotNodeView(data, view, identity));
  };
  const mismatches = [...snapshot.mismatches];
  return { text: snapshot.text, root: view(0), diagnostics: [...snapshot.diagnostics], mismatches: () => [...mismatches] };
}

class SnapshotNodeView implements KqlSyntaxNode {
  private childViews: KqlSyntaxNode[] | undefined;
  constructor(
    private readonly data: SnapshotNode,
    private readonly view: (i: number) => SnapshotNodeView,
    private readonly identity: (id: number) => object,
  ) {}

  get kind(): string { return this.data.kind; }
  get isToken(): boolean { return this.data.isToken; }
  get isMissing(): boolean { return this.data.isMissing; }
  get text(): string { return this.data.text; }
  get start(): number { return this.data.start; }
  get line(): number { return this.data.line; }
  get col(): number { return this.data.col; }
  get role(): string { return this.data.role; }
  get valueText(): string | undefined { return this.data.valueText; }
  get simpleName(): string | undefined { return this.data.simpleName; }
  get resultType(): KqlResultType | undefined { return this.data.resultType; }

  get children(): readonly KqlSyntaxNode[] {
    return (this.childViews ??= this.data.children.map(this.view));
  }

  child(role: string): KqlSyntaxNode | undefined {
    return this.children.find((c) => c.role === role);
  }

  get symbol(): KqlSyntaxNode['symbol'] {
    const s = this.data.symbol;
    return s && { kind: s.kind, name: s.name, identity: this.identity(s.id), isAggregate: s.isAggregate, type: s.type };
  }

  resultName(): string | undefined {
    return this.data.resultName;
  }

  expansion(): KqlSyntaxNode | undefined {
    return this.data.expansion === undefined ? undefined : this.view(this.data.expansion);
  }
}

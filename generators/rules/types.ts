// A rule file's data once it has passed the JSON Schema (schemas/rule.schema.json).
import type { YamlDocument } from './yaml-document.ts';

export type RuleScalar = string | number | boolean;
export type SelectionMap = Readonly<Record<string, RuleScalar | readonly RuleScalar[]>>;
export type Selection = SelectionMap | readonly SelectionMap[];

export interface RuleTestDocument {
  readonly name: string;
  readonly events: string | readonly Record<string, unknown>[];
  readonly now?: string;
  readonly expect: {
    readonly rows?: number;
    readonly include?: readonly Record<string, unknown>[];
    readonly exclude?: readonly Record<string, unknown>[];
    readonly equals?: readonly Record<string, unknown>[];
  };
}

export interface RuleDocument {
  readonly id: string;
  readonly name: string;
  readonly title: string;
  readonly kind: 'detection' | 'hunt';
  readonly status: 'experimental' | 'test' | 'stable' | 'deprecated';
  readonly severity: 'informational' | 'low' | 'medium' | 'high' | 'critical';
  readonly version: number;
  readonly description: string;
  readonly attack: readonly string[];
  readonly references?: readonly string[];
  readonly falsepositives?: readonly string[];
  readonly author?: string;
  readonly logsource: string;
  readonly lookback: string;
  readonly schedule?: string;
  readonly match: Readonly<Record<string, Selection>> & { readonly condition: string };
  readonly fields?: readonly string[];
  readonly summarize?: {
    readonly by?: readonly string[];
    readonly window?: string;
    readonly compute: Readonly<Record<string, string>>;
  };
  readonly having?: string;
  readonly order?: readonly string[];
  readonly limit?: number;
  readonly tests: readonly RuleTestDocument[];
}

/** A rule file that parsed and passed the schema, with the means to point into it. */
export interface RuleSource {
  readonly file: string;
  readonly document: RuleDocument;
  readonly yaml: YamlDocument;
}

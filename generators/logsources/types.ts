// The typed form of a log source (schemas/logsources/<name>.yml): canonical fields, and for
// each target where the events live and how each canonical field is spelled there.

export const TARGETS = ['splunk', 'defender', 'sentinel'] as const;
export type TargetName = (typeof TARGETS)[number];

/**
 * Types of canonical fields (what rules and the reference evaluator see). `namevalue` is a list
 * of named string values (an audit record's cmdlet Parameters, [{Name, Value}, …]); rules read
 * one entry with `field[Name]`, names matching case-insensitively.
 */
export type CanonicalType = 'string' | 'int' | 'real' | 'bool' | 'datetime' | 'ip' | 'namevalue';

/** Native column types. KQL: Kusto scalar types. Splunk: what KV_MODE=json extraction yields. */
export type KqlType = 'string' | 'int' | 'long' | 'real' | 'bool' | 'datetime' | 'dynamic' | 'guid' | 'timespan';
export type SplunkType = 'string' | 'number' | 'boolean' | 'time' | 'multivalue';

export interface CanonicalField {
  readonly name: string;
  readonly type: CanonicalType;
  readonly description: string;
  /** Every event carries it, on every target: no missing-value guards needed. */
  readonly required: boolean;
}

/**
 * How one canonical field is read on a target. `column` is the native name; for KQL a dotted
 * name whose first segment is a `dynamic` column (`LocationDetails.city`) reads into it.
 * `type` is the native type of what `column` yields.
 */
export interface NativeField {
  readonly column: string;
  readonly type: KqlType | SplunkType;
}

export interface LogSourceProfile {
  readonly name: string;
  readonly description: string;
  /** Splunk: the macro every search starts from, and its default definition. */
  readonly macro?: string;
  readonly macroDefinition?: string;
  readonly sourcetype?: string;
  /** Splunk: the raw JSON key Splunk's timestamp extraction reads `_time` from. */
  readonly rawTimeField?: string;
  /** KQL: the table the events live in. */
  readonly table?: string;
  /** KQL: a predicate selecting this log source's rows when the table holds others too. */
  readonly filter?: string;
  /** Native columns with one value on every row of this log source (what `filter` selects). */
  readonly constants: ReadonlyMap<string, string | number | boolean>;
  /** canonical field name → native field; absent = not available on this target. */
  readonly fields: ReadonlyMap<string, NativeField>;
  /** canonical field name → why it is not available (shown when a rule needs it). */
  readonly unavailable: ReadonlyMap<string, string>;
  /** The complete native column list with types (from the vendor's documentation). */
  readonly columns: ReadonlyMap<string, KqlType | SplunkType>;
  readonly references: readonly string[];
}

export interface TargetSource {
  readonly defaultProfile: string;
  readonly profiles: ReadonlyMap<string, LogSourceProfile>;
}

/**
 * A file people download from a product's portal (e.g. the Entra admin center's sign-in log
 * CSV): not a query target, only a shape `detc run --events` reads, by its column headers.
 */
export interface LogSourceExport {
  readonly name: string;
  readonly description: string;
  /** canonical field name → the column header the file writes. */
  readonly fields: ReadonlyMap<string, string>;
  /** canonical field name → why the file does not carry it. */
  readonly unavailable: ReadonlyMap<string, string>;
  readonly references: readonly string[];
}

export interface LogSource {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly file: string;
  readonly fields: ReadonlyMap<string, CanonicalField>;
  readonly targets: Readonly<Record<TargetName, TargetSource>>;
  /** Downloads in their own shapes (none: the log source has no declared download). */
  readonly exports: ReadonlyMap<string, LogSourceExport>;
}

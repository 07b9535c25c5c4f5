import type { TargetName } from '../logsources/types.ts';

/** A generated query and how its output columns map back to the rule's canonical columns. */
export interface RenderedQuery {
  readonly target: TargetName;
  readonly profile: string;
  readonly text: string;
  /** canonical output column → native output column name, in output order. */
  readonly columns: ReadonlyArray<{ readonly name: string; readonly native: string }>;
}

// The per-row bag the KQL renderer builds for namevalue entry tests, run on our KQL engine:
// mv-apply runs the subquery on each record's expansion
// (https://learn.microsoft.com/kusto/query/mv-apply-operator); summarize without `by` gives one
// row; make_bag merges property bags, skipping other values
// (https://learn.microsoft.com/kusto/query/make-bag-aggregation-function); bag_pack makes a bag
// of key/value pairs (https://learn.microsoft.com/kusto/query/bag-pack-function); parse_json
// parses JSON text and returns a dynamic value as it is (https://learn.microsoft.com/kusto/query/parse-json-function).
import { describe, expect, it } from 'vitest';
import { rows } from './support.ts';

const bag = (list: string) => `| mv-apply _p = iff(array_length(${list}) > 0, ${list}, dynamic([{}])) on (summarize b = make_bag(bag_pack(tolower(tostring(_p.Name)), tostring(_p.Value)))) | project id, b`;

describe('the entry bag', () => {
  it('one row per input row, lower-cased names → values, from a dynamic array or its JSON text', () => {
    const data = `datatable(id:int, P:string)[1, '[{"Name":"Identity","Value":"a"},{"Name":"PopEnabled","Value":"True"}]', 2, '[]', 3, '']`;
    expect(rows(`${data} ${bag('parse_json(P)')}`)).toEqual([
      { id: 1, b: { identity: 'a', popenabled: 'True' } },
      { id: 2, b: { '': '' } },
      { id: 3, b: { '': '' } },
    ]);
    const dynamicData = `datatable(id:int, P:dynamic)[1, dynamic([{"Name":"ImapEnabled","Value":"False"}])]`;
    expect(rows(`${dynamicData} ${bag('parse_json(P)')}`)).toEqual([{ id: 1, b: { imapenabled: 'False' } }]);
  });

  it('a missing entry reads as "" through tostring', () => {
    expect(rows(`print b = dynamic({"popenabled": "True"}) | project x = tostring(b["imapenabled"]), y = tostring(b["popenabled"])`)).toEqual([{ x: '', y: 'True' }]);
  });
});

// A minimal hunt around a rule body (match, fields, summarize …), for tests that build queries.
export function huntText(body: string, logsource = 'entra_signin'): string {
  return `id: 11111111-2222-4333-8444-555555555555
name: q
title: A test query
kind: hunt
status: test
severity: low
version: 1
description: A query written by a test.
attack: []
logsource: ${logsource}
lookback: 1d
${body}
tests: [{ name: t, events: [], expect: { rows: 0 } }]
`;
}

// A throwaway content folder (schemas + detections + samples) for CLI tests.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../generators/cli.ts';
import { projectPath } from '../generators/paths.ts';

export function makeWorkspace(files: Record<string, string> = {}, options: { withContent?: boolean } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'detc-'));
  cpSync(projectPath('schemas'), join(root, 'schemas'), { recursive: true });
  if (options.withContent) {
    cpSync(projectPath('detections'), join(root, 'detections'), { recursive: true });
    cpSync(projectPath('samples'), join(root, 'samples'), { recursive: true });
  }
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

export async function runCli(root: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['--root', root, ...args], { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** A small valid rule; tests break one thing in it at a time. */
export const VALID_RULE = `id: 11111111-2222-4333-8444-555555555555
name: sample-rule
title: Sample legacy sign-ins
kind: hunt
status: test
severity: low
version: 1
description: A sample rule for the test-suite, listing legacy sign-ins.
attack: [T1078]
logsource: entra_signin
lookback: 1d
match:
  legacy:
    client_app: [IMAP4, POP3]
  condition: legacy
summarize:
  by: [user]
  compute:
    sign_ins: count()
tests:
  - name: one legacy sign-in
    events:
      - { timestamp: 2026-07-01T09:00:00Z, user: a@contoso.com, result_code: 0, client_app: IMAP4 }
    expect: { rows: 1 }
`;

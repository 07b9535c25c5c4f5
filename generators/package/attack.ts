// MITRE ATT&CK (Enterprise) techniques our content can name: id → name and tactics.
// Sentinel (`tactics`), Defender (`category`), the docs and the Navigator layer need the tactic
// of every technique a rule lists, and the package stage must not guess it. The table holds the
// identity, cloud and e-mail techniques a sign-in, audit or mailbox log source can show; a rule
// naming another technique is an error that says to add it here (names and tactics from
// https://attack.mitre.org/techniques/enterprise/). Sub-techniques share their parent's tactics.

/** ATT&CK tactic short names (attack.mitre.org/tactics/enterprise), in matrix order. */
export const TACTICS = [
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'defense-evasion',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
] as const;
export type Tactic = (typeof TACTICS)[number];

interface TechniqueEntry {
  readonly name: string;
  readonly tactics?: readonly Tactic[];
}

const TECHNIQUES: Readonly<Record<string, TechniqueEntry>> = {
  T1021: { name: 'Remote Services', tactics: ['lateral-movement'] },
  T1040: { name: 'Network Sniffing', tactics: ['credential-access', 'discovery'] },
  T1059: { name: 'Command and Scripting Interpreter', tactics: ['execution'] },
  'T1059.001': { name: 'PowerShell' },
  T1069: { name: 'Permission Groups Discovery', tactics: ['discovery'] },
  'T1069.003': { name: 'Cloud Groups' },
  T1071: { name: 'Application Layer Protocol', tactics: ['command-and-control'] },
  'T1071.003': { name: 'Mail Protocols' },
  T1078: { name: 'Valid Accounts', tactics: ['initial-access', 'persistence', 'privilege-escalation', 'defense-evasion'] },
  'T1078.001': { name: 'Default Accounts' },
  'T1078.002': { name: 'Domain Accounts' },
  'T1078.003': { name: 'Local Accounts' },
  'T1078.004': { name: 'Cloud Accounts' },
  T1087: { name: 'Account Discovery', tactics: ['discovery'] },
  'T1087.004': { name: 'Cloud Account' },
  T1090: { name: 'Proxy', tactics: ['command-and-control'] },
  'T1090.003': { name: 'Multi-hop Proxy' },
  T1098: { name: 'Account Manipulation', tactics: ['persistence', 'privilege-escalation'] },
  'T1098.001': { name: 'Additional Cloud Credentials' },
  'T1098.002': { name: 'Additional Email Delegate Permissions' },
  'T1098.003': { name: 'Additional Cloud Roles' },
  'T1098.005': { name: 'Device Registration' },
  T1110: { name: 'Brute Force', tactics: ['credential-access'] },
  'T1110.001': { name: 'Password Guessing' },
  'T1110.002': { name: 'Password Cracking' },
  'T1110.003': { name: 'Password Spraying' },
  'T1110.004': { name: 'Credential Stuffing' },
  T1114: { name: 'Email Collection', tactics: ['collection'] },
  'T1114.001': { name: 'Local Email Collection' },
  'T1114.002': { name: 'Remote Email Collection' },
  'T1114.003': { name: 'Email Forwarding Rule' },
  T1133: { name: 'External Remote Services', tactics: ['initial-access', 'persistence'] },
  T1136: { name: 'Create Account', tactics: ['persistence'] },
  'T1136.003': { name: 'Cloud Account' },
  T1190: { name: 'Exploit Public-Facing Application', tactics: ['initial-access'] },
  T1199: { name: 'Trusted Relationship', tactics: ['initial-access'] },
  T1484: { name: 'Domain or Tenant Policy Modification', tactics: ['defense-evasion', 'privilege-escalation'] },
  'T1484.002': { name: 'Trust Modification' },
  T1528: { name: 'Steal Application Access Token', tactics: ['credential-access'] },
  T1530: { name: 'Data from Cloud Storage', tactics: ['collection'] },
  T1531: { name: 'Account Access Removal', tactics: ['impact'] },
  T1534: { name: 'Internal Spearphishing', tactics: ['lateral-movement'] },
  T1537: { name: 'Transfer Data to Cloud Account', tactics: ['exfiltration'] },
  T1538: { name: 'Cloud Service Dashboard', tactics: ['discovery'] },
  T1539: { name: 'Steal Web Session Cookie', tactics: ['credential-access'] },
  T1550: { name: 'Use Alternate Authentication Material', tactics: ['defense-evasion', 'lateral-movement'] },
  'T1550.001': { name: 'Application Access Token' },
  T1552: { name: 'Unsecured Credentials', tactics: ['credential-access'] },
  'T1552.001': { name: 'Credentials In Files' },
  T1556: { name: 'Modify Authentication Process', tactics: ['credential-access', 'defense-evasion', 'persistence'] },
  'T1556.006': { name: 'Multi-Factor Authentication' },
  'T1556.007': { name: 'Hybrid Identity' },
  'T1556.009': { name: 'Conditional Access Policies' },
  T1557: { name: 'Adversary-in-the-Middle', tactics: ['credential-access', 'collection'] },
  T1562: { name: 'Impair Defenses', tactics: ['defense-evasion'] },
  'T1562.001': { name: 'Disable or Modify Tools' },
  'T1562.008': { name: 'Disable or Modify Cloud Logs' },
  'T1562.010': { name: 'Downgrade Attack' },
  T1564: { name: 'Hide Artifacts', tactics: ['defense-evasion'] },
  'T1564.008': { name: 'Email Hiding Rules' },
  T1566: { name: 'Phishing', tactics: ['initial-access'] },
  'T1566.001': { name: 'Spearphishing Attachment' },
  'T1566.002': { name: 'Spearphishing Link' },
  T1567: { name: 'Exfiltration Over Web Service', tactics: ['exfiltration'] },
  T1573: { name: 'Encrypted Channel', tactics: ['command-and-control'] },
  T1586: { name: 'Compromise Accounts', tactics: ['resource-development'] },
  'T1586.002': { name: 'Email Accounts' },
  'T1586.003': { name: 'Cloud Accounts' },
  T1589: { name: 'Gather Victim Identity Information', tactics: ['reconnaissance'] },
  'T1589.001': { name: 'Credentials' },
  'T1589.002': { name: 'Email Addresses' },
  T1595: { name: 'Active Scanning', tactics: ['reconnaissance'] },
  T1600: { name: 'Weaken Encryption', tactics: ['defense-evasion'] },
  T1606: { name: 'Forge Web Credentials', tactics: ['credential-access'] },
  'T1606.002': { name: 'SAML Tokens' },
  T1621: { name: 'Multi-Factor Authentication Request Generation', tactics: ['credential-access'] },
  T1649: { name: 'Steal or Forge Authentication Certificates', tactics: ['credential-access'] },
  T1651: { name: 'Cloud Administration Command', tactics: ['execution'] },
};

export interface Technique {
  readonly id: string;
  /** `Brute Force: Password Spraying` for a sub-technique, as ATT&CK shows it. */
  readonly name: string;
  readonly tactics: readonly Tactic[];
  /** `T1110` for `T1110.003`; the id itself for a technique. */
  readonly parent: string;
}

/** The technique, or undefined when the table does not know it. */
export function techniqueOf(id: string): Technique | undefined {
  const entry = TECHNIQUES[id];
  const parentId = id.split('.')[0]!;
  const parent = TECHNIQUES[parentId];
  if (!entry || !parent) return undefined;
  const tactics = entry.tactics ?? parent.tactics ?? [];
  return { id, name: id === parentId ? entry.name : `${parent.name}: ${entry.name}`, tactics, parent: parentId };
}

/** `credential-access` → `CredentialAccess`: the spelling of Sentinel's `tactics` and Defender's `category`. */
export const tacticPascalCase = (tactic: Tactic): string =>
  tactic.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');

/** Tactics of all the techniques, once each, in matrix order. */
export function tacticsOf(techniques: readonly Technique[]): Tactic[] {
  const seen = new Set(techniques.flatMap((t) => t.tactics));
  return TACTICS.filter((t) => seen.has(t));
}

export const ATTACK_TECHNIQUE_URL = (id: string): string => `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;

/**
 * The roles of the API (libs/domain roles.ts), as the UI names them. The API decides what a
 * role may do on every call; the UI only hides what would be refused.
 */
export type Role = 'instance_admin' | 'workspace_admin' | 'workspace_editor' | 'workspace_viewer';

/** lowest first */
export const ROLES: { role: Role; label: string }[] = [
  { role: 'workspace_viewer', label: 'Viewer (reads the workspace)' },
  { role: 'workspace_editor', label: 'Editor (changes the workspace, runs syncs)' },
  { role: 'workspace_admin', label: 'Workspace admin (and its users and tokens)' },
  { role: 'instance_admin', label: 'Instance admin (everything)' },
];

const rank = (role: string): number => ROLES.findIndex((r) => r.role === role);

/** the roles `own` may hand out (its own and lower), highest first */
export const grantableBy = (own: Role): { role: Role; label: string }[] => ROLES.slice(0, rank(own) + 1).reverse();

export const isAdmin = (role: string): boolean => rank(role) >= rank('workspace_admin');

/** editors and above change sources, destinations and connections, and run syncs */
export const canEdit = (role: string): boolean => rank(role) >= rank('workspace_editor');

export const roleLabel = (role: string): string => role.replace('workspace_', '').replace('_', ' ');

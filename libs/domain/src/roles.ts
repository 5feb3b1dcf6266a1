/**
 * Who may do what (the meaning is Airbyte's): an instance admin runs the instance (connector
 * definitions, workspaces, every token); the workspace roles act inside one workspace only.
 * A workspace admin manages its workspace and its tokens, an editor configures sources,
 * destinations and connections and runs jobs, a viewer reads.
 */
export const ROLES = ['instance_admin', 'workspace_admin', 'workspace_editor', 'workspace_viewer'] as const;
export type Role = (typeof ROLES)[number];

/** higher is more: each role may do everything the roles below it may */
const RANK: Record<Role, number> = { instance_admin: 4, workspace_admin: 3, workspace_editor: 2, workspace_viewer: 1 };

export const roleAtLeast = (role: Role, minimum: Role): boolean => RANK[role] >= RANK[minimum];

/** every role but instance_admin belongs to one workspace */
export const isWorkspaceRole = (role: Role): boolean => role !== 'instance_admin';

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

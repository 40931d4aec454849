/**
 * Every action name Berth records (api-v1.md, "Activity"). The recorder accepts only these,
 * the activity filter offers and validates them, and the OpenAPI document lists them: a new
 * action is added here, once, and everything that names actions follows.
 */
export const KNOWN_ACTIONS = [
  "auth.login",
  "auth.token.login",
  "auth.token.create",
  "auth.token.revoke",
  "tenant.create",
  "tenant.update",
  "tenant.suspend",
  "tenant.resume",
  "quota.update",
  "quota.defaults.update",
  "policy.update",
  "user.create",
  "user.update",
  "user.disable",
  "user.enable",
  "user.password.change",
  "user.password.reset",
  "tenant.member.add",
  "tenant.member.remove",
  "image.add",
  "image.remove",
  "image.pull",
  "container.launch",
  "container.update",
  "container.start",
  "container.stop",
  "container.restart",
  "container.remove",
  "container.died",
  "container.oom",
  "container.restarted",
  "container.missing",
  "container.cleanup",
  "container.quarantine",
  "console.open",
  "console.close",
  "ingress.route.add",
  "ingress.route.remove",
  "ingress.drift",
  "node.drain",
  "node.activate",
  "volume.create",
  "volume.remove",
  "volume.upload",
  "activity.read",
  "activity.verify",
  "activity.archive",
] as const;

export type ActionName = (typeof KNOWN_ACTIONS)[number];

export function isActionName(value: string): value is ActionName {
  return (KNOWN_ACTIONS as readonly string[]).includes(value);
}

/** A declaration module failed while it ran: not a policy finding, a broken declaration file. */
export class ModuleError extends Error {
  override readonly name = 'ModuleError';
}

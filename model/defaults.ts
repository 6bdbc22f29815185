/** What an organization that says nothing gets: the constructs, the spec, the review and import read these. */
export const ORG_DEFAULTS = { shards: 32, massRemovalThreshold: 0.25 } as const;

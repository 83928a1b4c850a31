// Public surface of the groups concept (docs/adr/0020-groups-are-accounts.md).
export * from "./groups";
export * from "./memberships";
export * from "./rules";
export * from "./remote";
export * from "./remote-groups";

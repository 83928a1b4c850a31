// Public surface of account deletion: a resident leaving, or a remote server
// deleting one of its actors. A folder of its own because deleting an account
// reaches into statuses, follows and media, which themselves build on
// accounts/: kept inside accounts/, it would make the concepts import each other.
export * from "./deletion";

// Opening the event store for a command that holds the asynchronous interface: the same location and options as
// every command (--db, else PHASED_DB, else .phased/phased.db; --synchronous; PHASED_SNAPSHOT_EVERY).

export { openEvents as openStoreFor } from './context.js';

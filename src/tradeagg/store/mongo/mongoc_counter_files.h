// RemoveStaleMongocCounterFiles: libmongoc initialises itself when the process loads it, before
// main, and keeps diagnostic counters in a shared-memory file named for the pid
// (/dev/shm/mongoc-<pid>), removed at a normal exit. A killed process leaves its file; a later
// process that gets the same pid cannot create its own, and libmongoc then prints a plain-text
// warning to stderr before tradeagg's logger exists (a foreign line in a JSON-lines log).
// Removing the files of processes that no longer exist at each start keeps that from happening
// to the next one. (MONGOC_DISABLE_SHM=1 in the environment turns the files off altogether.)
// Thread safety: call once, early in main.
#pragma once

namespace tradeagg::store {

// The number of files removed; failures (another user's file, a race) are skipped.
int RemoveStaleMongocCounterFiles();

}  // namespace tradeagg::store

// The SQLite VFS every ledger connection opens through: the platform's own,
// except that a connection's writes to its write-ahead log are gathered and
// handed to the OS when SQLite syncs the log (or reads it, asks its size,
// or writes elsewhere in it), in pieces of 124 KiB, instead of two `pwrite`
// calls per page (SQLite writes each frame's 24-byte header and its page
// separately).
//
// Why: a group commit of the server changes a page in each of several
// random-keyed B-trees per statement, about 240 pages for a group of 30, and
// those 480 system calls were a fifth of the committer thread's time
// (docs/performance.md). Gathered, they are eight.
//
// Why it is safe: SQLite makes a commit visible to other connections only
// after it has synced the log (synchronous = FULL, as every ledger
// connection sets it) and only then writes the log index header, through a
// memory barrier on the database file. Both flush the gathered bytes first,
// so no other connection, and no later open after a crash, can see a frame
// that is not in the file. A crash loses only frames of a commit that had
// not returned, as without the buffer. A write that fails fails the sync,
// and so the commit, as it would have failed the write. (The barrier's
// flush is for a connection that turned syncing off: there a failed write
// cannot be reported, as the commit is published right after.) At most
// kMaxGatheredBytes are held per connection (a larger transaction is
// written in pieces of that size).
//
// Thread-safety: a connection's files are used by one thread at a time (as
// SQLite uses a connection); the counters are atomic.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vinledger {

inline constexpr std::size_t kMaxGatheredBytes = 4u << 20;

// The VFS's name, registered with SQLite (not as the default) on first call.
[[nodiscard]] const char* ledger_vfs_name();

// Process-wide, since the process started: write calls SQLite made to
// write-ahead logs through this VFS, and the writes that reached the OS.
struct WalWriteCounts {
  std::uint64_t sqlite_writes = 0;
  std::uint64_t os_writes = 0;
};
[[nodiscard]] WalWriteCounts wal_write_counts();

}  // namespace vinledger

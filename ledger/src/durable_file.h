// Small files that must survive a crash whole: written to a temporary file,
// fsynced, renamed over the old one, and the directory fsynced, so after a
// crash the file is either the old one or the new one, never a mix. And an
// exclusive lock on a directory, held by one process at a time.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "vinledger/result.h"

namespace vinledger {

struct DurableWriteOptions {
  unsigned mode = 0600;  // private unless the file is meant to be published
  // false: the caller writes many files in one directory and calls
  // sync_directory once after the last (the rename is durable only then).
  bool sync_directory = true;
};

// Replaces `path` with `content` durably. On error `path` is as it was and
// the temporary file is removed.
Status replace_file_durably(const std::filesystem::path& path, std::string_view content,
                            DurableWriteOptions options = {});

// fsync of a directory: makes the renames and creations inside it durable.
Status sync_directory(const std::filesystem::path& dir);

// Reads a whole file of at most `max_bytes`; not_found if it does not exist.
Result<std::string> read_small_file(const std::filesystem::path& path, std::size_t max_bytes);

// flock(LOCK_EX) on `path` (created if missing), waiting for other holders;
// released when the object goes (or the process dies: the kernel drops it).
class FileLock {
 public:
  static Result<FileLock> acquire(const std::filesystem::path& path);
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace vinledger

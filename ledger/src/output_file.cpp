#include "vinledger/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>

#include "durable_file.h"

namespace vinledger {
namespace {

// What an existing file is, if it is one that an output must never replace.
// Judged by content, not by name: a key or a ledger may be called anything.
std::optional<std::string> irreplaceable_kind(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return "a file that cannot be read";
  std::string head(64 * 1024, '\0');
  ssize_t n;
  do {
    n = ::read(fd, head.data(), head.size());
  } while (n < 0 && errno == EINTR);
  ::close(fd);
  if (n < 0) return "a file that cannot be read";
  head.resize(static_cast<std::size_t>(n));
  if (head.starts_with(std::string_view("SQLite format 3\0", 16))) return "an SQLite database";
  // SQLite's write-ahead log starts with one of two magic numbers.
  if (head.starts_with("\x37\x7f\x06\x82") || head.starts_with("\x37\x7f\x06\x83")) return "an SQLite WAL file";
  if (head.find("PRIVATE KEY-----") != std::string::npos) return "a private key";
  return std::nullopt;
}

}  // namespace

Status write_output_file(const std::filesystem::path& path, std::string_view text, bool force) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) == 0) {
    if (!force) return invalid_input("refusing to overwrite existing file " + path.string() + " (give --force to replace it)");
    if (!S_ISREG(info.st_mode))
      return invalid_input("refusing to replace " + path.string() + ": not a regular file");
    if (auto kind = irreplaceable_kind(path))
      return invalid_input("refusing to replace " + path.string() + ": it is " + *kind +
                           ", which an output file never replaces, even with --force");
  } else if (errno != ENOENT) {
    return storage_error("cannot write " + path.string() + ": " + std::strerror(errno));
  }
  // A directory that is not there is a bad argument, not a failing disk.
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  if (::stat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
    return invalid_input("cannot write " + path.string() + ": " + dir.string() + " is not a directory");
  return replace_file_durably(path, text);
}

}  // namespace vinledger

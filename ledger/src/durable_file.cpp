#include "durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vinledger {
namespace {

// Closes a descriptor on every path out.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

std::unexpected<Error> io_error(const std::string& what, const std::filesystem::path& path) {
  return storage_error("cannot " + what + " " + path.string() + ": " + std::strerror(errno));
}

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

Status sync_directory(const std::filesystem::path& dir) {
  Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0 || ::fsync(dir_fd.get()) != 0) return io_error("sync directory", dir);
  return {};
}

Status replace_file_durably(const std::filesystem::path& path, std::string_view content,
                            DurableWriteOptions options) {
  const std::filesystem::path temporary = path.string() + ".tmp-" + std::to_string(::getpid());
  {
    Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, options.mode));
    if (fd.get() < 0) return io_error("create", temporary);
    // fchmod: the umask must not make a published file private, nor a
    // private one readable.
    if (::fchmod(fd.get(), options.mode) != 0 || !write_all(fd.get(), content) || ::fsync(fd.get()) != 0) {
      auto error = io_error("write", temporary);
      ::unlink(temporary.c_str());
      return error;
    }
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    auto error = io_error("replace", path);
    ::unlink(temporary.c_str());
    return error;
  }
  // The rename is durable only once the directory entry is on disk.
  if (!options.sync_directory) return {};
  return sync_directory(path.has_parent_path() ? path.parent_path() : std::filesystem::path("."));
}

Result<std::string> read_small_file(const std::filesystem::path& path, std::size_t max_bytes) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return not_found(path.string() + " does not exist");
    return io_error("open", path);
  }
  std::string text;
  char buffer[16 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("read", path);
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > max_bytes) return storage_error(path.string() + " is larger than expected");
  }
  return text;
}

Result<FileLock> FileLock::acquire(const std::filesystem::path& path) {
  Fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (fd.get() < 0) return io_error("open lock file", path);
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return io_error("lock", path);
  }
  return FileLock(fd.release());
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing drops the flock
}

}  // namespace vinledger

#include "process.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace vinledger::testing {
namespace {

struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() {
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (fds[0] >= 0) ::close(fds[0]);
    fds[0] = -1;
  }
  void close_write() {
    if (fds[1] >= 0) ::close(fds[1]);
    fds[1] = -1;
  }
};

std::vector<std::string> environment_with(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry; ++entry) {
    std::string item = *entry;
    const std::string name = item.substr(0, item.find('='));
    if (!extra.count(name)) env.push_back(item);
  }
  for (const auto& [name, value] : extra) env.push_back(name + "=" + value);
  return env;
}

// Feeds stdin and drains stdout and stderr together, so that a child that
// prints a lot never blocks on a full pipe while we block on another.
void exchange(Pipe& in, Pipe& out, Pipe& err, const std::string& input, RunResult& result) {
  std::size_t written = 0;
  if (input.empty()) in.close_write();
  char buffer[65536];
  while (out.fds[0] >= 0 || err.fds[0] >= 0) {
    pollfd fds[3];
    int count = 0;
    if (in.fds[1] >= 0) fds[count++] = {in.fds[1], POLLOUT, 0};
    if (out.fds[0] >= 0) fds[count++] = {out.fds[0], POLLIN, 0};
    if (err.fds[0] >= 0) fds[count++] = {err.fds[0], POLLIN, 0};
    if (::poll(fds, count, -1) < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("poll failed");
    }
    for (int i = 0; i < count; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == in.fds[1]) {
        ssize_t n = ::write(in.fds[1], input.data() + written, input.size() - written);
        if (n > 0) written += static_cast<std::size_t>(n);
        if (n < 0 || written == input.size()) in.close_write();
        continue;
      }
      Pipe& source = fds[i].fd == out.fds[0] ? out : err;
      std::string& sink = &source == &out ? result.out : result.err;
      ssize_t n = ::read(source.fds[0], buffer, sizeof buffer);
      if (n > 0) sink.append(buffer, static_cast<std::size_t>(n));
      else source.close_read();
    }
  }
  in.close_write();
}

}  // namespace

RunResult run_program(const std::string& program, const std::vector<std::string>& args, const std::string& input,
                      const std::filesystem::path& cwd, const std::map<std::string, std::string>& env) {
  Pipe in, out, err;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.fds[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out.fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err.fds[1], 2);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());

  std::vector<std::string> argv_storage = {program};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_storage = environment_with(env);
  std::vector<char*> envp;
  for (auto& item : env_storage) envp.push_back(item.data());
  envp.push_back(nullptr);

  pid_t pid = 0;
  // posix_spawnp: a bare name (`openssl`) is looked up on PATH; a path is used as it is.
  int spawned = ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("cannot run " + program + ": " + std::strerror(spawned));
  in.close_read();
  out.close_write();
  err.close_write();

  RunResult result;
  exchange(in, out, err, input, result);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

namespace {

int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

}  // namespace

ChildProcess::ChildProcess(const std::string& program, const std::vector<std::string>& args,
                           const std::filesystem::path& out_file, const std::filesystem::path& err_file,
                           const std::map<std::string, std::string>& env) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> argv_storage = {program};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_storage = environment_with(env);
  std::vector<char*> envp;
  for (auto& item : env_storage) envp.push_back(item.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("cannot run " + program + ": " + std::strerror(spawned));
  pid_ = pid;
}

ChildProcess::~ChildProcess() {
  if (exit_code_) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

void ChildProcess::kill(int signal) {
  if (!exit_code_) ::kill(pid_, signal);
}

int ChildProcess::wait() {
  if (exit_code_) return *exit_code_;
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0)
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
  exit_code_ = exit_code_of(status);
  return *exit_code_;
}

std::optional<int> ChildProcess::poll() {
  if (exit_code_) return exit_code_;
  int status = 0;
  const pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == pid_) exit_code_ = exit_code_of(status);
  return exit_code_;
}

const std::string& vinledger_binary() {
  static const std::string binary = [] {
    const char* from_env = std::getenv("VINLEDGER_BINARY");
    return std::string(from_env && *from_env ? from_env : VINLEDGER_BINARY);
  }();
  return binary;
}

RunResult run_vinledger(const std::vector<std::string>& args, const std::string& input,
                        const std::map<std::string, std::string>& env) {
  return run_program(vinledger_binary(), args, input, {}, env);
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/vinledger-test-XXXXXX";
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

}  // namespace vinledger::testing

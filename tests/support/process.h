// Runs the real `vinledger` binary (or any program) as a child process and
// captures what it prints, for end-to-end tests.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vinledger::testing {

struct RunResult {
  int exit_code = -1;  // the exit status, or 128 + signal number
  std::string out;
  std::string err;
};

// Runs `program` with `args`, feeding `input` on stdin, in `cwd` (if not
// empty), with `env` added to the environment.
RunResult run_program(const std::string& program, const std::vector<std::string>& args, const std::string& input = "",
                      const std::filesystem::path& cwd = {}, const std::map<std::string, std::string>& env = {});

// A child process left running, for tests that interrupt it (SIGKILL at a
// chosen moment). Its stdin is /dev/null; its stdout and stderr go to files,
// so that a child nobody reads from never blocks on a full pipe.
class ChildProcess {
 public:
  // Starts `program` with `args`; output goes to `out_file` and `err_file`.
  ChildProcess(const std::string& program, const std::vector<std::string>& args,
               const std::filesystem::path& out_file, const std::filesystem::path& err_file,
               const std::map<std::string, std::string>& env = {});
  // Kills and reaps a child still running: no zombie outlives a test.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int pid() const { return pid_; }
  // Sends `signal`; harmless once the child has exited but not been waited for.
  void kill(int signal);
  // Waits for the child; the exit status, or 128 + signal number.
  int wait();
  // The exit status if the child has ended, without waiting.
  std::optional<int> poll();

 private:
  int pid_ = -1;
  std::optional<int> exit_code_;
};

// The vinledger binary built with these tests.
const std::string& vinledger_binary();

// Runs vinledger with `args`.
RunResult run_vinledger(const std::vector<std::string>& args, const std::string& input = "",
                        const std::map<std::string, std::string>& env = {});

// A fresh directory under $TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& content);

}  // namespace vinledger::testing

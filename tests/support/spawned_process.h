// Starts a program in the background so that a test can kill it at a moment
// of its choosing (crash-safety tests), with what it printed kept in files.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "process.h"

namespace vinledger::testing {

class Spawned {
 public:
  // Runs `program` with `args`, stdin from /dev/null, stdout and stderr into
  // files under `output_dir` (which must exist).
  Spawned(const std::string& program, const std::vector<std::string>& args, const std::filesystem::path& output_dir);
  ~Spawned();  // kills and reaps a child still running
  Spawned(const Spawned&) = delete;
  Spawned& operator=(const Spawned&) = delete;

  pid_t pid() const { return pid_; }
  void kill(int signal);
  // Waits for the child; exit code, or 128 + signal, and what it printed.
  RunResult wait();

 private:
  pid_t pid_ = -1;
  std::filesystem::path out_;
  std::filesystem::path err_;
};

}  // namespace vinledger::testing

// cxxopts glue: parse a command's options, turning cxxopts' exceptions and
// --help into exit codes.
#pragma once

#include <optional>

#include <cxxopts.hpp>

#include "command.h"

namespace vinledger::cli {

// Returns the parse result, or an exit code if the command should stop here
// (help printed: 0; bad options: 2).
struct Parsed {
  std::optional<cxxopts::ParseResult> result;
  int exit_code = kExitOk;
};

Parsed parse_options(cxxopts::Options& options, Context& context);

// The value of a required option, or nullopt after printing a usage error.
std::optional<std::string> required(const cxxopts::ParseResult& result, const Context& context, const char* name);

// --operator-key if given, else the default path beside the database.
std::filesystem::path operator_key_path(const cxxopts::ParseResult& args, const Context& context);

}  // namespace vinledger::cli

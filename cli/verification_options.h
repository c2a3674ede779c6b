// Options shared by `verify` and `screen`: --as-of, --arrival-window,
// --rules, --fail-on; and loading the reference data they need.
#pragma once

#include <optional>

#include "command.h"
#include "parse_options.h"
#include "vinledger/reference_data.h"
#include "vinledger/verification.h"

namespace vinledger::cli {

struct VerificationSettings {
  VerifyOptions verify;
  Severity fail_on = Severity::kMedium;
  ReferenceData reference;
};

// Adds the shared options to a command's option list.
void add_verification_options(cxxopts::Options& options);

// Reads the shared options and loads the reference data (with --rules in
// place of the shipped rules). On failure prints why and returns the exit code.
struct LoadedSettings {
  std::optional<VerificationSettings> settings;
  int exit_code = kExitOk;
};
LoadedSettings load_verification_settings(const cxxopts::ParseResult& parsed, const Context& context);

}  // namespace vinledger::cli

#include "parse_options.h"

#include <iostream>

namespace vinledger::cli {

Parsed parse_options(cxxopts::Options& options, Context& context) {
  options.add_options()("h,help", "show this help");
  Parsed parsed;
  try {
    Argv argv(context.args);
    auto result = options.parse(argv.argc(), argv.argv());
    if (result.count("help")) {
      std::cout << options.help();
      parsed.exit_code = kExitOk;
      return parsed;
    }
    parsed.result = std::move(result);
  } catch (const cxxopts::exceptions::exception& e) {
    parsed.exit_code = fail_usage(context, e.what());
  }
  return parsed;
}

std::optional<std::string> required(const cxxopts::ParseResult& result, const Context& context, const char* name) {
  if (!result.count(name)) {
    fail_usage(context, std::string("--") + name + " is required");
    return std::nullopt;
  }
  return result[name].as<std::string>();
}

std::filesystem::path operator_key_path(const cxxopts::ParseResult& args, const Context& context) {
  return args.count("operator-key") ? std::filesystem::path(args["operator-key"].as<std::string>())
                                    : default_operator_key_path(context.db);
}

}  // namespace vinledger::cli

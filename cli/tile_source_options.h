// Where `mirror` and `monitor` read a tiled log from: --server URL (its
// HTTP prefix) or --tiles-dir DIR (a directory written with --tiles-dir).
#pragma once

#include <memory>

#include "command.h"
#include "parse_options.h"
#include "vinledger/tile_source.h"

namespace vinledger::cli {

void add_tile_source_options(cxxopts::Options& options);

// The source the options name; nullptr after printing a usage error.
std::unique_ptr<TileSource> tile_source_from(const cxxopts::ParseResult& args, const Context& context);

}  // namespace vinledger::cli

// The log as C2SP tlog-tiles over HTTP (docs/format.md "Tiles and entry
// bundles", docs/api.md "The log as tiles"): GET /checkpoint and
// GET /tile/... answered from the library's tile code, the same bytes
// `checkpoint --tiles-dir` writes. Thin: the ledger decides what exists.
#pragma once

#include <cstddef>

#include "http/http_server.h"
#include "vinledger/ledger.h"

namespace vinledger::api {

// GET /checkpoint: the latest checkpoint recorded (a server that takes
// statements records one when it starts and one per group commit), with
// every cosignature the log holds; with `quorum` > 0, the latest checkpoint
// that many witnesses cosigned. Never issues one: that is the committer's.
http::Response tlog_checkpoint(Ledger& ledger, std::size_t quorum);

// GET /tile/<L>/<N>[.p/<W>] and /tile/entries/<N>[.p/<W>] (`path` is what
// follows "/tile/"): the resource in the tree of the latest checkpoint, 404
// for anything else. An entry bundle is gzip-encoded when the request's
// Accept-Encoding allows it.
http::Response tlog_tile(const http::Request& request, const std::string& path, Ledger& ledger);

}  // namespace vinledger::api

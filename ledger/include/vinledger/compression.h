// gzip (RFC 1952) over zlib, for HTTP bodies: entry bundles are served
// compressed when a client asks, and a tile client reads a compressed
// answer from a server or object store that compresses unasked.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "vinledger/result.h"

namespace vinledger {

std::string gzip_compress(std::string_view data);

// invalid_input for anything that is not one complete gzip member, or that
// would inflate to more than `max_bytes` (a small body must not become a
// huge one in memory).
Result<std::string> gzip_decompress(std::string_view data, std::size_t max_bytes);

// True if an Accept-Encoding header value allows gzip (a "gzip" or "*"
// coding whose q is not 0).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace vinledger

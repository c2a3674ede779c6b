#include "vinledger/compression.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace vinledger {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // zlib's way of saying "gzip framing"
constexpr std::size_t kChunk = 64 * 1024;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string gzip_compress(std::string_view data) {
  z_stream stream{};
  // Level 6 (zlib's default): entry bundles are JSON and shrink about 4x.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::bad_alloc();
  std::unique_ptr<z_stream, decltype(&deflateEnd)> guard(&stream, deflateEnd);
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  // deflateBound guarantees one call finishes.
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) throw std::bad_alloc();
  out.resize(stream.total_out);
  return out;
}

Result<std::string> gzip_decompress(std::string_view data, std::size_t max_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK) return internal_error("zlib cannot start");
  std::unique_ptr<z_stream, decltype(&inflateEnd)> guard(&stream, inflateEnd);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  for (;;) {
    const std::size_t before = out.size();
    out.resize(before + kChunk);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + before);
    stream.avail_out = static_cast<uInt>(kChunk);
    const int status = inflate(&stream, Z_NO_FLUSH);
    out.resize(before + kChunk - stream.avail_out);
    if (out.size() > max_bytes) return invalid_input("the gzip body inflates to more than " + std::to_string(max_bytes) + " bytes");
    if (status == Z_STREAM_END) break;
    if (status != Z_OK) return invalid_input("the body is not valid gzip");
    if (stream.avail_in == 0 && stream.avail_out != 0) return invalid_input("the gzip body is cut short");
  }
  if (stream.avail_in != 0) return invalid_input("the gzip body has bytes after its end");
  return out;
}

bool accepts_gzip(std::string_view accept_encoding) {
  std::string_view rest = accept_encoding;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    std::string_view coding = item;
    std::string_view parameters;
    if (const std::size_t semicolon = item.find(';'); semicolon != std::string_view::npos) {
      coding = trim(item.substr(0, semicolon));
      parameters = trim(item.substr(semicolon + 1));
    }
    const std::string name = lower(coding);
    if (name != "gzip" && name != "x-gzip" && name != "*") continue;
    const std::string params = lower(parameters);
    if (params.starts_with("q=")) {
      const std::string_view q = std::string_view(params).substr(2);
      if (q.find_first_not_of("0.") == std::string_view::npos) return false;  // q=0, q=0.0, q=0.000
    }
    return true;
  }
  return false;
}

}  // namespace vinledger

// A bare TCP client for tests that send what no HTTP library would: broken
// chunking, huge headers, a body sent a byte at a time or cut off.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace vinledger::testing {

class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port);  // 127.0.0.1
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // False once the server closed the connection (or reset it).
  bool send(std::string_view bytes);
  // Everything the server sends until it closes or `timeout` passes.
  std::string read_until_closed(std::chrono::milliseconds timeout);
  // Reads until `marker` was seen (or the timeout / close); returns all read.
  std::string read_until(std::string_view marker, std::chrono::milliseconds timeout);
  // Whether the server closed its side within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout);
  void close();

 private:
  int fd_ = -1;
  std::string pending_;
};

// The status code of an HTTP response's first line; 0 if there is none.
int status_of(std::string_view response);

}  // namespace vinledger::testing

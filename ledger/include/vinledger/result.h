// Result types for expected failures, in the spirit of LevelDB's Status:
// bad input, conflicts and storage errors are values, not exceptions.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace vinledger {

enum class ErrorKind {
  invalid_input,  // malformed input; nothing was written
  forbidden,      // well-formed but not accepted from its signer: a signature
                  // that does not verify, an unknown or revoked signer, a
                  // signer not allowed to make that statement
  conflict,       // the input does not fit the ledger as it now stands: a
                  // statement's `prev` is not the current head, a replay
  not_found,      // a named thing (VIN, party, file) does not exist
  storage,        // the database or the file system failed
  internal,       // a bug: an invariant did not hold
};

struct Error {
  ErrorKind kind;
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> invalid_input(std::string message) {
  return std::unexpected(Error{ErrorKind::invalid_input, std::move(message)});
}
inline std::unexpected<Error> forbidden(std::string message) {
  return std::unexpected(Error{ErrorKind::forbidden, std::move(message)});
}
inline std::unexpected<Error> conflict(std::string message) {
  return std::unexpected(Error{ErrorKind::conflict, std::move(message)});
}
inline std::unexpected<Error> not_found(std::string message) {
  return std::unexpected(Error{ErrorKind::not_found, std::move(message)});
}
inline std::unexpected<Error> storage_error(std::string message) {
  return std::unexpected(Error{ErrorKind::storage, std::move(message)});
}
inline std::unexpected<Error> internal_error(std::string message) {
  return std::unexpected(Error{ErrorKind::internal, std::move(message)});
}

// Prefixes an error's message with where it happened ("orders.jsonl:5").
inline Error with_context(Error error, const std::string& where) {
  error.message = where + ": " + error.message;
  return error;
}

}  // namespace vinledger

// Files a command writes on request (`--out FILE`): never over an existing
// file unless asked, never over a private key or a database even then, and
// always whole (through the one durable writer: a temporary file, fsync,
// rename), so a failed command leaves no partial or empty file behind.
#pragma once

#include <filesystem>
#include <string_view>

#include "vinledger/result.h"

namespace vinledger {

// Writes `text` to `path`. An existing `path` is refused (invalid_input)
// unless `force`; with `force`, a path that is not a regular file, or whose
// content is a private key (PEM "PRIVATE KEY") or an SQLite database or WAL
// file, is still refused. I/O failures are storage errors. Errors name the file.
[[nodiscard]] Status write_output_file(const std::filesystem::path& path, std::string_view text, bool force);

}  // namespace vinledger

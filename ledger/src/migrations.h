// The numbered SQL migrations in schema/, compiled into the library by
// ledger/CMakeLists.txt.
#pragma once

#include <string_view>
#include <vector>

namespace vinledger {

struct Migration {
  int version;            // the file's number: PRAGMA user_version after it runs
  std::string_view name;  // file name, for messages
  std::string_view sql;
};

// In ascending version order.
const std::vector<Migration>& schema_migrations();

}  // namespace vinledger

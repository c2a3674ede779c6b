// vinledger's HTTP API (docs/api.md) mounted on an http::Server: the write
// API over a GroupCommitter, the read API over a pool of Ledgers, each
// route answering with the same library call and the same JSON renderer as
// the command that asks the same question (json.h).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>

#include "api/read_tokens.h"
#include "http/http_server.h"
#include "vinledger/group_commit.h"
#include "vinledger/keys.h"
#include "vinledger/log_witnessing.h"
#include "vinledger/reference_data.h"

namespace vinledger::api {

struct ApiOptions {
  std::filesystem::path db;
  // The operator's key: it signs each group commit's checkpoint (receipts)
  // and the checkpoints GET /v1/checkpoint and bundles need. Without it the
  // server is read-only and serves the checkpoints already recorded.
  std::optional<SigningKey> operator_key;
  bool read_only = false;
  std::size_t max_body = 8 * 1024 * 1024;  // POST /v1/statements
  std::optional<ReadTokens> read_tokens;   // when set, every read needs one
  ReferenceData reference;                 // for verification and screening
  GroupCommitOptions commit;
  // GET /checkpoint serves the latest checkpoint this many witnesses
  // cosigned (0: the latest checkpoint, with whatever cosignatures it has).
  std::size_t witness_quorum = 0;
  // Each new checkpoint is submitted to these witnesses (log_witnesses.h).
  std::vector<WitnessEndpoint> witnesses;
};

// The HTTP status for a library error of this kind, and the error code the
// body names (docs/api.md "Errors").
int status_for(ErrorKind kind);
std::string_view code_for(ErrorKind kind);

class Api {
 public:
  // Opens the ledger (the committer when writable) and mounts every route.
  [[nodiscard]] static Result<std::unique_ptr<Api>> mount(ApiOptions options, http::Server& server);
  ~Api();

  // After the server stopped: answers what the committer still holds.
  void stop();

 private:
  struct Impl;
  explicit Api(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vinledger::api

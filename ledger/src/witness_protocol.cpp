#include "vinledger/witness_protocol.h"

#include <algorithm>

#include "durable_file.h"
#include "vinledger/checkpoint.h"
#include "vinledger/encoding.h"
#include "vinledger/merkle.h"
#include "vinledger/signed_note.h"
#include "vinledger/timestamp.h"

namespace vinledger {
namespace {

constexpr const char* kLogsDir = "logs";
constexpr const char* kEvidenceDir = "evidence";
constexpr const char* kCosignedFile = "cosigned-checkpoint";
constexpr std::string_view kOldPrefix = "old ";
constexpr std::size_t kMaxEchoedBytes = 200;

ProtocolReply text_reply(int status, std::string body) {
  if (!body.empty() && body.back() != '\n') body += '\n';
  return ProtocolReply{status, std::string(kWitnessTextContentType), std::move(body)};
}

// Takes one '\n'-terminated line off the front of `text`.
std::optional<std::string_view> take_line(std::string_view& text) {
  const std::size_t end = text.find('\n');
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view line = text.substr(0, end);
  text.remove_prefix(end + 1);
  return line;
}

std::string origin_hash(std::string_view origin) { return to_hex(sha256(origin)); }

// How the add-checkpoint handler stops a cosign under the state's lock with
// a given answer: the StateCheck sets it and returns an error.
struct Stop {
  std::optional<ProtocolReply> reply;
};

}  // namespace

Result<AddCheckpointRequest> parse_add_checkpoint(std::string_view body) {
  if (body.size() > kMaxAddCheckpointBodyBytes)
    return invalid_input("the body is larger than " + std::to_string(kMaxAddCheckpointBodyBytes) + " bytes");
  AddCheckpointRequest request;
  auto old_line = take_line(body);
  if (!old_line || !old_line->starts_with(kOldPrefix)) return invalid_input("the first line must be \"old <size>\"");
  auto old_size = parse_strict_decimal(old_line->substr(kOldPrefix.size()));
  if (!old_size) return invalid_input("the old size is not a decimal without leading zeros");
  request.old_size = *old_size;
  for (;;) {
    auto line = take_line(body);
    if (!line) return invalid_input("the proof lines are not followed by an empty line and a checkpoint");
    if (line->empty()) break;
    if (request.proof.size() == kMaxAddCheckpointProofLines)
      return invalid_input("more than " + std::to_string(kMaxAddCheckpointProofLines) + " consistency proof lines");
    auto bytes = base64_decode(*line);
    if (!bytes || bytes->size() != sizeof(Hash))
      return invalid_input("consistency proof line " + std::to_string(request.proof.size() + 1) +
                           " is not a base64 SHA-256 hash");
    Hash hash;
    std::copy(bytes->begin(), bytes->end(), hash.begin());
    request.proof.push_back(hash);
  }
  if (auto parsed = parse_unverified_checkpoint(body); !parsed)
    return invalid_input("the checkpoint is malformed: " + parsed.error().message);
  request.checkpoint = std::string(body);
  return request;
}

std::string format_add_checkpoint(const AddCheckpointRequest& request) {
  std::string body = std::string(kOldPrefix) + std::to_string(request.old_size) + "\n";
  for (const Hash& hash : request.proof) body += base64_encode(hash) + "\n";
  return body + "\n" + request.checkpoint;
}

AddCheckpointAnswer read_add_checkpoint_answer(int status, std::string_view content_type, std::string_view body) {
  AddCheckpointAnswer answer;
  const std::string echoed(body.substr(0, std::min(body.size(), kMaxEchoedBytes)));
  if (status == 409 && content_type.starts_with(kTlogSizeContentType)) {
    std::string_view rest = body;
    auto line = take_line(rest);
    auto size = line && rest.empty() ? parse_strict_decimal(*line) : std::nullopt;
    if (size) {
      answer.kind = AddCheckpointAnswer::Kind::conflict;
      answer.witness_size = *size;
      return answer;
    }
  }
  if (status == 200) {
    // The lines are a note's signature lines: parse them as such, under a
    // stand-in text, and let the caller verify them against the checkpoint.
    auto lines = parse_signed_note("-\n\n" + std::string(body));
    if (lines) {
      answer.kind = AddCheckpointAnswer::Kind::cosigned;
      answer.cosignatures = std::move(lines->signatures);
      return answer;
    }
    answer.reason = "200 with a body that is not signature lines: " + lines.error().message;
    return answer;
  }
  answer.reason = std::to_string(status) + (echoed.empty() ? std::string() : ": " + echoed);
  while (!answer.reason.empty() && answer.reason.back() == '\n') answer.reason.pop_back();
  std::replace(answer.reason.begin(), answer.reason.end(), '\n', ' ');
  return answer;
}

std::string witness_checkpoint_path(std::string_view origin) { return origin_hash(origin) + "/checkpoint"; }

// One log the witness serves: its state (a Witness) and where it keeps the
// checkpoint it last cosigned and the evidence of refusals.
struct WitnessServer::Log {
  std::filesystem::path dir;
  Witness witness;
  std::mutex mutex;  // one add-checkpoint at a time per log (the flock orders processes)

  void keep_evidence(const AddCheckpointRequest& request, const std::string& why) {
    const std::filesystem::path evidence = dir / kEvidenceDir;
    std::error_code error;
    std::filesystem::create_directories(evidence, error);
    if (error) return;
    std::size_t files = 0;
    for (auto it = std::filesystem::directory_iterator(evidence, error); !error && it != std::filesystem::directory_iterator();
         it.increment(error))
      ++files;
    if (files >= kMaxEvidenceFiles) return;
    std::string text = "refused: " + why + "\n\n--- request ---\n" + format_add_checkpoint(request);
    // What the witness had cosigned: the other half of the evidence.
    if (auto cosigned = read_small_file(dir / kCosignedFile, kMaxNoteBytes))
      text += "\n--- the checkpoint this witness cosigned last ---\n" + *cosigned;
    else if (auto state = read_small_file(dir / "state.json", kMaxNoteBytes * 2))
      text += "\n--- the witness's state ---\n" + *state;
    auto parsed = parse_unverified_checkpoint(request.checkpoint);
    const std::string name = format_timestamp(now_seconds()) + "-size-" +
                             (parsed ? std::to_string(parsed->checkpoint.size) : std::string("unknown")) + "-" +
                             std::to_string(files) + ".txt";
    // Best effort: refusing the checkpoint does not depend on keeping it.
    (void)replace_file_durably(evidence / name, text);
  }
};

WitnessServer::~WitnessServer() = default;

Result<std::unique_ptr<WitnessServer>> WitnessServer::open(const std::filesystem::path& dir,
                                                           std::span<const VerifierKey> logs,
                                                           WitnessSettings settings) {
  if (logs.empty()) return invalid_input("a witness serves at least one log (--log VKEY)");
  auto home = Witness::open(dir, settings);
  if (!home) return std::unexpected(home.error());
  const WitnessConfig config = home->config();
  std::unique_ptr<WitnessServer> server(new WitnessServer());
  server->name_ = config.name;
  server->cosigner_key_ = config.cosigner_key;
  for (const VerifierKey& key : logs) {
    const std::string& origin = key.name();
    if (server->logs_.count(origin))
      return invalid_input("two keys for the log \"" + origin + "\": a witness follows one key per log");
    // The directory's own log lives in it; every other in a directory of its own.
    std::filesystem::path log_dir = dir;
    if (origin != config.origin()) {
      log_dir = dir / kLogsDir / origin_hash(origin);
      if (!std::filesystem::exists(log_dir / "witness.json"))
        if (auto made = Witness::init(log_dir, config.name, config.key_file, key); !made)
          return std::unexpected(made.error());
    }
    auto witness = Witness::open(log_dir, settings);
    if (!witness) return std::unexpected(witness.error());
    if (!(witness->config().log_key == key))
      return invalid_input(log_dir.string() + " witnesses " + origin + " with the key " +
                           witness->config().log_key.text() + ", not " + key.text());
    server->logs_.emplace(origin, std::unique_ptr<Log>(new Log{log_dir, std::move(*witness), {}}));
  }
  return server;
}

ProtocolReply WitnessServer::add_checkpoint(std::string_view body) {
  auto request = parse_add_checkpoint(body);
  if (!request) return text_reply(400, request.error().message);
  auto unverified = parse_unverified_checkpoint(request->checkpoint);
  if (!unverified) return text_reply(400, unverified.error().message);
  const Checkpoint& offered = unverified->checkpoint;
  auto found = logs_.find(offered.origin);
  if (found == logs_.end()) return text_reply(404, "this witness does not witness that log");
  Log& log = *found->second;

  Stop stop;
  const AddCheckpointRequest& req = *request;
  auto check = [&](const std::optional<Checkpoint>& latest, const Checkpoint& next) -> Status {
    auto halt = [&](ProtocolReply reply) -> Status {
      stop.reply = std::move(reply);
      return conflict("stopped");
    };
    if (req.old_size > next.size) return halt(text_reply(400, "old size is larger than the checkpoint's size"));
    const std::uint64_t latest_size = latest ? latest->size : 0;
    if (req.old_size != latest_size)
      return halt(ProtocolReply{409, std::string(kTlogSizeContentType), std::to_string(latest_size) + "\n"});
    if (next.size == 0 && next.root != empty_tree_root())
      return halt(text_reply(422, "a checkpoint of size 0 must have the empty tree's root"));
    if ((req.old_size == 0 || req.old_size == next.size) && !req.proof.empty())
      return halt(text_reply(422, "no consistency proof belongs here (old size 0, or the same size)"));
    // The spec: the same size with another root is a 409 (without a size:
    // the client must not retry from it). A fork: the request is evidence.
    if (latest && next.size == latest->size && next.root != latest->root) {
      log.keep_evidence(req, "the log forked: another root for the size " + std::to_string(next.size) +
                                 " this witness cosigned");
      return halt(text_reply(409, "the log forked: this witness cosigned another root for the size " +
                                      std::to_string(next.size)));
    }
    return {};
  };
  auto proof = [&](std::uint64_t, std::uint64_t) -> Result<std::vector<Hash>> { return req.proof; };

  std::lock_guard lock(log.mutex);
  auto cosigned = log.witness.cosign(req.checkpoint, proof, check);
  if (stop.reply) return std::move(*stop.reply);
  if (!cosigned) {
    const Error& error = cosigned.error();
    switch (error.kind) {
      case ErrorKind::invalid_input:  // the log's signature (checked before the lock)
        return text_reply(403, "no valid signature by the log's key");
      case ErrorKind::conflict:       // a fork, or a proof that does not verify
        log.keep_evidence(req, error.message);
        return text_reply(422, error.message);
      default:
        return text_reply(500, "the witness cannot read or write its state");
    }
  }
  auto note = parse_signed_note(*cosigned);
  if (!note) return text_reply(500, "internal error");
  std::string lines;
  for (const NoteSignature& signature : note->signatures)
    if (signature.name == name_ && signature.key_id == cosigner_key_->key_id()) lines += signature.line();
  // For the monitoring endpoint; the cosignature is out already, so a
  // failure here loses nothing the witness vouched for.
  (void)replace_file_durably(log.dir / kCosignedFile, *cosigned);
  return ProtocolReply{200, std::string(kWitnessTextContentType), std::move(lines)};
}

ProtocolReply WitnessServer::latest_checkpoint(std::string_view hash) {
  for (const auto& [origin, log] : logs_) {
    if (origin_hash(origin) != hash) continue;
    std::lock_guard lock(log->mutex);
    auto note = read_small_file(log->dir / kCosignedFile, kMaxNoteBytes);
    if (!note) return text_reply(404, "this witness has not cosigned a checkpoint of that log");
    return ProtocolReply{200, std::string(kWitnessTextContentType), std::move(*note)};
  }
  return text_reply(404, "this witness does not witness that log");
}

}  // namespace vinledger

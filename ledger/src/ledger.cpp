#include "vinledger/ledger.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "append.h"
#include "corrections.h"
#include "event_index.h"
#include "ledger_impl.h"
#include "audit.h"
#include "line_reader.h"
#include "party_registry.h"
#include "store.h"
#include "thread_pool.h"
#include "vinledger/entry.h"
#include "vinledger/json.h"
#include "vinledger/signing.h"
#include "vinledger/key_endorsement.h"
#include "vinledger/timestamp.h"
#include "vinledger/untrusted_text.h"

namespace vinledger {
namespace {

LedgerSettings with_defaults(LedgerSettings settings) {
  if (!settings.clock) settings.clock = now_seconds;
  return settings;
}

}  // namespace

// Removes a ledger file that `create` made and could not finish, so that
// `init` can simply be run again.
void remove_ledger_files(const std::filesystem::path& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    std::filesystem::remove(std::filesystem::path(path.string() + suffix), ignored);
}

// Makes a new directory entry durable.
Status sync_parent_directory(const std::filesystem::path& path) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const bool ok = fd >= 0 && ::fsync(fd) == 0;
  const int saved = errno;
  if (fd >= 0) ::close(fd);
  if (!ok) return storage_error("cannot sync directory " + dir.string() + ": " + std::strerror(saved));
  return {};
}

Status link_into_place(const std::filesystem::path& aside, const std::filesystem::path& path) {
  if (::link(aside.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    remove_ledger_files(aside);
    if (saved == EEXIST) return invalid_input("refusing to create " + path.string() + ": it already exists");
    return storage_error("cannot create " + path.string() + ": " + std::strerror(saved));
  }
  remove_ledger_files(aside);
  return sync_parent_directory(path);
}

MigrationHook Ledger::Impl::migration_hook() { return fill_event_index; }

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ledger::Ledger(Ledger&&) noexcept = default;
Ledger& Ledger::operator=(Ledger&&) noexcept = default;
Ledger::~Ledger() = default;

Result<Ledger> Ledger::create(const std::filesystem::path& path, const InitOptions& options,
                              const SigningKey& operator_key, LedgerSettings settings) {
  if (!is_valid_key_name(options.origin))
    return invalid_input("origin " + quote_untrusted(options.origin) +
                         " is not a valid log name (no spaces, no '+', no control or hidden characters)");
  if (options.origin.size() > kMaxOriginBytes)
    return invalid_input("the origin is " + std::to_string(options.origin.size()) + " bytes, longer than the " +
                         std::to_string(kMaxOriginBytes) + "-byte limit");
  if (!is_party_id(options.operator_id))
    return invalid_input("operator id " + quote_untrusted(options.operator_id) +
                         " is not a party id (1-64 of A-Z a-z 0-9 . _ -)");
  std::error_code error;
  if (std::filesystem::symlink_status(path, error).type() != std::filesystem::file_type::not_found)
    return invalid_input("refusing to create " + path.string() + ": it already exists");
  // Built aside and linked into place whole: a kill at any moment leaves
  // either no ledger at `path` or a complete one, and `init` can run again.
  const std::filesystem::path aside = path.string() + ".init-" + std::to_string(::getpid());
  remove_ledger_files(aside);
  if (auto built = build(aside, options, operator_key, settings); !built) return std::unexpected(built.error());
  if (auto linked = link_into_place(aside, path); !linked) return std::unexpected(linked.error());
  return open(path, std::move(settings));
}

Status Ledger::build(const std::filesystem::path& path, const InitOptions& options, const SigningKey& operator_key,
                     LedgerSettings settings) {
  auto store = Store::open(path, Store::OpenMode::kCreateNew, Impl::migration_hook());
  if (!store) return std::unexpected(store.error());

  auto impl = std::make_unique<Impl>();
  impl->store = std::move(*store);
  impl->settings = with_defaults(std::move(settings));
  impl->origin = options.origin;
  nlohmann::json registration = {
      {"type", "party"},
      {"time", format_timestamp(impl->settings.clock())},
      {"actor", options.operator_id},
      {"id", options.operator_id},
      {"name", options.operator_name.empty() ? options.origin : options.operator_name},
      {"country", options.operator_country},
      {"roles", {"regulator"}},
      {"vkey", operator_key.verifier(options.origin).text()},
      {"prev", nullptr},
      {"log", options.origin},
  };
  auto created = impl->write([&](Appender& appender) -> Result<AppendReport> {
    if (auto ok = impl->store->insert_meta(kOriginKey, options.origin); !ok) return std::unexpected(ok.error());
    auto statement = sign_statement(registration, operator_key);
    if (!statement) return std::unexpected(statement.error());
    return impl->append_signed(appender, std::move(*statement));
  });
  impl.reset();  // closes the file: its WAL is folded in and removed
  if (!created) {
    remove_ledger_files(path);
    return std::unexpected(created.error());
  }
  return {};
}

Result<Ledger> Ledger::open(const std::filesystem::path& path, LedgerSettings settings) {
  auto store = Store::open(path, settings.read_only ? Store::OpenMode::kReadOnly : Store::OpenMode::kExisting,
                           Impl::migration_hook());
  if (!store) return std::unexpected(store.error());
  auto origin = (*store)->meta(kOriginKey);
  if (!origin) return std::unexpected(origin.error());
  if (!*origin) return storage_error(path.string() + " is not a vinledger ledger (it has no origin)");
  auto impl = std::make_unique<Impl>();
  impl->store = std::move(*store);
  impl->settings = with_defaults(std::move(settings));
  impl->origin = **origin;
  auto mirror_of = impl->store->meta(kMirrorOfKey);
  if (!mirror_of) return std::unexpected(mirror_of.error());
  impl->mirror_of = *mirror_of;
  auto registry = PartyRegistry::load(*impl->store);
  if (!registry) return std::unexpected(registry.error());
  impl->parties = std::move(*registry);
  return Ledger(std::move(impl));
}

const std::string& Ledger::origin() const { return impl_->origin; }
const std::string& Ledger::operator_id() const { return impl_->parties.operator_id(); }
const std::optional<std::string>& Ledger::mirror_of() const { return impl_->mirror_of; }

Result<AppendReport> Ledger::append(std::istream& lines, std::string_view source_name, const AppendOptions& options) {
  return impl_->write(
      [&](Appender& appender) {
        LineReader reader(lines, kMaxStatementBytes);
        return append_lines(appender, impl_->parties, reader, impl_->workers(), source_name);
      },
      options);
}

Result<AppendReport> Ledger::revoke_party(std::string_view id, const SigningKey& operator_key) {
  return impl_->write([&](Appender& appender) -> Result<AppendReport> {
    // The registry as of this transaction: the party as it now stands.
    const PartyVersion* party = impl_->parties.find(id);
    if (!party) return invalid_input("unknown party \"" + std::string(id) + "\"");
    if (party->record.revoked) return invalid_input("party \"" + std::string(id) + "\" is already revoked");
    const PartyRecord& record = party->record;
    nlohmann::json statement = {{"type", "party"},       {"actor", impl_->parties.operator_id()},
                                {"id", record.id},       {"name", record.name},
                                {"country", record.country}, {"roles", roles_json(record.roles)},
                                {"vkey", record.vkey.text()}, {"revoked", true}};
    if (!record.wmi.empty()) statement["wmi"] = record.wmi;
    // Bound to this ledger (`log`), as every statement record signs.
    statement["log"] = impl_->origin;
    auto head = impl_->store->chain_head(party_chain(record.id));
    if (!head) return std::unexpected(head.error());
    if (!*head) return storage_error("party \"" + record.id + "\" has no registration entry; run `vinledger audit`");
    auto signed_statement = sign_on_head(std::move(statement), (*head)->hash, operator_key, impl_->settings.clock());
    if (!signed_statement) return std::unexpected(signed_statement.error());
    return impl_->append_signed(appender, std::move(*signed_statement));
  });
}

Result<std::vector<PartyInfo>> Ledger::parties() {
  auto registry = PartyRegistry::load(*impl_->store);
  if (!registry) return std::unexpected(registry.error());
  impl_->parties = std::move(*registry);
  std::vector<PartyInfo> parties;
  for (const auto& [id, party] : *impl_->parties.snapshot()) parties.push_back(party);
  return parties;
}

namespace {

Result<LedgerEntry> ledger_entry_from(const StoredEntry& row) {
  auto parsed = parse_entry_leaf(row.leaf);
  if (!parsed)
    return storage_error("the ledger is damaged at entry " + std::to_string(row.seq) + " (" + parsed.error().message +
                         "); run `vinledger audit`");
  return LedgerEntry{leaf_hash(row.leaf), row.leaf, entry_json(parsed->header, parsed->statement), std::nullopt};
}

}  // namespace

Result<LedgerEntry> Ledger::entry(std::int64_t seq) {
  auto row = impl_->store->entry_at(seq);
  if (!row) return std::unexpected(row.error());
  if (!*row) return not_found("no entry at seq " + std::to_string(seq));
  return ledger_entry_from(**row);
}

Result<std::vector<LedgerEntry>> Ledger::history(std::string_view vin) {
  auto cursor = impl_->store->scan_chain(vin);
  if (!cursor) return std::unexpected(cursor.error());
  std::vector<LedgerEntry> entries;
  StoredEntry row;
  for (;;) {
    auto more = cursor->next(row);
    if (!more) return std::unexpected(more.error());
    if (!*more) break;
    auto entry = ledger_entry_from(row);
    if (!entry) return std::unexpected(entry.error());
    entries.push_back(std::move(*entry));
  }
  // Marked from the chain itself, by the rule verification applies.
  std::vector<ChainItem> chain;
  for (const auto& entry : entries)
    chain.push_back(ChainItem{entry.entry["seq"].get<std::int64_t>(), entry.hash, &entry.entry["statement"]});
  for (const auto& withdrawal : chain_withdrawals(chain, impl_->parties.operator_id()))
    for (auto& entry : entries)
      if (entry.entry["seq"].get<std::int64_t>() == withdrawal.seq) entry.withdrawn = withdrawal;
  return entries;
}

Result<std::optional<Hash>> Ledger::head(std::string_view chain) {
  auto head = impl_->store->chain_head(chain);
  if (!head) return std::unexpected(head.error());
  if (!*head) return std::optional<Hash>{};
  return std::optional<Hash>{(*head)->hash};
}

Result<std::optional<ChainHeadInfo>> Ledger::chain_head(std::string_view chain) {
  auto head = impl_->store->chain_head(chain);
  if (!head) return std::unexpected(head.error());
  if (!*head) return std::optional<ChainHeadInfo>{};
  return std::optional<ChainHeadInfo>{ChainHeadInfo{(*head)->seq, (*head)->hash}};
}

Result<std::int64_t> Ledger::size() { return impl_->store->size(); }

Result<AuditReport> Ledger::audit(const std::vector<ExternalCheckpoint>& checkpoints,
                                  const std::optional<ExternalCheckpoint>& since) {
  if (auto ok = impl_->store->begin_read(); !ok) return std::unexpected(ok.error());
  auto report = audit_ledger(*impl_->store, impl_->workers(), impl_->origin, checkpoints, since);
  impl_->store->rollback();  // ends the read snapshot
  return report;
}

Result<AuditReport> Ledger::audit_file(const std::filesystem::path& path,
                                       const std::vector<ExternalCheckpoint>& checkpoints, LedgerSettings settings,
                                       const std::optional<ExternalCheckpoint>& since) {
  auto store = Store::open(path, Store::OpenMode::kExisting, Impl::migration_hook());
  if (!store) return std::unexpected(store.error());
  ThreadPool pool(with_defaults(std::move(settings)).threads);
  if (auto ok = (*store)->begin_read(); !ok) return std::unexpected(ok.error());
  // A missing origin is itself a finding (check_settings); checkpoints are
  // then judged against the empty name, which none carries.
  auto origin = (*store)->meta(kOriginKey);
  if (!origin) {
    (*store)->rollback();
    return std::unexpected(origin.error());
  }
  auto report = audit_ledger(**store, pool, origin->value_or(""), checkpoints, since);
  (*store)->rollback();  // ends the read snapshot
  return report;
}

}  // namespace vinledger

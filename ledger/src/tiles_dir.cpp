#include "vinledger/tiles_dir.h"

#include <set>

#include "durable_file.h"
#include "vinledger/checkpoint.h"
#include "vinledger/signed_note.h"
#include "vinledger/tlog_tiles.h"

namespace vinledger {
namespace {

constexpr unsigned kPublishedFileMode = 0644;  // a web server reads them

// The checkpoint DIR holds, if any: what the publication continues from.
Result<std::optional<Checkpoint>> published_checkpoint(const std::filesystem::path& dir) {
  auto note = read_small_file(dir / "checkpoint", kMaxNoteBytes);
  if (!note) {
    if (note.error().kind == ErrorKind::not_found) return std::optional<Checkpoint>{};
    return std::unexpected(note.error());
  }
  auto parsed = parse_unverified_checkpoint(*note);
  if (!parsed) return storage_error((dir / "checkpoint").string() + " is not a checkpoint: " + parsed.error().message);
  return std::optional<Checkpoint>{std::move(parsed->checkpoint)};
}

// Writes one immutable resource, or checks the one already there (left by a
// publication that stopped before its checkpoint) has the same bytes.
Result<bool> write_resource(const std::filesystem::path& file, const std::string& bytes) {
  auto existing = read_small_file(file, bytes.size() + 1);
  if (existing) {
    if (*existing != bytes)
      return storage_error(file.string() + " exists with other bytes: the directory holds another log's tiles, "
                           "or this log was rewritten");
    return false;
  }
  if (existing.error().kind != ErrorKind::not_found) {
    // Larger than ours is also "other bytes".
    return storage_error(file.string() + ": " + existing.error().message);
  }
  std::error_code error;
  std::filesystem::create_directories(file.parent_path(), error);
  if (error) return storage_error("cannot create " + file.parent_path().string() + ": " + error.message());
  if (auto ok = replace_file_durably(file, bytes, {kPublishedFileMode, false}); !ok) return std::unexpected(ok.error());
  return true;
}

}  // namespace

Result<TilesDirReport> publish_tiles(Ledger& ledger, const std::filesystem::path& dir,
                                     std::string_view signed_checkpoint) {
  auto checkpoint = ledger.open_own_checkpoint(signed_checkpoint);
  if (!checkpoint) return std::unexpected(checkpoint.error());
  auto root = ledger.tree_root(checkpoint->size);
  if (!root) return std::unexpected(root.error());
  if (*root != checkpoint->root)
    return invalid_input("the checkpoint of size " + std::to_string(checkpoint->size) +
                         " does not have the root of this ledger's tree at that size");

  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return storage_error("cannot create " + dir.string() + ": " + error.message());
  auto before = published_checkpoint(dir);
  if (!before) return std::unexpected(before.error());
  TilesDirReport report{0, checkpoint->size, 0};
  if (*before) {
    const Checkpoint& old = **before;
    if (old.origin != checkpoint->origin)
      return invalid_input(dir.string() + " publishes the log \"" + old.origin + "\", not \"" + checkpoint->origin + "\"");
    if (old.size > checkpoint->size)
      return invalid_input(dir.string() + " already publishes a checkpoint of size " + std::to_string(old.size) +
                           ", newer than this one (size " + std::to_string(checkpoint->size) + ")");
    auto old_root = ledger.tree_root(old.size);
    if (!old_root) return std::unexpected(old_root.error());
    if (*old_root != old.root)
      return invalid_input(dir.string() + " publishes a tree of size " + std::to_string(old.size) +
                           " with another root than this ledger's: it is not this log's directory");
    report.old_size = old.size;
  }

  std::set<std::filesystem::path> directories;
  for (const TileAddress& address : tiles_between(report.old_size, checkpoint->size)) {
    auto bytes = ledger.tile_resource(address, checkpoint->size);
    if (!bytes) return std::unexpected(bytes.error());
    const std::filesystem::path file = dir / tile_path(address);
    auto written = write_resource(file, *bytes);
    if (!written) return std::unexpected(written.error());
    if (!*written) continue;
    ++report.files_written;
    for (auto parent = file.parent_path(); parent != dir && parent.has_relative_path(); parent = parent.parent_path())
      directories.insert(parent);
  }
  // New files and directories become durable with their parents' entries;
  // all of them before the checkpoint that points at them.
  directories.insert(dir);
  for (const auto& directory : directories)
    if (auto ok = sync_directory(directory); !ok) return std::unexpected(ok.error());
  if (auto ok = replace_file_durably(dir / "checkpoint", signed_checkpoint, {kPublishedFileMode, true}); !ok)
    return std::unexpected(ok.error());
  return report;
}

}  // namespace vinledger

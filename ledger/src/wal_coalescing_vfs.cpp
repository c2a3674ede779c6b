// The ledger's VFS (wal_coalescing_vfs.h): the platform's VFS with a write
// buffer in front of each write-ahead log.
#include "wal_coalescing_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

namespace vinledger {
namespace {

std::atomic<std::uint64_t> g_sqlite_writes{0};
std::atomic<std::uint64_t> g_os_writes{0};

sqlite3_vfs* g_platform = nullptr;  // the default VFS, set once at registration

// What SQLite allocates for each file it opens through us (szOsFile): our
// part, then the platform's file right after it.
struct File {
  sqlite3_file base;  // first: SQLite sees a File* as a sqlite3_file*
  sqlite3_file* platform = nullptr;
  // A write-ahead log: its gathered bytes, from offset `start` on.
  bool is_wal = false;
  std::string* gathered = nullptr;
  sqlite3_int64 start = 0;
  File* database = nullptr;  // a log: its database file (same connection)
  File* wal = nullptr;       // a database file: its open log, if any
};

constexpr std::size_t kPlatformOffset = (sizeof(File) + alignof(std::max_align_t) - 1) / alignof(std::max_align_t) *
                                        alignof(std::max_align_t);

// SQLite's Unix VFS writes at most the low 17 bits of a length in one call
// (a length of exactly 128 KiB would write nothing and report a full disk):
// gathered bytes go to it in pieces below that.
constexpr std::size_t kPlatformMaxWrite = 124u << 10;

File* as_file(sqlite3_file* file) { return reinterpret_cast<File*>(file); }

// Hands the gathered bytes to the OS. Every path that lets SQLite, or
// another connection, see the log's content comes through here first. On
// a failure the bytes stay gathered (writing them again is harmless: same
// bytes, same place), so the failure is reported again at the next sync,
// read or close instead of turning into frames missing from the file.
int flush(File& file) {
  if (!file.gathered || file.gathered->empty()) return SQLITE_OK;
  for (std::size_t done = 0; done < file.gathered->size(); done += kPlatformMaxWrite) {
    const std::size_t piece = std::min(kPlatformMaxWrite, file.gathered->size() - done);
    const int rc = file.platform->pMethods->xWrite(file.platform, file.gathered->data() + done,
                                                   static_cast<int>(piece), file.start + static_cast<sqlite3_int64>(done));
    g_os_writes.fetch_add(1, std::memory_order_relaxed);
    if (rc != SQLITE_OK) return rc;
  }
  file.gathered->clear();
  return SQLITE_OK;
}

int x_close(sqlite3_file* handle) {
  File& file = *as_file(handle);
  const int rc = flush(file);  // the file closes whatever it says: SQLite never uses it again
  if (file.database) file.database->wal = nullptr;
  if (file.wal) file.wal->database = nullptr;
  delete file.gathered;
  file.gathered = nullptr;
  const int closed = file.platform->pMethods ? file.platform->pMethods->xClose(file.platform) : SQLITE_OK;
  return rc != SQLITE_OK ? rc : closed;
}

int x_read(sqlite3_file* handle, void* out, int amount, sqlite3_int64 offset) {
  File& file = *as_file(handle);
  if (int rc = flush(file); rc != SQLITE_OK) return rc;
  return file.platform->pMethods->xRead(file.platform, out, amount, offset);
}

int x_write(sqlite3_file* handle, const void* data, int amount, sqlite3_int64 offset) {
  File& file = *as_file(handle);
  if (!file.is_wal) return file.platform->pMethods->xWrite(file.platform, data, amount, offset);
  g_sqlite_writes.fetch_add(1, std::memory_order_relaxed);
  // Only a write that continues the gathered bytes joins them: anything
  // else (the log's header, a frame rewritten in place) goes in order.
  if (!file.gathered->empty() &&
      (offset != file.start + static_cast<sqlite3_int64>(file.gathered->size()) ||
       file.gathered->size() + static_cast<std::size_t>(amount) > kMaxGatheredBytes))
    if (int rc = flush(file); rc != SQLITE_OK) return rc;
  if (file.gathered->empty()) file.start = offset;
  file.gathered->append(static_cast<const char*>(data), static_cast<std::size_t>(amount));
  return SQLITE_OK;
}

int x_truncate(sqlite3_file* handle, sqlite3_int64 size) {
  File& file = *as_file(handle);
  if (int rc = flush(file); rc != SQLITE_OK) return rc;
  return file.platform->pMethods->xTruncate(file.platform, size);
}

int x_sync(sqlite3_file* handle, int flags) {
  File& file = *as_file(handle);
  if (int rc = flush(file); rc != SQLITE_OK) return rc;
  return file.platform->pMethods->xSync(file.platform, flags);
}

int x_file_size(sqlite3_file* handle, sqlite3_int64* size) {
  File& file = *as_file(handle);
  if (int rc = flush(file); rc != SQLITE_OK) return rc;
  return file.platform->pMethods->xFileSize(file.platform, size);
}

int x_lock(sqlite3_file* handle, int level) {
  sqlite3_file* platform = as_file(handle)->platform;
  return platform->pMethods->xLock(platform, level);
}

int x_unlock(sqlite3_file* handle, int level) {
  sqlite3_file* platform = as_file(handle)->platform;
  return platform->pMethods->xUnlock(platform, level);
}

int x_check_reserved_lock(sqlite3_file* handle, int* reserved) {
  sqlite3_file* platform = as_file(handle)->platform;
  return platform->pMethods->xCheckReservedLock(platform, reserved);
}

int x_file_control(sqlite3_file* handle, int op, void* argument) {
  File& file = *as_file(handle);
  if (int rc = flush(file); rc != SQLITE_OK) return rc;
  return file.platform->pMethods->xFileControl(file.platform, op, argument);
}

int x_sector_size(sqlite3_file* handle) {
  sqlite3_file* platform = as_file(handle)->platform;
  return platform->pMethods->xSectorSize(platform);
}

int x_device_characteristics(sqlite3_file* handle) {
  sqlite3_file* platform = as_file(handle)->platform;
  return platform->pMethods->xDeviceCharacteristics(platform);
}

int x_shm_map(sqlite3_file* handle, int region, int size, int extend, void volatile** out) {
  sqlite3_file* platform = as_file(handle)->platform;
  if (platform->pMethods->iVersion < 2 || !platform->pMethods->xShmMap) return SQLITE_IOERR_SHMMAP;
  return platform->pMethods->xShmMap(platform, region, size, extend, out);
}

int x_shm_lock(sqlite3_file* handle, int offset, int count, int flags) {
  sqlite3_file* platform = as_file(handle)->platform;
  if (platform->pMethods->iVersion < 2 || !platform->pMethods->xShmLock) return SQLITE_IOERR_SHMLOCK;
  return platform->pMethods->xShmLock(platform, offset, count, flags);
}

// SQLite puts a barrier between the two copies of the log index header it
// writes to publish a commit: the log's frames must be in the file by then,
// whatever `synchronous` says.
void x_shm_barrier(sqlite3_file* handle) {
  File& file = *as_file(handle);
  if (file.wal) (void)flush(*file.wal);  // a failure stays gathered: the next sync, read or close reports it
  if (file.platform->pMethods->iVersion >= 2 && file.platform->pMethods->xShmBarrier)
    file.platform->pMethods->xShmBarrier(file.platform);
}

int x_shm_unmap(sqlite3_file* handle, int delete_flag) {
  sqlite3_file* platform = as_file(handle)->platform;
  if (platform->pMethods->iVersion < 2 || !platform->pMethods->xShmUnmap) return SQLITE_OK;
  return platform->pMethods->xShmUnmap(platform, delete_flag);
}

int x_fetch(sqlite3_file* handle, sqlite3_int64 offset, int amount, void** out) {
  File& file = *as_file(handle);
  *out = nullptr;
  if (file.is_wal) return flush(file);  // SQLite maps only database files; read, never fetch, a log
  if (file.platform->pMethods->iVersion < 3 || !file.platform->pMethods->xFetch) return SQLITE_OK;
  return file.platform->pMethods->xFetch(file.platform, offset, amount, out);
}

int x_unfetch(sqlite3_file* handle, sqlite3_int64 offset, void* page) {
  sqlite3_file* platform = as_file(handle)->platform;
  if (platform->pMethods->iVersion < 3 || !platform->pMethods->xUnfetch) return SQLITE_OK;
  return platform->pMethods->xUnfetch(platform, offset, page);
}

const sqlite3_io_methods kMethods = {
    3,
    x_close,
    x_read,
    x_write,
    x_truncate,
    x_sync,
    x_file_size,
    x_lock,
    x_unlock,
    x_check_reserved_lock,
    x_file_control,
    x_sector_size,
    x_device_characteristics,
    x_shm_map,
    x_shm_lock,
    x_shm_barrier,
    x_shm_unmap,
    x_fetch,
    x_unfetch,
};

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* handle, int flags, int* out_flags) {
  File* file = new (handle) File();
  file->platform = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(handle) + kPlatformOffset);
  const int rc = g_platform->xOpen(g_platform, name, file->platform, flags, out_flags);
  if (rc != SQLITE_OK) {
    // SQLite calls xClose only when pMethods is set: the platform may have
    // left a half-open file to close.
    if (file->platform->pMethods) file->platform->pMethods->xClose(file->platform);
    file->base.pMethods = nullptr;
    return rc;
  }
  if (flags & SQLITE_OPEN_WAL) {
    file->is_wal = true;
    file->gathered = new (std::nothrow) std::string();
    if (!file->gathered) {
      file->platform->pMethods->xClose(file->platform);
      file->base.pMethods = nullptr;
      return SQLITE_NOMEM;
    }
    // The log's database file was opened through this VFS too: pair them,
    // so that publishing a commit (a barrier on the database) flushes it.
    if (name) {
      File* database = as_file(sqlite3_database_file_object(name));
      if (database && database->base.pMethods == &kMethods) {
        file->database = database;
        database->wal = file;
      }
    }
  }
  file->base.pMethods = &kMethods;
  return SQLITE_OK;
}

int x_delete(sqlite3_vfs*, const char* name, int sync_dir) { return g_platform->xDelete(g_platform, name, sync_dir); }
int x_access(sqlite3_vfs*, const char* name, int flags, int* result) {
  return g_platform->xAccess(g_platform, name, flags, result);
}
int x_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
  return g_platform->xFullPathname(g_platform, name, size, out);
}
void* x_dl_open(sqlite3_vfs*, const char* name) { return g_platform->xDlOpen(g_platform, name); }
void x_dl_error(sqlite3_vfs*, int size, char* out) { g_platform->xDlError(g_platform, size, out); }
void (*x_dl_sym(sqlite3_vfs*, void* library, const char* symbol))(void) {
  return g_platform->xDlSym(g_platform, library, symbol);
}
void x_dl_close(sqlite3_vfs*, void* library) { g_platform->xDlClose(g_platform, library); }
int x_randomness(sqlite3_vfs*, int size, char* out) { return g_platform->xRandomness(g_platform, size, out); }
int x_sleep(sqlite3_vfs*, int microseconds) { return g_platform->xSleep(g_platform, microseconds); }
int x_current_time(sqlite3_vfs*, double* now) { return g_platform->xCurrentTime(g_platform, now); }
int x_get_last_error(sqlite3_vfs*, int size, char* out) { return g_platform->xGetLastError(g_platform, size, out); }
int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* now) {
  if (g_platform->iVersion >= 2 && g_platform->xCurrentTimeInt64) return g_platform->xCurrentTimeInt64(g_platform, now);
  double days = 0;
  const int rc = g_platform->xCurrentTime(g_platform, &days);
  *now = static_cast<sqlite3_int64>(days * 86400000.0);
  return rc;
}

constexpr const char* kVfsName = "vinledger-wal-coalescing";
sqlite3_vfs g_vfs{};

}  // namespace

const char* ledger_vfs_name() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_platform = sqlite3_vfs_find(nullptr);
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(kPlatformOffset) + g_platform->szOsFile;
    g_vfs.mxPathname = g_platform->mxPathname;
    g_vfs.zName = kVfsName;
    g_vfs.xOpen = x_open;
    g_vfs.xDelete = x_delete;
    g_vfs.xAccess = x_access;
    g_vfs.xFullPathname = x_full_pathname;
    g_vfs.xDlOpen = x_dl_open;
    g_vfs.xDlError = x_dl_error;
    g_vfs.xDlSym = x_dl_sym;
    g_vfs.xDlClose = x_dl_close;
    g_vfs.xRandomness = x_randomness;
    g_vfs.xSleep = x_sleep;
    g_vfs.xCurrentTime = x_current_time;
    g_vfs.xGetLastError = x_get_last_error;
    g_vfs.xCurrentTimeInt64 = x_current_time_int64;
    sqlite3_vfs_register(&g_vfs, 0);
  });
  return kVfsName;
}

WalWriteCounts wal_write_counts() {
  return {g_sqlite_writes.load(std::memory_order_relaxed), g_os_writes.load(std::memory_order_relaxed)};
}

}  // namespace vinledger

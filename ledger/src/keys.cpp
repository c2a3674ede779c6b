#include "vinledger/keys.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <optional>
#include <stdexcept>
#include <utility>

#include "openssl_handles.h"

namespace vinledger {
namespace {

// A PEM Ed25519 key is about 120 bytes; anything far larger is not a key file
// and is not worth reading into memory.
constexpr off_t kMaxKeyFileBytes = 64 * 1024;
constexpr std::string_view kPkcs8Label = "PRIVATE KEY";

// ---- OpenSSL key objects ---------------------------------------------------

PublicKeyBytes raw_public_key(EVP_PKEY* pkey) {
  PublicKeyBytes key;
  std::size_t length = key.size();
  if (EVP_PKEY_get_raw_public_key(pkey, key.data(), &length) != 1 || length != key.size()) {
    throw std::runtime_error("cannot read Ed25519 public key: " + ossl::take_errors());
  }
  return key;
}

// One PEM block as PEM_read_bio hands it over, owned.
struct RawPemBlock {
  ossl::OpensslBuffer<char> label;
  ossl::OpensslBuffer<char> header;
  ossl::SecretBuffer der;
};

std::optional<RawPemBlock> next_pem_block(BIO* bio) {
  char* label = nullptr;
  char* header = nullptr;
  unsigned char* der = nullptr;
  long der_length = 0;
  const bool found = PEM_read_bio(bio, &label, &header, &der, &der_length) == 1;
  RawPemBlock block{ossl::OpensslBuffer<char>(label), ossl::OpensslBuffer<char>(header),
                    ossl::SecretBuffer(der, ossl::ClearFree{static_cast<std::size_t>(der_length)})};
  if (!found) {
    ERR_clear_error();  // "no start line" is how PEM_read_bio says "no more blocks"
    return std::nullopt;
  }
  return block;
}

struct PemBlock {
  std::string label;
  std::string header;
  ossl::SecretBuffer der;
};

// Reads the single PEM block in `pem`. More than one block is refused: which
// key was meant would be a guess.
Result<PemBlock> read_single_pem_block(std::string_view pem) {
  constexpr std::size_t kMaxPemBytes = 1 << 20;
  if (pem.size() > kMaxPemBytes) return invalid_input("PEM text is too large to be a private key");
  const ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) throw std::bad_alloc();
  std::optional<RawPemBlock> first = next_pem_block(bio.get());
  if (!first) return invalid_input("no PEM block found; expected \"-----BEGIN PRIVATE KEY-----\"");
  if (next_pem_block(bio.get())) return invalid_input("more than one PEM block; expected a single private key");
  return PemBlock{first->label.get(), first->header.get(), std::move(first->der)};
}

Status check_pkcs8_label(const PemBlock& block) {
  if (block.label == "ENCRYPTED PRIVATE KEY") {
    return invalid_input(
        "the private key is encrypted; vinledger reads unencrypted PKCS#8 keys and relies on file mode "
        "0600 to protect them");
  }
  if (block.label != kPkcs8Label || !block.header.empty()) {
    return invalid_input("expected a PKCS#8 \"-----BEGIN PRIVATE KEY-----\" block, found \"-----BEGIN " +
                         block.label + "-----\"" + (block.header.empty() ? "" : " with PEM headers"));
  }
  return {};
}

Result<ossl::PkeyPtr> decode_pkcs8(const PemBlock& block) {
  const unsigned char* cursor = block.der.get();
  const auto length = static_cast<long>(block.der.get_deleter().length);
  ossl::Pkcs8Ptr info(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, length));
  if (info == nullptr || cursor != block.der.get() + length) {
    return invalid_input("the PEM block is not a well-formed PKCS#8 private key: " + ossl::take_errors());
  }
  ossl::PkeyPtr pkey(EVP_PKCS82PKEY(info.get()));
  if (pkey == nullptr) {
    return invalid_input("the PKCS#8 private key could not be decoded: " + ossl::take_errors());
  }
  return pkey;
}

// ---- Files -----------------------------------------------------------------

// Closes the descriptor on every path out of a function.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now and reports the result, which matters after a write.
  bool close() {
    const int fd = std::exchange(fd_, -1);
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

std::string errno_text() { return std::strerror(errno); }

std::string octal_mode(mode_t mode) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04o", static_cast<unsigned>(mode & 07777));
  return buffer;
}

Status check_owner_only(const std::filesystem::path& path, const struct stat& info) {
  if (!S_ISREG(info.st_mode)) return invalid_input("key file " + path.string() + " is not a regular file");
  if ((info.st_mode & 077) != 0) {
    return invalid_input("key file " + path.string() + " has mode " + octal_mode(info.st_mode) +
                         ", so group or others can access it; a signing key must be private to its "
                         "owner: run chmod 600 " + path.string());
  }
  if (info.st_size > kMaxKeyFileBytes) {
    return invalid_input("key file " + path.string() + " is " + std::to_string(info.st_size) +
                         " bytes, too large to be a PEM private key");
  }
  return {};
}

// Reads straight into the result, one byte past the limit to notice a file
// that grew since fstat, so no stray buffer is left holding key bytes.
Result<std::string> read_whole_file(const std::filesystem::path& path, int fd) {
  std::string contents(static_cast<std::size_t>(kMaxKeyFileBytes) + 1, '\0');
  std::size_t filled = 0;
  while (filled < contents.size()) {
    const ssize_t n = ::read(fd, contents.data() + filled, contents.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      OPENSSL_cleanse(contents.data(), filled);
      return invalid_input("cannot read key file " + path.string() + ": " + errno_text());
    }
    if (n == 0) break;
    filled += static_cast<std::size_t>(n);
  }
  if (filled > static_cast<std::size_t>(kMaxKeyFileBytes)) {
    OPENSSL_cleanse(contents.data(), filled);
    return invalid_input("key file " + path.string() + " is too large to be a PEM private key");
  }
  contents.resize(filled);
  return contents;
}

// Reads a file only its owner may access. The mode is checked on the opened
// descriptor, so the file checked is the file read.
Result<std::string> read_private_file(const std::filesystem::path& path) {
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (file.get() < 0) {
    if (errno == ENOENT) return not_found("key file " + path.string() + " does not exist");
    return invalid_input("cannot open key file " + path.string() + ": " + errno_text());
  }
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) {
    return storage_error("cannot stat key file " + path.string() + ": " + errno_text());
  }
  if (Status owner_only = check_owner_only(path, info); !owner_only) return std::unexpected(owner_only.error());
  return read_whole_file(path, file.get());
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Makes the new directory entry durable, not just the file's contents.
bool sync_parent_directory(const std::filesystem::path& path) {
  const std::filesystem::path parent = path.has_parent_path() ? path.parent_path() : ".";
  FileDescriptor dir(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  return dir.get() >= 0 && ::fsync(dir.get()) == 0;
}

Status write_private_file_at(const std::filesystem::path& path, std::string_view contents);

// Creates `path` with mode 0600 holding `contents`: written and synced under
// a temporary name, then linked into place, which fails if `path` exists
// ("never overwrite", atomically). A kill at any moment leaves either no key
// file or a complete one, never an empty file that blocks a second try.
Status write_new_private_file(const std::filesystem::path& path, std::string_view contents) {
  if (::access(path.c_str(), F_OK) == 0) return invalid_input("refusing to overwrite existing file " + path.string());
  const std::filesystem::path temporary = path.string() + ".tmp-" + std::to_string(::getpid());
  ::unlink(temporary.c_str());
  if (Status written = write_private_file_at(temporary, contents); !written) return written;
  if (::link(temporary.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temporary.c_str());
    if (saved == EEXIST) return invalid_input("refusing to overwrite existing file " + path.string());
    return storage_error("cannot create key file " + path.string() + ": " + std::strerror(saved));
  }
  ::unlink(temporary.c_str());
  if (!sync_parent_directory(path)) {
    return storage_error("key file " + path.string() + " was written, but its directory could not be synced: " +
                         errno_text());
  }
  return {};
}

// Writes a new file of mode 0600; on any failure it is removed again.
Status write_private_file_at(const std::filesystem::path& path, std::string_view contents) {
  FileDescriptor file(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0600));
  if (file.get() < 0) return storage_error("cannot create key file " + path.string() + ": " + errno_text());
  // The umask can only remove bits, but fchmod also pins the mode if the
  // process runs with an unusual default ACL.
  const char* failed_step = nullptr;
  if (::fchmod(file.get(), 0600) != 0) {
    failed_step = "set the mode of";
  } else if (!write_all(file.get(), contents)) {
    failed_step = "write";
  } else if (::fsync(file.get()) != 0) {
    failed_step = "sync";
  } else if (!file.close()) {
    failed_step = "close";
  }
  if (failed_step != nullptr) {
    const std::string reason = errno_text();
    ::unlink(path.c_str());
    return storage_error(std::string("cannot ") + failed_step + " key file " + path.string() + ": " + reason +
                         " (the file was removed)");
  }
  return {};
}

}  // namespace

// ---- SigningKey ------------------------------------------------------------

struct SigningKey::Impl {
  explicit Impl(ossl::PkeyPtr key) : pkey(std::move(key)), public_key(raw_public_key(pkey.get())) {}

  ossl::PkeyPtr pkey;
  PublicKeyBytes public_key;
};

SigningKey::SigningKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

SigningKey SigningKey::generate() {
  const ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* generated = nullptr;
  if (ctx == nullptr || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &generated) != 1) {
    throw std::runtime_error("Ed25519 key generation failed: " + ossl::take_errors());
  }
  return SigningKey(std::make_shared<const Impl>(ossl::PkeyPtr(generated)));
}

SigningKey SigningKey::from_seed(std::span<const std::uint8_t, 32> seed) {
  ossl::PkeyPtr pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (pkey == nullptr) throw std::runtime_error("cannot load Ed25519 seed: " + ossl::take_errors());
  return SigningKey(std::make_shared<const Impl>(std::move(pkey)));
}

Result<SigningKey> SigningKey::from_pem(std::string_view pem) {
  Result<PemBlock> block = read_single_pem_block(pem);
  if (!block) return std::unexpected(block.error());
  if (Status label = check_pkcs8_label(*block); !label) return std::unexpected(label.error());
  Result<ossl::PkeyPtr> pkey = decode_pkcs8(*block);
  if (!pkey) return std::unexpected(pkey.error());
  if (EVP_PKEY_is_a(pkey->get(), "ED25519") != 1) {
    const char* type = EVP_PKEY_get0_type_name(pkey->get());
    return invalid_input(std::string("the private key is a ") + (type != nullptr ? type : "non-Ed25519") +
                         " key; only Ed25519 keys are supported");
  }
  return SigningKey(std::make_shared<const Impl>(std::move(*pkey)));
}

Result<SigningKey> SigningKey::load(const std::filesystem::path& path) {
  Result<std::string> pem = read_private_file(path);
  if (!pem) return std::unexpected(pem.error());
  Result<SigningKey> key = from_pem(*pem);
  OPENSSL_cleanse(pem->data(), pem->size());
  if (!key) return std::unexpected(with_context(key.error(), "key file " + path.string()));
  return key;
}

Status SigningKey::save_new(const std::filesystem::path& path) const {
  std::string pem = to_pem();
  Status saved = write_new_private_file(path, pem);
  OPENSSL_cleanse(pem.data(), pem.size());
  return saved;
}

std::string SigningKey::to_pem() const {
  // BIO_s_mem clears its buffer when freed.
  const ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      PEM_write_bio_PKCS8PrivateKey(bio.get(), impl_->pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error("cannot encode private key as PEM: " + ossl::take_errors());
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

SignatureBytes SigningKey::sign(std::string_view message) const {
  SignatureBytes signature;
  std::size_t length = signature.size();
  const ossl::MdCtxPtr ctx(EVP_MD_CTX_new());
  const bool signed_ok =
      ctx != nullptr &&
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, impl_->pkey.get()) == 1 &&
      EVP_DigestSign(ctx.get(), signature.data(), &length, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) == 1;
  if (!signed_ok || length != signature.size()) {
    throw std::runtime_error("Ed25519 signing failed: " + ossl::take_errors());
  }
  return signature;
}

const PublicKeyBytes& SigningKey::public_key() const { return impl_->public_key; }

VerifierKey SigningKey::verifier(std::string name) const {
  return VerifierKey::from_public_key(std::move(name), impl_->public_key);
}

}  // namespace vinledger

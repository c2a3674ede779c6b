// Owning handles for OpenSSL objects, so every exit path frees what it made.
// Internal: public headers never mention OpenSSL types.
#pragma once

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstddef>
#include <memory>
#include <string>

namespace vinledger::ossl {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct Pkcs8Free {
  void operator()(PKCS8_PRIV_KEY_INFO* p) const { PKCS8_PRIV_KEY_INFO_free(p); }
};
// For buffers OpenSSL allocates and hands to the caller (PEM_read_bio).
struct OpensslFree {
  void operator()(void* p) const { OPENSSL_free(p); }
};

// Key material OpenSSL allocated (DER of a private key): wiped, then freed.
struct ClearFree {
  std::size_t length = 0;
  void operator()(unsigned char* p) const { OPENSSL_clear_free(p, length); }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;
using Pkcs8Ptr = std::unique_ptr<PKCS8_PRIV_KEY_INFO, Pkcs8Free>;
template <class T>
using OpensslBuffer = std::unique_ptr<T, OpensslFree>;
using SecretBuffer = std::unique_ptr<unsigned char, ClearFree>;

// Drains this thread's OpenSSL error queue into one line, so a later caller
// never sees a stale error.
inline std::string take_errors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

}  // namespace vinledger::ossl

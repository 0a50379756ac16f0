#ifndef ZONAL_CCRYPTO_SHIM_H
#define ZONAL_CCRYPTO_SHIM_H
/* OpenSSL's libcrypto: SHA-256 for input checksums (its SHA-NI/AVX2 code
   hashes a 300 MB input in a fraction of a second), HMAC-SHA256 for keyed
   hashes of personal values, and the system's random bytes for their keys. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#endif

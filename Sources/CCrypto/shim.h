#ifndef ZONAL_CCRYPTO_SHIM_H
#define ZONAL_CCRYPTO_SHIM_H
/* OpenSSL's libcrypto, for SHA-256 only: its SHA-NI/AVX2 code hashes a
   300 MB input in a fraction of a second. */
#include <openssl/evp.h>
#endif

#ifndef ZONAL_CGZIP_SHIM_H
#define ZONAL_CGZIP_SHIM_H
#include <zlib.h>
#endif
